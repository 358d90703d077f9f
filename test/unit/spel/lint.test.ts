import { generateFromOptions } from '../../../src/cli/commands/spel';
import { lintPipeline, type LintFinding } from '../../../src/spel/lint';

const bake = { type: 'bake', name: 'Bake', refId: '1', requisiteStageRefIds: [], regions: ['us-east-1', 'eu-west-1'] };
const oneRegionBake = { type: 'bake', name: 'Bake one', refId: '5', requisiteStageRefIds: [], region: 'us-east-1' };

function variables(values: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { type: 'evaluateVariables', name: 'Vars', refId: '2', requisiteStageRefIds: ['1', '5'], failOnFailedExpressions: true, variables: Object.entries(values).map(([key, value]) => ({ key, value })), ...extra };
}

function rules(findings: LintFinding[]): string[] {
  return findings.map((finding) => `${finding.severity} ${finding.rule} ${finding.stage.refId} ${finding.field}`);
}

describe('lint', () => {
  it('passes what ami-tagger spel generates', () => {
    const generated = JSON.parse(generateFromOptions({ bakeRefId: '1', regions: 'us-east-1,eu-west-1', mode: 'fields', fields: 'imageId,imageName', prefix: '', refId: '2', name: 'Facts', consumer: 'lambda', consumerRefId: '3', function: 'fn', account: 'prod', lambdaRegion: 'eu-west-1', namespace: 'default', format: 'stage' }));
    expect(lintPipeline({ stages: [bake, ...generated] })).toEqual([]);
  });

  it('a generated webhook still holding the secret placeholder is an error until it is replaced', () => {
    const options = { bakeRefId: '1', regions: 'us-east-1', mode: 'fields', fields: 'imageId', prefix: '', refId: '2', name: 'Facts', consumer: 'webhook', consumerRefId: '3', url: 'https://tagger.example.com/', namespace: 'default', format: 'stage' };
    const placeholder = JSON.parse(generateFromOptions(options));
    expect(rules(lintPipeline({ stages: [bake, ...placeholder] }))).toEqual(['error placeholder-not-replaced 3 customHeaders["x-ami-tagger-secret"]']);
    const supplied = JSON.parse(generateFromOptions({ ...options, secretHeader: 'from-a-preconfigured-webhook' }));
    expect(lintPipeline({ stages: [bake, ...supplied] })).toEqual([]);
  });

  it('finds unknown deploymentDetails keys and names the intended one', () => {
    const findings = lintPipeline({ stages: [bake, oneRegionBake, variables({ a: "${#stage('Bake').outputs.deploymentDetails.^[region == 'us-east-1'].imageID}", b: "${#stageByRefId('1').outputs.deploymentDetails.?[Region == 'eu-west-1'][0]['aminame']}" })] });
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('did you mean imageId?'), expect.stringContaining('did you mean region?'), expect.stringContaining('did you mean amiName?')]);
  });

  it('flags [n] on a multi-region bake, not on a one-region bake', () => {
    const findings = lintPipeline({ stages: [bake, oneRegionBake, variables({ a: "${#stageByRefId('1').outputs.deploymentDetails[0].imageId}", b: "${#stageByRefId('5').outputs.deploymentDetails[0].imageId}", c: '${deploymentDetails[1].imageId}' })] });
    expect(rules(findings)).toEqual(['error index-into-multi-region-bake 2 variables[0].value', 'error index-into-multi-region-bake 2 variables[2].value']);
    expect(findings[0]?.message).toContain("deploymentDetails.^[region == 'us-east-1'].imageId");
  });

  it('finds #stage names that match no stage or several, with a suggestion', () => {
    const twin = { ...bake, refId: '9' };
    const findings = lintPipeline({ stages: [bake, twin, oneRegionBake, variables({ a: "${#stage('bake').outputs}", b: "${#stage('Bake').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}", c: "${#stageByRefId('7').outputs}" }, { requisiteStageRefIds: ['1', '9', '5'] })] });
    expect(rules(findings)).toEqual(['error unknown-stage 2 variables[0].value', 'error ambiguous-stage 2 variables[1].value', 'error unknown-stage 2 variables[2].value']);
    expect(findings[0]?.message).toContain('did you mean "Bake"?');
  });

  it('finds a map or list inside text, and lets #toJson through', () => {
    const findings = lintPipeline({
      stages: [
        bake,
        oneRegionBake,
        variables({
          a: "ids ${#stageByRefId('1').outputs.deploymentDetails}",
          b: "id ${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1']}",
          c: "ids ${#toJson(#stageByRefId('1').outputs.deploymentDetails)}",
          d: "id ${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}",
          e: "${#stageByRefId('1').outputs.deploymentDetails}",
        }),
      ],
    });
    expect(rules(findings)).toEqual(['error structure-in-text 2 variables[0].value', 'error structure-in-text 2 variables[1].value']);
  });

  it('accepts what Orca turns into text: a list of plain values is joined with commas', () => {
    const findings = lintPipeline({
      stages: [
        bake,
        oneRegionBake,
        variables({
          a: 'x ${{1,2}}',
          b: "ids ${#stageByRefId('1').outputs.deploymentDetails.![imageId]}",
          c: "parts ${'a,b'.split(',')} and ${trigger.parameters.keySet()}",
          d: 'x ${{a: 1}}',
          e: "stage ${#stage('Bake')}",
          f: 'x ${{ {a: 1} }}',
          g: 'by ${trigger}',
        }),
      ],
    });
    expect(rules(findings)).toEqual(['error structure-in-text 2 variables[3].value', 'error structure-in-text 2 variables[4].value', 'error structure-in-text 2 variables[5].value', 'error structure-in-text 2 variables[6].value']);
    expect(findings[1]?.message).toContain('an Orca object (a stage or the execution)');
  });

  it('reports what Orca refuses: types kork does not allow, get(), unknown helpers', () => {
    const findings = lintPipeline({
      stages: [
        variables({
          a: '${T(java.lang.System).getenv()}',
          b: '${T(Math).abs(-1) + new java.util.Random(1).nextInt(5)}',
          c: "${trigger.parameters.get('env')}",
          d: "${#stge('Bake')}",
          e: "${new java.io.File('/etc/passwd')}",
          f: '${7 div 2 lt 4 and not false}',
        }),
      ],
    });
    expect(rules(findings)).toEqual(['error refused-type 2 variables[0].value', 'error method-on-map 2 variables[2].value', 'warning unknown-function 2 variables[3].value', 'error refused-type 2 variables[4].value']);
    expect(findings[0]?.message).toContain("EL1021E: A problem occurred whilst attempting to access the property 'java.lang.System'");
    expect(findings[1]?.message).toContain("write ['env']");
    expect(findings[2]?.message).toContain('did you mean #stage?');
  });

  it('finds bad keys, missing dependencies and failOnFailedExpressions off', () => {
    const stage = { ...variables({ 'image-id': "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}", '1st': '${trigger.user}' }), requisiteStageRefIds: [], failOnFailedExpressions: false };
    const webhook = { type: 'webhook', name: 'Send', refId: '3', requisiteStageRefIds: ['2'], failOnFailedExpressions: true, payload: { id: "${#stage('Bake').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}" } };
    const findings = lintPipeline({ stages: [bake, stage, webhook] });
    expect(rules(findings)).toEqual([
      'error bad-variable-key 2 variables[0].key',
      'error bad-variable-key 2 variables[1].key',
      'error missing-dependency 2 variables[0].value',
      'warning fail-on-failed-expressions-off 2 failOnFailedExpressions',
      'error missing-dependency 3 payload.id',
    ]);
    // The webhook reaches the bake transitively, through stage 2, once 2 depends on it.
    expect(lintPipeline({ stages: [bake, { ...stage, requisiteStageRefIds: ['1'] }, webhook] }).some((finding) => finding.stage.refId === '3')).toBe(false);
  });

  it('reports expressions that do not parse', () => {
    expect(rules(lintPipeline({ stages: [variables({ a: '${a.b(}', b: '${a' })] }))).toEqual(['error syntax 2 variables[0].value', 'error syntax 2 variables[1].value']);
  });

  it("finds text in quotes that Orca rewrites before Spring reads it", () => {
    const findings = lintPipeline({ stages: [bake, variables({ a: "${#stage('Bake #stage(x)').outputs}", b: "${#stageByRefId('1').outputs.deploymentDetails.?[region == 'deployedServerGroups']}", c: "${#stage('Bake #1').outputs}" })] });
    expect(rules(findings).filter((rule) => rule.includes('orca-rewrites-literal'))).toEqual(['error orca-rewrites-literal 2 variables[0].value', 'error orca-rewrites-literal 2 variables[1].value']);
  });

  it('never runs a regular expression: runaway patterns lint at once', () => {
    const runaway = `'${'a'.repeat(36)}!'`;
    const started = performance.now();
    const findings = lintPipeline({ stages: [variables({ a: `\${${runaway} matches '(a+)+$'}`, b: `\${${runaway}.split('(a+)+b')}` })] });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(findings).toEqual([]);
  });

  it('reports an expression longer than Orca accepts (10,000 characters) without reading it', () => {
    const long = `\${'${'x'.repeat(10_000)}'}`;
    expect(rules(lintPipeline({ stages: [variables({ a: long, b: `\${'${'x'.repeat(9_998)}'}` })] }))).toEqual(['error expression-too-long 2 variables[0].value']);
  });

  it('stops at expressions nested too deeply to check, quickly and without crashing', () => {
    const deepMaps = `\${${"{'a':".repeat(800)}1${'}'.repeat(800)}}`;
    const longSum = `\${${Array.from({ length: 4_000 }, () => '1').join('+')}}`;
    const started = performance.now();
    const findings = lintPipeline({ stages: [variables({ a: deepMaps, b: longSum, c: "${ {'a': {'b': {'c': 1}}} }" })] });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(rules(findings)).toEqual(['warning too-deep-to-check 2 variables[0].value', 'warning too-deep-to-check 2 variables[1].value']);
  });
});
