import { evaluateField } from '../../../src/spel/evaluate-field';
import { orcaFunctions } from '../../../src/spel/orca-functions';
import { previewExpression, previewStages } from '../../../src/spel/preview';
import { parseTemplate } from '../../../src/spel/template';
import { bakeExecution, BAKE_NAME, imageIdFor } from '../../conformance/bake-execution';

const execution = bakeExecution({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
const scope = () => ({ root: { execution, trigger: execution.trigger, stageParam: 'x' } as Record<string, unknown>, functions: orcaFunctions(execution) });
const evaluate = (text: string) => evaluateField(text, scope());
const details = "#stageByRefId('1').outputs.deploymentDetails";

describe('preview evaluates like Orca', () => {
  it('selects by region and keeps the type of a whole-field expression', () => {
    expect(evaluate(`\${${details}.^[region == 'eu-west-1'].imageId}`)).toEqual({ status: 'ok', value: imageIdFor('eu-west-1') });
    const entry = evaluate(`\${${details}.^[region == 'us-east-1']}`);
    expect(entry.status).toBe('ok');
    expect(entry.value).toMatchObject({ region: 'us-east-1', imageId: imageIdFor('us-east-1') });
  });

  it('reads an unknown key as null and reports it', () => {
    const outcome = evaluate(`\${${details}.^[region == 'eu-west-1'].imageID}`);
    expect(outcome.status).toBe('null');
    expect(outcome.value).toBe(`\${${details}.^[region == 'eu-west-1'].imageID}`);
    // The missing key inside the criteria reads null in Orca (spel2js, Deck's preview, would throw), so nothing matches.
    expect(evaluate(`\${${details}.?[regoin == 'eu-west-1']}`)).toEqual({ status: 'ok', value: [] });
  });

  it('fails a map or list inside text unless wrapped in #toJson', () => {
    const embedded = evaluate(`images: \${${details}}`);
    expect(embedded.status).toBe('failed');
    expect(embedded.reason).toContain('#toJson');
    const wrapped = evaluate(`ids: \${#toJson(${details}.![imageId])}`);
    expect(wrapped.status).toBe('ok');
    expect(JSON.parse(String(wrapped.value).slice('ids: '.length)).sort()).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2'].map(imageIdFor).sort());
  });

  it('fails where Orca fails: an index past the end, a missing stage, a method call on a map, a property of null', () => {
    expect(evaluate(`\${${details}[3].imageId}`).reason).toBe("EL1025E: The collection has '3' elements, index '3' is invalid");
    expect(evaluate("${#stage('Bake').outputs}").reason).toContain('Unable to locate [Bake]');
    expect(evaluate(`\${${details}[0].get('imageId')}`).reason).toBe(
      "EL1004E: Method call: Method get(java.lang.String) cannot be found on type java.util.LinkedHashMap (kork's FilteredMethodResolver hides the methods that return java.lang.Object)",
    );
    expect(evaluate(`\${${details}.^[region == 'sa-east-1'].imageId}`).reason).toBe("EL1007E: Property or field 'imageId' cannot be found on null");
  });

  it('has Orca helper functions and the execution and trigger in context', () => {
    expect(evaluate(`\${#stage('${BAKE_NAME.replaceAll("'", "''")}').refId}`).value).toBe('1');
    expect(evaluate("${#stageExists('nope')}").value).toBe(false);
    expect(evaluate("${#toInt('42') + 1}").value).toBe(43);
    expect(evaluate("${#toInt('4.2')}").status).toBe('failed');
    expect(evaluate("${#toBoolean('TRUE')}").value).toBe(true);
    expect(evaluate("${#toFloat('1.5')}").value).toBe(1.5);
    expect(evaluate("${#alphanumerical('orders-api_1.4')}").value).toBe('ordersapi14');
    expect(evaluate("${#fromBase64(#toBase64('é ok'))}").value).toBe('é ok');
    expect(evaluate("${#readJson('{\"a\": [1]}')['a'][0]}").value).toBe(1);
    expect(evaluate('${execution.application}/${trigger.user}').value).toBe('orders/bob@example.org');
    expect(evaluate('${#toJson(stageParam)}').value).toBe('"x"');
  });

  it("refuses #toJson of a value that still holds an expression, like Orca", () => {
    expect(evaluate("${#toJson('${unevaluated}')}").reason).toContain('cannot contain an expression');
  });
});

describe("Orca's rewrite of the text before Spring reads it", () => {
  const run = (name: string) => ({ id: 'run-1', stages: [{ id: 's1', refId: '1', name, type: 'bake', outputs: { deploymentDetails: [] } }] });
  const evaluateIn = (text: string, name: string) => evaluateField(text, { root: { execution: run(name) }, functions: orcaFunctions(run(name)) });

  it('passes the execution to #stage, #stageByRefId and #stageExists, as Orca does', () => {
    expect(evaluateIn("${#stage('Bake').refId + #stageByRefId('1').name + #stageExists('Bake')}", 'Bake').value).toBe('1Baketrue');
  });

  it('changes #stage( inside quotes too, so such a name is not found', () => {
    expect(evaluateIn("${#stage('Bake #stage(x)').refId}", 'Bake #stage(x)').reason).toContain('Unable to locate [Bake #stage( #root.execution, x)] using #stage(Bake #stage( #root.execution, x)) in execution run-1');
    expect(evaluateIn("${#stage('my deployedServerGroups').refId}", 'my deployedServerGroups').status).toBe('failed');
  });

  it("stops adding the execution when the field already holds Orca's rewritten text, and every call then fails", () => {
    expect(evaluateIn("${#stage('Bake').refId + ' #stage( #root.execution, '}", 'Bake').reason).toContain('EL1014E: Incorrect number of arguments for function, 1 supplied but function takes 2');
  });

  it('quotes the expression as written in its messages', () => {
    expect(evaluateIn("${#stage('Bake').outputs.missing}", 'Bake').reason).toBe("#stage('Bake').outputs.missing is null (a missing key or stage output); Orca leaves the text unevaluated");
  });

  it('reads a stage through its getters, as Orca reads StageExecutionImpl: a property it lacks fails', () => {
    expect(evaluateIn("${#stage('Bake').missing}", 'Bake').reason).toContain("requested getter missing not found on type class com.netflix.spinnaker.orca.pipeline.model.StageExecutionImpl");
  });

  it('reads a NUL character in a string literal as Spring does (spel2js, Deck\'s preview, would end the literal there)', () => {
    expect(evaluateIn("${#stage('a\u0000b').name.length()}", 'a\u0000b').value).toBe(3);
  });
});

describe('template segments', () => {
  it('finds the end of an expression outside literals and brackets', () => {
    expect(parseTemplate("a ${ {'x': '}'} } b ${c}")).toEqual({
      ok: true,
      segments: [
        { kind: 'text', text: 'a ' },
        { kind: 'expression', body: " {'x': '}'} ", start: 2, end: 17 },
        { kind: 'text', text: ' b ' },
        { kind: 'expression', body: 'c', start: 20, end: 24 },
      ],
    });
    expect(parseTemplate('${a')).toMatchObject({ ok: false });
    expect(parseTemplate('${}')).toMatchObject({ ok: false });
  });
});

describe('previewStages', () => {
  const variablesStage = {
    type: 'evaluateVariables',
    name: 'Facts',
    refId: '2',
    requisiteStageRefIds: ['1'],
    variables: [
      { key: 'first', value: `\${${details}.^[region == 'us-east-1'].imageId}` },
      { key: 'broken', value: '${nothing.here}' },
      { key: 'derived', value: '${first + "/" + execution.name}' },
      { key: 'missing', value: '${broken}' },
    ],
  };

  it('lets later variables use earlier ones, and passes outputs to later stages', () => {
    const consumer = { type: 'webhook', name: 'Send', refId: '3', requisiteStageRefIds: ['2'], payload: { id: '${first}', list: '${ {first, derived} }' } };
    const result = previewStages(execution, [consumer, variablesStage]);
    expect(result.rows.map((row) => [row.variable ?? row.field, row.status, row.value ?? null])).toEqual([
      ['first', 'ok', imageIdFor('us-east-1')],
      ['broken', 'failed', '${nothing.here}'],
      ['derived', 'ok', `${imageIdFor('us-east-1')}/Build, bake and tag`],
      // Orca passes on a variable that did not fail: `broken` failed, so `missing` finds nothing and stays as written.
      ['missing', 'null', '${broken}'],
      ['payload.id', 'ok', imageIdFor('us-east-1')],
      ['payload.list', 'ok', [imageIdFor('us-east-1'), `${imageIdFor('us-east-1')}/Build, bake and tag`]],
    ]);
    expect(result.stages[1]?.evaluated.payload).toEqual({ id: imageIdFor('us-east-1'), list: [imageIdFor('us-east-1'), `${imageIdFor('us-east-1')}/Build, bake and tag`] });
  });

  it('previews one expression against the end of the run', () => {
    expect(previewExpression(execution, '${deploymentDetails.size()}')).toMatchObject({ status: 'ok', value: 3 });
  });
});
