import { createHash } from 'node:crypto';

/**
 * Executions of a multi-region bake, built the way Orca records them (spinnaker-facts.md): the
 * parent bake stage holds `deploymentDetails` ordered by the child stages' refIds compared as
 * strings (`1<10` before `1<2`), not by the order of the regions; the stages are listed in a
 * shuffled order. Image ids are derived from the region, so every test knows which id is right.
 */

export const TWELVE_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
];

export const BAKE_NAME = "Bake 'orders' {{multi}} region";
export const BAKE_REF_ID = '1';

export function imageIdFor(region: string): string {
  return `ami-${createHash('sha256').update(region).digest('hex').slice(0, 17)}`;
}

/** A deterministic shuffle (seeded), so that failures reproduce. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    const a = result[index] as T;
    result[index] = result[other] as T;
    result[other] = a;
  }
  return result;
}

export interface BakeExecutionOptions {
  regions: readonly string[];
  bakeName?: string;
  seed?: number;
}

export function bakeExecution(options: BakeExecutionOptions): Record<string, unknown> {
  const bakeName = options.bakeName ?? BAKE_NAME;
  const parentId = '01TESTBAKEPARENT0000000001';
  const children = options.regions.map((region, index) => ({
    id: `01TESTBAKECHILD${String(index + 1).padStart(11, '0')}`,
    refId: `${BAKE_REF_ID}<${index + 1}`,
    parentStageId: parentId,
    syntheticStageOwner: 'STAGE_BEFORE',
    type: 'bake',
    name: `Bake in ${region}`,
    status: 'SUCCEEDED',
    context: { region, package: 'orders-api', ami: imageIdFor(region), imageId: imageIdFor(region) },
    outputs: {},
  }));
  const deploymentDetails = [...children]
    .sort((a, b) => (a.refId < b.refId ? -1 : a.refId > b.refId ? 1 : 0))
    .map((child) => {
      const region = child.context.region;
      return {
        ami: imageIdFor(region),
        imageId: imageIdFor(region),
        amiName: `orders-api-2.0.1-h42.abc1234-x86_64-20260101000000-jammy`,
        imageName: `orders-api-2.0.1-h42.abc1234-x86_64-20260101000000-jammy`,
        amiSuffix: '20260101000000-jammy',
        baseLabel: 'release',
        baseOs: 'jammy',
        refId: child.refId,
        storeType: 'ebs',
        vmType: 'hvm',
        region,
        package: 'orders-api',
        cloudProviderType: 'aws',
        cloudProvider: 'aws',
        baseAmiId: `ami-0base${imageIdFor(region).slice(9)}`,
      };
    });
  const parent = {
    id: parentId,
    refId: BAKE_REF_ID,
    type: 'bake',
    name: bakeName,
    status: 'SUCCEEDED',
    requisiteStageRefIds: [],
    context: { package: 'orders-api', baseOs: 'jammy', regions: [...options.regions], cloudProviderType: 'aws', user: 'bob@example.org' },
    outputs: { deploymentDetails },
  };
  return {
    id: '01TESTEXECUTION00000000042',
    type: 'PIPELINE',
    application: 'orders',
    name: 'Build, bake and tag',
    status: 'RUNNING',
    spelEvaluator: 'v4',
    trigger: { type: 'manual', user: 'bob@example.org', parameters: {} },
    stages: shuffled([parent, ...children], options.seed ?? 7),
  };
}
