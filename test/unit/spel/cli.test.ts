import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { bakeExecution, imageIdFor } from '../../conformance/bake-execution';

const run = (...args: string[]) => runCli(args);

describe('ami-tagger spel / preview / lint exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-cli-'));
  const executionFile = join(dir, 'execution.json');
  writeFileSync(executionFile, JSON.stringify(bakeExecution({ regions: ['us-east-1', 'eu-west-1'] })));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = ['spel', '--bake-ref-id', '1', '--regions', 'us-east-1'];
  it.each([
    ['unknown field', [...base, '--fields', 'imageID'], 'did you mean imageId?'],
    ['bad region', [...base, '--regions', 'us-east'], 'not an AWS region'],
    ['empty stage name', ['spel', '--bake-stage', ' ', '--bake-stage-ref-id', '1', '--regions', 'us-east-1'], 'bake stage name is empty'],
    ['bad key prefix', [...base, '--prefix', 'a b'], '--prefix'],
    ['unknown consumer', [...base, '--consumer', 'email'], 'not one of webhook, lambda, runjob'],
  ])('spel: %s is exit 2 with nothing on stdout', async (_, args, message) => {
    const result = await run(...args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^ami-tagger: /);
    expect(result.stderr).toContain(message);
  });

  it('spel output previews clean (exit 0); a typo previews as null (exit 1)', async () => {
    const generated = await run('spel', '--bake-ref-id', '1', '--regions', 'us-east-1,eu-west-1');
    expect(generated.code).toBe(0);
    const stageFile = join(dir, 'stage.json');
    writeFileSync(stageFile, generated.stdout);
    const preview = await run('preview', '--execution', executionFile, '--stage', stageFile, '--format', 'json');
    expect(preview.code).toBe(0);
    const report = JSON.parse(preview.stdout) as { ok: boolean; rows: Array<{ variable: string; value: string }> };
    expect(report.ok).toBe(true);
    expect(report.rows.map((row) => [row.variable, row.value])).toEqual([
      ['imageId_us_east_1', imageIdFor('us-east-1')],
      ['imageId_eu_west_1', imageIdFor('eu-west-1')],
    ]);
    writeFileSync(stageFile, generated.stdout.replaceAll('.imageId}', '.imageID}'));
    const typo = await run('preview', '--execution', executionFile, '--stage', stageFile);
    expect(typo.code).toBe(1);
    expect(typo.stdout).toContain('NULL');
  });

  it('preview: bad input is exit 2', async () => {
    expect((await run('preview', '--execution', join(dir, 'missing.json'), '--expr', '${a}')).code).toBe(2);
    expect((await run('preview', '--execution', executionFile)).code).toBe(2);
    expect((await run('preview', '--execution', executionFile, '--expr', 'no expression')).code).toBe(2);
    expect((await run('preview', '--execution', executionFile, '--expr', '${execution.name}')).code).toBe(0);
  });

  it('preview --help says which Orca behaviour it follows', async () => {
    const help = await run('preview', '--help');
    expect(help.stdout).toContain("Orca's evaluation, Spring Expression Language 5.3 (Orca's Spring) as kork configures it");
    expect(help.stdout).toContain('"spelEvaluator": "v4"');
  });

  it("preview --pipeline follows the pipeline's spelEvaluator for the variables of a stage; the table shows Java's numbers", async () => {
    const pipeline = (spelEvaluator: string) => ({
      spelEvaluator,
      stages: [{ type: 'evaluateVariables', name: 'V', refId: '2', variables: [{ key: 'a', value: '${2.0}' }, { key: 'b', value: '${a * 2}' }] }],
    });
    const v4 = join(dir, 'v4.json');
    writeFileSync(v4, JSON.stringify(pipeline('v4')));
    const table = await run('preview', '--execution', executionFile, '--pipeline', v4);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ b +ok .* 4\.0\n/);
    const v3 = join(dir, 'v3.json');
    writeFileSync(v3, JSON.stringify(pipeline('v3')));
    const json = JSON.parse((await run('preview', '--execution', executionFile, '--pipeline', v3, '--format', 'json')).stdout) as { rows: Array<{ variable: string; status: string; reason?: string }> };
    expect(json.rows[1]).toMatchObject({ variable: 'b', status: 'failed' });
    expect(json.rows[1]?.reason).toContain('"spelEvaluator": "v4"');
  });

  it('lint: errors exit 1, warnings only with --strict, bad input 2', async () => {
    const bake = { type: 'bake', name: 'Bake', refId: '1', requisiteStageRefIds: [], regions: ['us-east-1', 'eu-west-1'] };
    const warnOnly = join(dir, 'warn.json');
    writeFileSync(warnOnly, JSON.stringify({ stages: [bake, { type: 'evaluateVariables', name: 'V', refId: '2', requisiteStageRefIds: ['1'], variables: [{ key: 'a', value: '${trigger.user}' }] }] }));
    const withError = join(dir, 'error.json');
    writeFileSync(withError, JSON.stringify({ stages: [bake, { type: 'evaluateVariables', name: 'V', refId: '2', requisiteStageRefIds: ['1'], failOnFailedExpressions: true, variables: [{ key: 'a', value: "${#stage('Bake').outputs.deploymentDetails[0].imageId}" }] }] }));
    expect((await run('lint', warnOnly)).code).toBe(0);
    expect((await run('lint', warnOnly, '--strict')).code).toBe(1);
    const errors = await run('lint', withError, '--format', 'json');
    expect(errors.code).toBe(1);
    expect(JSON.parse(errors.stdout).findings[0]).toMatchObject({ rule: 'index-into-multi-region-bake', stage: { name: 'V', refId: '2' }, field: 'variables[0].value' });
    const notPipeline = join(dir, 'not-pipeline.json');
    writeFileSync(notPipeline, '{"name": "x"}');
    expect(await run('lint', notPipeline)).toMatchObject({ code: 2, stdout: '' });
  });

  it('the commands from the README work as written, listing what is left to fill in', async () => {
    const plain = await run('spel', '--bake-stage', 'Bake us-east-1 and eu-west-1', '--regions', 'us-east-1,eu-west-1');
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ type: 'evaluateVariables', requisiteStageRefIds: [] });
    expect(plain.stderr).toContain('does not wait for the bake');

    const lambda = await run('spel', '--bake-stage', 'Bake us-east-1 and eu-west-1', '--regions', 'us-east-1,eu-west-1', '--mode', 'payload', '--consumer', 'lambda', '--function', 'ami-tagger-prod-tagImage');
    expect(lambda.code).toBe(0);
    const [, invoke] = JSON.parse(lambda.stdout);
    expect(invoke).toMatchObject({ type: 'Aws.LambdaInvokeStage', region: 'us-east-1', functionName: 'ami-tagger-prod-tagImage', account: expect.stringMatching(/^REPLACE-ME/) });
    expect(lambda.stderr).toContain('replace [1].account: REPLACE-ME');
  });
});
