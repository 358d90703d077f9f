import { generateFromOptions } from '../../src/cli/commands/spel';
import type { ConsumerKind } from '../../src/spel/consumers';
import type { VariableMode } from '../../src/spel/generate';
import { isRecord } from '../../src/spel/json';
import { BAKE_NAME, BAKE_REF_ID, shuffled, TWELVE_REGIONS } from './bake-execution';

/** Every combination the conformance tests run: region counts, modes, consumers, bake by name or refId. */
export interface GeneratedCase {
  title: string;
  regions: string[];
  mode: VariableMode;
  consumer: ConsumerKind;
  byName: boolean;
  stages: Array<Record<string, unknown>>;
}

export const REGION_SETS: string[][] = [['eu-west-1'], ['us-east-1', 'eu-west-1'], shuffled(TWELVE_REGIONS, 3)];
export const MODES: VariableMode[] = ['fields', 'image', 'payload'];
export const CONSUMERS: ConsumerKind[] = ['webhook', 'lambda', 'runjob'];

export function generatedCases(): GeneratedCase[] {
  const cases: GeneratedCase[] = [];
  for (const regions of REGION_SETS) {
    for (const mode of MODES) {
      for (const consumer of CONSUMERS) {
        for (const byName of [false, true]) {
          const output = generateFromOptions({
            ...(byName ? { bakeStage: BAKE_NAME, bakeStageRefId: BAKE_REF_ID } : { bakeRefId: BAKE_REF_ID }),
            regions: regions.join(','),
            mode,
            fields: 'imageId,imageName,baseAmiId',
            prefix: '',
            refId: '2',
            name: 'Image facts',
            consumer,
            consumerRefId: '3',
            url: 'https://tagger.example.com/spinnaker',
            function: 'ami-tagger-direct-path',
            account: 'prod',
            lambdaRegion: 'eu-west-1',
            image: 'registry.example.com/ami-tagger:1',
            namespace: 'tools',
            format: 'stage',
          });
          const parsed: unknown = JSON.parse(output);
          if (!Array.isArray(parsed) || !parsed.every(isRecord)) throw new Error('spel printed something other than a list of stages');
          cases.push({ title: `${regions.length} region(s), ${mode}, ${consumer}, bake by ${byName ? 'name' : 'refId'}`, regions, mode, consumer, byName, stages: parsed });
        }
      }
    }
  }
  return cases;
}

/** The JSON paths (as key lists) of every string holding an expression in the consumer stage. */
export function consumerExpressionPaths(stage: Record<string, unknown>): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [];
  const visit = (value: unknown, path: Array<string | number>): void => {
    if (typeof value === 'string' && value.includes('${')) paths.push(path);
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (isRecord(value)) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(stage, []);
  return paths;
}

export function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const part of path) current = Array.isArray(current) && typeof part === 'number' ? current[part] : isRecord(current) && typeof part === 'string' ? current[part] : undefined;
  return current;
}

export function withValueAt(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === 'number') return value.map((item, index) => (index === head ? withValueAt(item, rest, replacement) : item));
  if (isRecord(value) && typeof head === 'string') return { ...value, [head]: withValueAt(value[head], rest, replacement) };
  return value;
}

/** What the consumer stage sends, once its expressions are evaluated. */
export function sentPayload(consumer: ConsumerKind, evaluatedStage: unknown): unknown {
  switch (consumer) {
    case 'webhook':
      return valueAt(evaluatedStage, ['payload']);
    case 'lambda': {
      const reference = valueAt(evaluatedStage, ['payloadArtifact', 'reference']);
      if (typeof reference !== 'string') throw new Error(`payloadArtifact.reference is not text: ${JSON.stringify(reference)}`);
      return JSON.parse(Buffer.from(reference, 'base64').toString('utf8'));
    }
    case 'runjob': {
      const value = valueAt(evaluatedStage, ['manifest', 'spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value']);
      if (typeof value !== 'string') throw new Error(`the payload env var is not text: ${JSON.stringify(value)}`);
      return JSON.parse(value);
    }
  }
}
