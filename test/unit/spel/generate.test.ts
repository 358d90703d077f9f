import fc from 'fast-check';
import { completeFromPipeline, generateFromOptions } from '../../../src/cli/commands/spel';
import { readSpelStringLiteral, spelStringLiteral } from '../../../src/spel/escape';
import { generateVariables, parseFieldList } from '../../../src/spel/generate';
import { normalizePrefix, VARIABLE_KEY_PATTERN, variableKey, assertDistinctKeys } from '../../../src/spel/keys';
import { dinghySafeJson } from '../../../src/spel/output-format';
import { parseRegionList } from '../../../src/spel/regions';
import { parseSpel } from '../../../src/spel/spel-ast';
import { inputError } from '../../support/input-error';
import { SECRET_HEADER } from '../../../src/direct/webhook-secret';
import { SECRET_HEADER_PLACEHOLDER } from '../../../src/spel/consumers';

const BASE = {
  bakeRefId: '1',
  regions: 'us-east-1,eu-west-1',
  mode: 'fields',
  fields: 'imageId',
  prefix: '',
  refId: '2',
  name: 'Image facts',
  consumerRefId: '3',
  namespace: 'default',
  format: 'stage',
};

const inputErrorOf = (run: () => unknown): string => inputError(run).describe();

const regionArbitrary = fc
  .tuple(fc.constantFrom('us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx'), fc.constantFrom('east', 'west', 'central', 'north', 'south', 'southeast', 'northeast'), fc.integer({ min: 1, max: 14 }))
  .map(([area, direction, number]) => `${area}-${direction}-${number}`);

