import { parseSpinnakerPayload } from '../../src/events/spinnaker-payload';
import { isRecord } from '../../src/spel/json';
import { bakeExecution, imageIdFor } from './bake-execution';
import { SpringHarness, type SpringResult } from './spring/run-spring';
import { consumerExpressionPaths, type GeneratedCase, generatedCases, sentPayload, valueAt, withValueAt } from './generated-cases';

/**
 * The generated expressions evaluated by Spring's own SpEL (the engine Orca runs), set up like
 * Orca (see spring/OrcaSpel.java): the generated stages resolve in the real engine too.
 * Needs a JDK and Debian's Spring and Jackson jars: test/conformance/spring/install-deps.sh.
 */

interface SpringStep {
  id: string;
  text: string;
  storeAs?: string;
}

function stepsFor(testCase: GeneratedCase): { steps: SpringStep[]; consumerPaths: Array<Array<string | number>> } {
  const [variablesStage, consumerStage] = testCase.stages;
  const steps: SpringStep[] = [];
  const variables = valueAt(variablesStage, ['variables']);
  for (const variable of Array.isArray(variables) ? variables : []) {
    if (isRecord(variable) && typeof variable.key === 'string' && typeof variable.value === 'string') steps.push({ id: `var:${variable.key}`, text: variable.value, storeAs: variable.key });
  }
  const consumerPaths = consumerStage === undefined ? [] : consumerExpressionPaths(consumerStage);
  consumerPaths.forEach((path, index) => {
    const text = valueAt(consumerStage, path);
    if (typeof text === 'string') steps.push({ id: `consumer:${index}`, text });
  });
  return { steps, consumerPaths };
}

describe("Spring's SpEL, set up like Orca, evaluates the generated stages", () => {
  const harness = new SpringHarness();
  const cases = generatedCases();
  const runs = cases.map((testCase) => ({ execution: bakeExecution({ regions: testCase.regions, seed: testCase.regions.length + 1 }), ...stepsFor(testCase) }));
  let results: SpringResult[][] = [];

  beforeAll(() => {
    results = harness.run(runs.map(({ execution, steps }) => ({ execution, steps })));
  });

  afterAll(() => harness.dispose());

  it.each(cases.map((testCase, index) => ({ title: testCase.title, index })))('$title', ({ index }) => {
    const testCase = cases[index] as GeneratedCase;
    const run = runs[index];
    const outcome = results[index] ?? [];
    expect(outcome.filter((result) => result.status !== 'ok')).toEqual([]);

    const byId = new Map(outcome.map((result): [string, unknown] => [result.id, result.json === null ? null : JSON.parse(result.json)]));
    if (testCase.mode === 'fields') {
      for (const region of testCase.regions) expect(byId.get(`var:imageId_${region.replaceAll('-', '_')}`)).toBe(imageIdFor(region));
    }

    let consumerStage: unknown = testCase.stages[1];
    run?.consumerPaths.forEach((path, pathIndex) => {
      consumerStage = withValueAt(consumerStage, path, byId.get(`consumer:${pathIndex}`));
    });
    const payload = parseSpinnakerPayload(sentPayload(testCase.consumer, consumerStage));
    expect(payload.images.map((image) => `${image.region}=${image.imageId}`).sort()).toEqual(testCase.regions.map((region) => `${region}=${imageIdFor(region)}`).sort());
    expect(payload.user).toBe('bob@example.org');
  });

  it('reports an unknown deploymentDetails key as null, like the preview does', () => {
    // Orca's rule that ami-tagger's preview mirrors: a key that does not exist is null, not an error.
    const execution = bakeExecution({ regions: ['us-east-1', 'eu-west-1'] });
    const output = harness.run([
      {
        execution,
        steps: [
          { id: 'typo', text: "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1'].imageID}" },
          { id: 'embedded', text: "x ${#stageByRefId('1').outputs.deploymentDetails}" },
        ],
      },
    ]);
    expect(output[0]?.map((result) => [result.id, result.status])).toEqual([
      ['typo', 'null'],
      ['embedded', 'failed'],
    ]);
  });
});
