/**
 * Property tests of the SpEL that `ami-tagger spel` writes around user input: thousands of
 * hostile bake stage names, refIds and regions (quotes, `${`, `}`, `{{`, `}}`, `#`, Orca's own
 * `#stage(` and `deployedServerGroups`, control and zero-width characters, lone surrogates,
 * emoji, 10,000-character strings). For each, the generator either writes expressions that
 * parse as Spring parses them and that the preview, evaluating them as Orca would against a run where a stage
 * with exactly that name (or refId) exists next to look-alikes, resolves to that stage's images;
 * or it refuses the input with an InputError whose `where` names the flag. The counts are printed
 * at the end of the run.
 */
import fc from 'fast-check';
import { generateFromOptions } from '../../src/cli/commands/spel';
import { InputError } from '../../src/errors';
import { spelStringLiteral } from '../../src/spel/escape';
import { evaluateField } from '../../src/spel/evaluate-field';
import { type BakeReference, generateVariables } from '../../src/spel/generate';
import { isRecord } from '../../src/spel/json';
import { lintPipeline } from '../../src/spel/lint';
import { orcaFunctions } from '../../src/spel/orca-functions';
import { orcaRewriteHazard } from '../../src/spel/orca-preprocess';
import { dinghySafeJson } from '../../src/spel/output-format';
import { previewStages } from '../../src/spel/preview';
import { parseSpel } from '../../src/spel/spel-ast';
import { parseTemplate } from '../../src/spel/template';

interface Tally {
  inputs: number;
  accepted: number;
  rejected: number;
  withoutField: number;
  /** Rejections by flag and kind. */
  reasons: Record<string, number>;
}

const tallies: Record<string, Tally> = {};
const tally = (name: string): Tally => (tallies[name] ??= { inputs: 0, accepted: 0, rejected: 0, withoutField: 0, reasons: {} });

const REASONS: Array<[string, RegExp]> = [
  ['empty', /is (empty|missing)/],
  ["Orca's rewrite", /Orca rewrites|stops Orca from passing/],
  ['too long', /Orca refuses expressions longer/],
  ['not a region', /is not an AWS region name|no region given|listed twice/],
  ['same key', /would both be stored as the variable/],
  ['line break', /holds a line break/],
];

afterAll(() => {
  const lines = Object.entries(tallies).map(([name, t]) => {
    const reasons = Object.entries(t.reasons).map(([reason, count]) => `${reason} ${count}`).join(', ');
    return `${name}: ${t.inputs} inputs, ${t.accepted} accepted, ${t.rejected} rejected${reasons === '' ? '' : ` (${reasons})`}, ${t.withoutField} rejections without a field name`;
  });
  process.stdout.write(`SpEL escaping property tests\n  ${lines.join('\n  ')}\n`);
});

const ODD = [
  "'", "''", '"', '\\', '$', '${', '}', '{', '{{', '}}', '#', '#stage(', '#stageByRefId(', '#stageExists(', '#root', '( #root.execution, ', 'deployedServerGroups',
  '(', ')', '[', ']', '.', '?', '^', '==', ' or ', ',', ':', '|', '*', '+', ' ', '\t', '\n', '\r', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028',
  '\u200b', '\u200d', '\ufeff', '\u202e', 'é', 'e\u0301', 'ß', 'İ', '😀', '\ud800', '\udc00', 'Bake', 'bake', 'us-east-1', 'a', 'Z', '0',
];

/** Text a stage name, a refId or a region might hold, weighted toward the hostile. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...ODD), minLength: 1, maxLength: 12 }) },
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom("Bake 'prod'", 'Bake ${trigger.user}', "x'}", '}}{{', "#stage('x')", 'a #stage( #root.execution, b', 'deployedServerGroups', '#judgment(x)', "''''", '\\u0027') },
  // Near and past Orca's limit of 10,000 characters an expression.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 9_800, max: 10_200 }), fc.constantFrom('x', "'", '}')).map(([length, char]) => char.repeat(length)) },
);

const REGIONS = ['us-east-1', 'eu-west-1'];
const FIELDS = ['imageId', 'imageName'] as const;

function detailsFor(tag: string, regions: readonly string[]): Array<Record<string, string>> {
  return regions.map((region) => ({ region, imageId: `ami-${tag}-${region}`, imageName: `image-${tag}-${region}` }));
}

/**
 * A run with the bake (`name`, `refId`) after look-alike stages: another case, a trailing space,
 * a quote less, a refId that differs by a character. A match on any of them gives other images.
 */