describe('ami-tagger spel: the Evaluate Variables stage', () => {
  it('selects each image by region and waits for the bake', () => {
    const stage = JSON.parse(generateFromOptions(BASE));
    expect(stage).toMatchObject({ type: 'evaluateVariables', refId: '2', requisiteStageRefIds: ['1'], failOnFailedExpressions: true });
    expect(stage.variables).toEqual([
      { key: 'imageId_us_east_1', value: "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}", description: expect.stringContaining('us-east-1') },
      { key: 'imageId_eu_west_1', value: "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'eu-west-1'].imageId}", description: expect.stringContaining('eu-west-1') },
    ]);
  });

  it('uses #stage with the name escaped, waiting for the refId when it is given', () => {
    const stage = JSON.parse(generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: "Bake 'prod'", bakeStageRefId: '7' }));
    expect(stage.variables[0].value).toBe("${#stage('Bake ''prod''').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}");
    expect(stage.requisiteStageRefIds).toEqual(['7']);
    // By name alone the stage cannot be wired; the CLI warns and lint reports the missing dependency.
    const unwired = JSON.parse(generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake' }));
    expect(unwired.requisiteStageRefIds).toEqual([]);
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: '  ' }))).toContain('empty');
  });

  it('takes the bake\'s refId and regions from a pipeline', () => {
    const pipeline = { stages: [{ type: 'bake', name: 'Bake both', refId: '4', regions: ['eu-west-1', 'us-east-1'] }, { type: 'bake', name: 'Twin', refId: '5' }, { type: 'bake', name: 'Twin', refId: '6' }] };
    const completed = completeFromPipeline({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake both', regions: undefined }, pipeline, 'p.json');
    const stage = JSON.parse(generateFromOptions(completed));
    expect(stage.requisiteStageRefIds).toEqual(['4']);
    expect(stage.variables.map((variable: { key: string }) => variable.key)).toEqual(['imageId_eu_west_1', 'imageId_us_east_1']);
    expect(inputErrorOf(() => completeFromPipeline({ ...BASE, bakeRefId: undefined, bakeStage: 'Twin' }, pipeline, 'p.json'))).toContain('2 stage(s) named "Twin"');
    expect(inputErrorOf(() => completeFromPipeline({ ...BASE, bakeRefId: '9' }, pipeline, 'p.json'))).toContain('no stage with refId "9"');
  });

  it('image mode holds whole entries; payload mode the list, filtered to the regions given', () => {
    const image = JSON.parse(generateFromOptions({ ...BASE, mode: 'image' }));
    expect(image.variables.map((variable: { key: string; value: string }) => [variable.key, variable.value])).toEqual([
      ['image_us_east_1', "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1']}"],
      ['image_eu_west_1', "${#stageByRefId('1').outputs.deploymentDetails.^[region == 'eu-west-1']}"],
    ]);
    const payload = JSON.parse(generateFromOptions({ ...BASE, mode: 'payload', prefix: 'orders' }));
    expect(payload.variables).toHaveLength(1);
    expect(payload.variables[0].key).toBe('orders_bakedImages');
    expect(payload.variables[0].value).toBe("${#stageByRefId('1').outputs.deploymentDetails.?[region == 'us-east-1' or region == 'eu-west-1']}");
  });

  it('refuses bad input with a message that names the fix', () => {
    expect(inputErrorOf(() => parseFieldList('imageID'))).toContain('did you mean imageId?');
    expect(inputErrorOf(() => parseFieldList('imagename'))).toContain('did you mean imageName?');
    expect(inputErrorOf(() => parseFieldList('baseAmi'))).toContain('did you mean baseAmiId?');
    expect(inputErrorOf(() => parseRegionList('us-east-1,us-east-1'))).toContain('listed twice');
    expect(inputErrorOf(() => parseRegionList('us-east-1,useast1'))).toContain('"useast1" is not an AWS region');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: ' ', bakeStageRefId: '1' }))).toContain('empty');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, prefix: 'my.prefix' }))).toContain('--prefix');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, consumer: 'sns' }))).toContain('--consumer "sns" is not one of webhook, lambda, runjob');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, consumer: 'webhook' }))).toContain('--url');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, consumer: 'lambda', function: 'f', account: 'a', lambdaRegion: 'mars-1' }))).toContain('--lambda-region');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, format: 'yaml' }))).toContain('--format');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, format: 'pipeline' }))).toContain('--application');
    expect(inputErrorOf(() => generateFromOptions({ ...BASE, format: 'text', consumer: 'webhook', url: 'https://x.example.com' }))).toContain('variables only');
  });

  it('refuses a bake name, refId or region that Orca would rewrite inside the quotes, naming the flag', () => {
    const byName = inputError(() => generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake #stage(prod)', bakeStageRefId: '1' }));
    expect(byName.where).toBe('--bake-stage');
    expect(byName.message).toContain('"#stage(", which Orca rewrites to "#stage( #root.execution,"');
    expect(inputError(() => generateFromOptions({ ...BASE, bakeRefId: 'x#stageByRefId(y' })).where).toBe('--bake-ref-id');
    expect(inputError(() => generateFromOptions({ ...BASE, bakeRefId: 'deployedServerGroups' })).where).toBe('--bake-ref-id');
    expect(inputError(() => generateVariables({ bake: { by: 'refId', refId: '1' }, regions: ['a #stage( #root.execution, b'], mode: 'image', fields: [], prefix: '', refId: '2', name: 'n' })).where).toBe('--regions');
    // A # alone is fine.
    expect(JSON.parse(generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake #1 (prod)', bakeStageRefId: '1' })).variables[0].value).toContain("#stage('Bake #1 (prod)')");
  });

  it('refuses input that would make an expression longer than Orca accepts, naming the flag', () => {
    expect(inputError(() => generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'b'.repeat(9_950), bakeStageRefId: '1' })).where).toBe('--bake-stage');
    expect(generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'b'.repeat(9_900), bakeStageRefId: '1' })).toContain('b'.repeat(9_900));
    const lambda = { ...BASE, consumer: 'lambda', function: 'fn', account: 'a', fields: 'imageId,imageName,amiName,ami,region' };
    expect(inputError(() => generateFromOptions({ ...lambda, prefix: 'p'.repeat(1_500) })).where).toBe('--regions/--fields/--prefix');
    expect(generateFromOptions({ ...lambda, prefix: 'p'.repeat(20) })).toContain('#toBase64(#toJson(');
  });

  it('text format refuses a value with a line break, which would split its line', () => {
    const error = inputError(() => generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake\nprod', bakeStageRefId: '1', format: 'text' }));
    expect(error.where).toBe('--format');
    expect(JSON.parse(generateFromOptions({ ...BASE, bakeRefId: undefined, bakeStage: 'Bake\nprod', bakeStageRefId: '1' })).variables[0].value).toContain("#stage('Bake\nprod')");
  });

  it('refuses two inputs that map to the same key', () => {
    expect(inputErrorOf(() => assertDistinctKeys([{ key: 'a_b', from: 'field a-b' }, { key: 'a_b', from: 'field a_b' }]))).toContain('both be stored as the variable a_b');
  });

  it('adds imageId when a consumer needs it', () => {
    const [variables, webhook] = JSON.parse(generateFromOptions({ ...BASE, fields: 'imageName', consumer: 'webhook', url: 'https://tagger.example.com/hook' }));
    expect(variables.variables.map((variable: { key: string }) => variable.key)).toEqual(['imageId_us_east_1', 'imageName_us_east_1', 'imageId_eu_west_1', 'imageName_eu_west_1']);
    expect(webhook).toMatchObject({ type: 'webhook', method: 'POST', requisiteStageRefIds: ['2'], url: 'https://tagger.example.com/hook' });
    expect(webhook.payload).toEqual({
      application: '${execution.application}',
      pipeline: '${execution.name}',
      executionId: '${execution.id}',
      user: '${trigger.user}',
      images: [
        { imageId: '${imageId_us_east_1}', region: 'us-east-1', imageName: '${imageName_us_east_1}' },
        { imageId: '${imageId_eu_west_1}', region: 'eu-west-1', imageName: '${imageName_eu_west_1}' },
      ],
    });
  });

  it('the webhook sends the shared-secret header the direct path checks: a placeholder unless given', () => {
    const [, placeholder] = JSON.parse(generateFromOptions({ ...BASE, consumer: 'webhook', url: 'https://tagger.example.com/hook' }));
    expect(placeholder.customHeaders).toEqual({ 'Content-Type': 'application/json', [SECRET_HEADER]: SECRET_HEADER_PLACEHOLDER });
    const [, given] = JSON.parse(generateFromOptions({ ...BASE, consumer: 'webhook', url: 'https://tagger.example.com/hook', secretHeader: '${trigger.parameters.taggerSecret}' }));
    expect(given.customHeaders[SECRET_HEADER]).toBe('${trigger.parameters.taggerSecret}');
  });

  it('the Run Job container runs the tagger on the payload variable', () => {
    const [, job] = JSON.parse(generateFromOptions({ ...BASE, consumer: 'runjob', image: 'registry.example.com/ami-tagger:1', account: 'k8s' }));
    const container = job.manifest.spec.template.spec.containers[0];
    expect(container.args).toEqual(['tag', '--payload-env', 'AMI_TAGGER_PAYLOAD']);
    expect(container.env[0].name).toBe('AMI_TAGGER_PAYLOAD');
  });

  it('text format prints key = value lines', () => {
    expect(generateFromOptions({ ...BASE, format: 'text' })).toBe(
      "imageId_us_east_1 = ${#stageByRefId('1').outputs.deploymentDetails.^[region == 'us-east-1'].imageId}\n" +
        "imageId_eu_west_1 = ${#stageByRefId('1').outputs.deploymentDetails.^[region == 'eu-west-1'].imageId}\n",
    );
  });
});

