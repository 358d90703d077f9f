import { imageIdFor } from '../bake-execution';

/**
 * The run every differential case is evaluated in: a pipeline execution as Orca records it, with
 * a multi-region bake (its outputs hold deploymentDetails), a manual judgment, an Evaluate
 * Variables stage and a deploy stage upstream of the stage under test ('T'), a stage that is not
 * upstream ('9'), and a manual trigger with parameters. The stage under test holds the case: a
 * field `expr` (a plain stage) or its `variables` (an Evaluate Variables stage).
 */

export const STAGE_UNDER_TEST = 'T';
export const STAGE_UNDER_TEST_ID = '01DIFFSTAGEUNDERTEST000001';
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

/** What the stage under test holds besides the case: values of every kind for the expressions to read. */
export const STAGE_CONTEXT: Record<string, unknown> = {
  waitTime: 30,
  pct: 0.5,
  big: 3000000000,
  neg: -7,
  count: 7,
  name: 'svc-Name_01',
  text: 'Hello, World',
  csv: 'a,b,,c,,',
  emptyText: '',
  blank: '  ',
  nothing: null,
  flag: true,
  off: false,
  digits: '42',
  decimal: '2.50',
  yes: 'yes',
  truthy: 'true',
  json: '{"a":[1,2],"b":{"c":"d"}}',
  jsonList: '[1,"two",{"three":3}]',
  b64: 'aGVsbG8gd29ybGQ=',
  list: [1, 2, 3],
  words: ['b', 'a', 'c'],
  mixed: [1, 'two', null, true],
  maps: [
    { name: 'a', n: 1, tags: ['x'] },
    { name: 'b', n: 2, tags: [] },
    { name: 'c', n: 3 },
  ],
  map: { a: 1, b: 'two', c: null, 'd-e': true, nested: { deep: [10, 20] } },
  empty: {},
  emptyList: [],
};

function bakeStages(): Array<Record<string, unknown>> {
  const parentId = '01DIFFBAKEPARENT0000000001';
  const children = REGIONS.map((region, index) => ({
    id: `01DIFFBAKECHILD${String(index + 1).padStart(11, '0')}`,
    refId: `1<${index + 1}`,
    parentStageId: parentId,
    syntheticStageOwner: 'STAGE_BEFORE',
    type: 'bake',
    name: `Bake in ${region}`,
    status: 'SUCCEEDED',
    requisiteStageRefIds: [],
    context: { region, package: 'orders-api', ami: imageIdFor(region), imageId: imageIdFor(region) },
    outputs: {},
  }));
  const deploymentDetails = REGIONS.map((region, index) => ({
    ami: imageIdFor(region),
    imageId: imageIdFor(region),
    imageName: 'orders-api-2.0.1-h42.abc1234-x86_64-20260101000000-jammy',
    amiSuffix: '20260101000000-jammy',
    baseOs: 'jammy',
    refId: `1<${index + 1}`,
    region,
    package: 'orders-api',
    cloudProvider: 'aws',
  }));
  const parent = {
    id: parentId,
    refId: '1',
    type: 'bake',
    name: 'Bake',
    status: 'SUCCEEDED',
    startTime: 1767225600500,
    endTime: 1767226200500,
    requisiteStageRefIds: [],
    context: { package: 'orders-api', baseOs: 'jammy', regions: [...REGIONS], user: 'bob@example.org' },
    outputs: { deploymentDetails, bakeCount: 3 },
  };
  return [parent, ...children];
}

/** The stage under test: a plain stage with the expression in `expr`, or an Evaluate Variables stage. */
export function stageUnderTest(content: { expr: string } | { variables: Array<{ key: string; value: unknown }> }): Record<string, unknown> {
  const evaluateVariables = 'variables' in content;
  return {
    id: STAGE_UNDER_TEST_ID,
    refId: STAGE_UNDER_TEST,
    type: evaluateVariables ? 'evaluateVariables' : 'wait',
    name: 'Under test',
    status: 'RUNNING',
    requisiteStageRefIds: ['4'],
    context: { ...STAGE_CONTEXT, ...(evaluateVariables ? { variables: content.variables } : { expr: content.expr }) },
    outputs: {},
  };
}

export function fixtureExecution(stage: Record<string, unknown>): Record<string, unknown> {
  return {
    id: '01DIFFEXECUTION00000000042',
    type: 'PIPELINE',
    application: 'orders',
    name: 'Bake and ship',
    status: 'RUNNING',
    spelEvaluator: 'v4',
    buildTime: 1767225600000,
    startTime: 1767225600123,
    canceled: false,
    limitConcurrent: true,
    keepWaitingPipelines: false,
    origin: 'api',
    pipelineConfigId: 'cfg-42',
    authentication: { user: 'bob@example.org', allowedAccounts: ['prod', 'test'] },
    trigger: {
      type: 'manual',
      user: 'bob@example.org',
      parameters: { env: 'prod', count: '3', flag: 'true', region: 'us-east-1', empty: '', csv: 'x,,y' },
      artifacts: [],
      notifications: [],
      rebake: false,
      dryRun: false,
      strategy: false,
    },
    stages: [
      ...bakeStages(),
      {
        id: '01DIFFJUDGMENT000000000002',
        refId: '2',
        type: 'manualJudgment',
        name: 'Approve',
        status: 'SUCCEEDED',
        requisiteStageRefIds: ['1'],
        context: { judgmentInput: 'ship it', judgmentStatus: 'continue', instructions: 'Ship?' },
        outputs: {},
      },
      {
        id: '01DIFFVARIABLES00000000003',
        refId: '3',
        type: 'evaluateVariables',
        name: 'Facts',
        status: 'SUCCEEDED',
        requisiteStageRefIds: ['2'],
        context: { variables: [{ key: 'imageId_us_east_1', value: imageIdFor('us-east-1') }] },
        outputs: {
          imageId_us_east_1: imageIdFor('us-east-1'),
          ratio: 2.5,
          count: 3,
          flags: [true, false],
          facts: { a: 1, b: 'x', list: ['p', 'q'] },
          shadowed: 'from Facts',
        },
      },
      {
        id: '01DIFFDEPLOY00000000000004',
        refId: '4',
        type: 'deploy',
        name: 'Deploy',
        status: 'SUCCEEDED',
        requisiteStageRefIds: ['3'],
        context: { account: 'prod', cloudProvider: 'aws' },
        outputs: {
          'deploy.server.groups': { 'us-east-1': ['orders-v001'] },
          serverGroup: 'orders-v001',
          shadowed: 'from Deploy',
          instances: [{ id: 'i-1', healthy: true }, { id: 'i-2', healthy: false }],
        },
      },
      {
        id: '01DIFFSIDE000000000000009',
        refId: '9',
        type: 'wait',
        name: 'Side',
        status: 'SUCCEEDED',
        requisiteStageRefIds: [],
        context: { waitTime: 1 },
        outputs: { sideOnly: 'not upstream' },
      },
      stage,
    ],
  };
}