function runWith(bake: { name: string; refId: string }, regions: readonly string[]): Record<string, unknown> {
  const lookAlikes = [bake.name.toUpperCase(), bake.name.toLowerCase(), `${bake.name} `, bake.name.replaceAll("'", ''), bake.name.slice(1), `${bake.name}\u200b`]
    .filter((name, index, all) => name !== bake.name && all.indexOf(name) === index)
    .map((name, index) => ({ id: `look-alike-${index}`, refId: `${bake.refId}${index}`, name, type: 'bake', status: 'SUCCEEDED', outputs: { deploymentDetails: detailsFor(`other${index}`, regions) } }));
  const stage = { id: 'the-bake', refId: bake.refId, name: bake.name, type: 'bake', status: 'SUCCEEDED', requisiteStageRefIds: [], outputs: { deploymentDetails: detailsFor('real', regions) } };
  return { id: 'run-1', application: 'orders', name: 'Bake and tag', trigger: { user: 'bob' }, stages: [...lookAlikes, stage] };
}

/** Runs the generator; an InputError is a rejection (counted, with or without `where`), anything else fails the property. */
function generate<T>(name: string, run: () => T): T | undefined {
  const t = tally(name);
  t.inputs += 1;
  try {
    const result = run();
    t.accepted += 1;
    return result;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    t.rejected += 1;
    if (error.where === undefined || !/--[a-z]/.test(error.where)) t.withoutField += 1;
    const reason = `${error.where ?? '(no field)'} ${REASONS.find(([, pattern]) => pattern.test(error.message))?.[0] ?? 'other'}`;
    t.reasons[reason] = (t.reasons[reason] ?? 0) + 1;
    return undefined;
  }
}

/** Every expression of the stage parses (spel-parser.ts, Spring's grammar); the preview against `run` yields the real bake's images, none of a look-alike's. */
function expectResolves(stage: Record<string, unknown>, run: Record<string, unknown>, regions: readonly string[], mode: 'fields' | 'image' | 'payload'): void {
  const variables = Array.isArray(stage.variables) ? stage.variables.filter(isRecord) : [];
  expect(variables.length).toBeGreaterThan(0);
  for (const variable of variables) {
    const parsed = parseTemplate(String(variable.value));
    if (!parsed.ok) throw new Error(parsed.reason);
    for (const segment of parsed.segments) if (segment.kind === 'expression') parseSpel(segment.body);
  }
  const { rows } = previewStages(run, [stage]);
  expect(rows.map((row) => [row.status, row.reason])).toEqual(rows.map(() => ['ok', undefined]));
  const real = detailsFor('real', regions);
  const expected =
    mode === 'fields' ? regions.flatMap((region) => FIELDS.map((field) => real.find((entry) => entry.region === region)?.[field])) : mode === 'image' ? regions.map((region) => real.find((entry) => entry.region === region)) : [real];
  expect(rows.map((row) => row.value)).toEqual(expected);
}

const mode = fc.constantFrom('fields' as const, 'image' as const, 'payload' as const);