describe('properties of the generated stage', () => {
  it('keys always match the Evaluate Variables pattern, whatever the prefix and regions', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/), fc.uniqueArray(regionArbitrary, { minLength: 1, maxLength: 12 }), (prefix, regions) => {
        const generated = generateVariables({ bake: { by: 'refId', refId: '1' }, regions, mode: 'fields', fields: ['imageId', 'imageName'], prefix: normalizePrefix(prefix), refId: '2', name: 'n' });
        for (const variable of generated.variables) expect(variable.key).toMatch(VARIABLE_KEY_PATTERN);
        expect(new Set(generated.variables.map((variable) => variable.key)).size).toBe(regions.length * 2);
      }),
    );
  });

  it('a prefix starting with a digit still gives a valid key', () => {
    expect(variableKey(normalizePrefix('2024-q1'), ['imageId', 'us-east-1'])).toBe('_2024_q1_imageId_us_east_1');
  });

  it('stage names round-trip through the SpEL literal, also when parsed as Spring parses it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '{', '}', '$', '#', '\\', 'é', ']', '(', ')') , minLength: 1, maxLength: 20 }), (name) => {
        const literal = spelStringLiteral(name);
        expect(readSpelStringLiteral(literal)).toBe(name);
        expect(parseSpel(literal).literal).toBe(name);
      }),
    );
  });

  it('dinghy output never holds {{ or }} and parses back to the same stages', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', "'", '{', '}', ' ', '$'), minLength: 1, maxLength: 16 }).filter((name) => name.trim() !== ''),
        fc.uniqueArray(regionArbitrary, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('fields', 'image', 'payload'),
        fc.constantFrom(undefined, 'webhook', 'lambda', 'runjob'),
        (bakeName, regions, mode, consumer) => {
          const options = {
            ...BASE,
            bakeRefId: undefined,
            bakeStage: bakeName,
            bakeStageRefId: '1',
            regions: regions.join(','),
            mode,
            name: `Facts {{${bakeName}}}`,
            ...(consumer !== undefined ? { consumer, url: 'https://t.example.com/{{x}}', function: 'fn', account: 'acct', lambdaRegion: 'eu-west-1', image: 'img:{{tag}}' } : {}),
          };
          const dinghy = generateFromOptions({ ...options, format: 'dinghy' });
          expect(dinghy).not.toMatch(/\{\{|\}\}/);
          expect(JSON.parse(dinghy)).toEqual(JSON.parse(generateFromOptions({ ...options, format: 'stage' })));
        },
      ),
    );
  });

  it('dinghySafeJson escapes runs of braces inside strings', () => {
    const text = dinghySafeJson({ a: '{{{x}}}', b: [{}] });
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(JSON.parse(text)).toEqual({ a: '{{{x}}}', b: [{}] });
  });
});