describe('the SpEL written around hostile input finds exactly that stage, or the input is refused by name', () => {
  it('bake stage names (#stage)', () => {
    fc.assert(
      fc.property(hostile, mode, (name, chosenMode) => {
        const output = generate('--bake-stage', () =>
          generateFromOptions({ bakeStage: name, bakeStageRefId: '1', regions: REGIONS.join(','), mode: chosenMode, fields: FIELDS.join(','), prefix: '', refId: '2', name: 'Facts', consumerRefId: '3', namespace: 'default', format: 'stage' }),
        );
        if (output === undefined) return;
        const stage: unknown = JSON.parse(output);
        if (!isRecord(stage)) throw new Error('not one stage');
        const run = runWith({ name, refId: '1' }, REGIONS);
        expectResolves(stage, run, REGIONS, chosenMode);
        // Lint reads the generated stage as it reads any: no error there (the run's own stages may have names lint questions).
        expect(lintPipeline({ stages: [...(Array.isArray(run.stages) ? run.stages : []), stage] }).filter((finding) => finding.severity === 'error' && finding.stage.refId === '2')).toEqual([]);
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    expect(tally('--bake-stage').withoutField).toBe(0);
  });

  it('bake stage refIds (#stageByRefId)', () => {
    fc.assert(
      fc.property(hostile, mode, (refId, chosenMode) => {
        const output = generate('--bake-ref-id', () =>
          generateFromOptions({ bakeRefId: refId, regions: REGIONS.join(','), mode: chosenMode, fields: FIELDS.join(','), prefix: '', refId: 'vars', name: 'Facts', consumerRefId: 'send', namespace: 'default', format: 'stage' }),
        );
        if (output === undefined) return;
        const stage: unknown = JSON.parse(output);
        if (!isRecord(stage)) throw new Error('not one stage');
        expect(stage.requisiteStageRefIds).toEqual([refId]);
        expectResolves(stage, runWith({ name: 'Bake', refId }, REGIONS), REGIONS, chosenMode);
      }),
      { numRuns: 1500, seed: 20261129 },
    );
    expect(tally('--bake-ref-id').withoutField).toBe(0);
  });

  it('regions given to the generator directly, unchecked (the CLI checks them first)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hostile, { minLength: 1, maxLength: 3 }), mode, (regions, chosenMode) => {
        const bake: BakeReference = { by: 'refId', refId: '1' };
        const generated = generate('regions (generateVariables)', () => generateVariables({ bake, regions, mode: chosenMode, fields: [...FIELDS], prefix: '', refId: '2', name: 'Facts' }));
        if (generated === undefined) return;
        expectResolves(generated.stage, runWith({ name: 'Bake', refId: '1' }, regions), regions, chosenMode);
      }),
      { numRuns: 1500, seed: 20261130 },
    );
    expect(tally('regions (generateVariables)').withoutField).toBe(0);
  });

  it('regions on the command line: an AWS region name, or refused as --regions', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile, fc.constantFrom(...REGIONS, 'ap-southeast-2')), { minLength: 1, maxLength: 3 }), (regions) => {
        const output = generate('--regions', () => generateFromOptions({ bakeRefId: '1', regions: regions.join(','), mode: 'fields', fields: 'imageId', prefix: '', refId: '2', name: 'Facts', consumerRefId: '3', namespace: 'default', format: 'stage' }));
        if (output === undefined) return;
        for (const region of regions) expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d+$/);
      }),
      { numRuns: 1000, seed: 20261131 },
    );
    expect(tally('--regions').withoutField).toBe(0);
  });

  it('dinghy and text output carry the same expressions safely', () => {
    fc.assert(
      fc.property(hostile.filter((name) => name.length < 200), fc.constantFrom(undefined, 'lambda', 'runjob'), (name, consumer) => {
        const options = { bakeStage: name, bakeStageRefId: '1', regions: REGIONS.join(','), mode: 'fields', fields: 'imageId', prefix: '', refId: '2', name: 'Facts', consumerRefId: '3', namespace: 'default', function: 'fn', image: 'ami-tagger:1', ...(consumer !== undefined ? { consumer } : {}) };
        const stage = generate('dinghy (--bake-stage)', () => generateFromOptions({ ...options, format: 'stage' }));
        if (stage === undefined) return;
        const dinghy = generateFromOptions({ ...options, format: 'dinghy' });
        expect(dinghy).not.toMatch(/\{\{|\}\}/);
        expect(JSON.parse(dinghy)).toEqual(JSON.parse(stage));
        expect(dinghySafeJson(JSON.parse(stage))).toBe(dinghy.trimEnd());
        if (consumer !== undefined) return;
        const text = generate('text (--format)', () => generateFromOptions({ ...options, format: 'text' }));
        if (text === undefined) return;
        const parsed: unknown = JSON.parse(stage);
        const values = isRecord(parsed) && Array.isArray(parsed.variables) ? parsed.variables.filter(isRecord).map((variable) => `${String(variable.key)} = ${String(variable.value)}`) : [];
        expect(text.split('\n').slice(0, -1)).toEqual(values);
      }),
      { numRuns: 800, seed: 20261132 },
    );
    expect(tally('dinghy (--bake-stage)').withoutField + tally('text (--format)').withoutField).toBe(0);
  });

  it('what the generator refuses for Orca’s rewrite would indeed miss the stage in Orca', () => {
    const rewritten = fc.tuple(hostile, fc.constantFrom('#stage(', '#stageByRefId(', '#judgment(', 'deployedServerGroups', '#stage( #root.execution, '), hostile).map(([before, hazard, after]) => `${before}${hazard}${after}`);
    fc.assert(
      fc.property(rewritten, (name) => {
        expect(orcaRewriteHazard(name)).toBeDefined();
        const output = generate('names Orca rewrites (--bake-stage)', () => generateFromOptions({ bakeStage: name, bakeStageRefId: '1', regions: REGIONS.join(','), mode: 'fields', fields: 'imageId', prefix: '', refId: '2', name: 'Facts', consumerRefId: '3', namespace: 'default', format: 'stage' }));
        expect(output).toBeUndefined();
        const run = runWith({ name, refId: '1' }, REGIONS);
        const outcome = evaluateField(`\${#stage(${spelStringLiteral(name)}).refId}`, { root: { execution: run }, functions: orcaFunctions(run) });
        expect(outcome.status).toBe('failed');
      }),
      { numRuns: 500, seed: 20261133 },
    );
    expect(tally('names Orca rewrites (--bake-stage)').withoutField).toBe(0);
  });
});
