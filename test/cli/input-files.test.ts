import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFailure } from '../../src/cli/run';
import { runCli } from '../support/cli';

/** What a user who passes the wrong file, or none, is told: the file, what was expected, exit 2. */
const ROOT = join(__dirname, '../..');
const EVENTS = join(ROOT, 'examples/events');
const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-input-files-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const missing = join(dir, 'missing.json');
const stage = file('stage.json', JSON.stringify({ type: 'evaluateVariables', name: 'V', refId: '2', requisiteStageRefIds: ['1'], variables: [{ key: 'a', value: '${trigger.user}' }] }));
const execution = file('execution.json', JSON.stringify({ id: 'E', name: 'P', status: 'RUNNING', trigger: { user: 'alice@example.com' }, stages: [] }));
const bake = { type: 'bake', name: 'Bake', refId: '1', requisiteStageRefIds: [], regions: ['us-east-1', 'eu-west-1'] };

describe('a file that is not there', () => {
  it.each([
    ['tag --event', ['tag', '--event', missing], '--event'],
    ['tag --payload', ['tag', '--payload', missing], '--payload'],
    ['preview --execution', ['preview', '--execution', missing, '--stage', stage], '--execution'],
    ['preview --stage', ['preview', '--execution', execution, '--stage', missing], '--stage'],
    ['preview --pipeline', ['preview', '--execution', execution, '--pipeline', missing], '--pipeline'],
    ['spel --pipeline', ['spel', '--pipeline', missing], '--pipeline'],
    ['lint', ['lint', missing], undefined],
  ])('%s: "cannot read FILE: no such file", exit 2', async (_, args, flag) => {
    const run = await runCli(args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr.split('\n')[0]).toBe(`ami-tagger: cannot read ${missing}: no such file`);
    if (flag !== undefined) expect(run.stderr).toContain(`  where: ${flag}\n`);
    expect(run.stderr).not.toContain('ENOENT');
  });
});

describe('a file that is not JSON', () => {
  const broken = file('broken.json', '{"stages": [');
  it.each([
    ['event', ['tag', '--event', broken]],
    ['payload', ['tag', '--payload', broken]],
    ['execution', ['preview', '--execution', broken, '--stage', stage]],
    ['stage', ['preview', '--execution', execution, '--stage', broken]],
    ['pipeline', ['lint', broken]],
    ['pipeline', ['spel', '--pipeline', broken]],
  ])('names the kind of file expected (%s)', async (kind, args) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^ami-tagger: the ${kind} file is not valid JSON: `));
    expect(run.stderr).toContain(`  where: ${broken}\n`);
  });

  it('a UTF-8 byte order mark (Windows editors) is accepted', async () => {
    const withBom = (name: string, text: string): string => file(name, `\uFEFF${text}`);
    const event = withBom('dry-run-event.json', readFileSync(join(EVENTS, 'create-image-dry-run.json'), 'utf8'));
    expect(await runCli(['tag', '--event', event])).toMatchObject({ code: 0, stdout: expect.stringContaining('ignored: ') });
    const pipeline = withBom('pipeline.json', JSON.stringify({ stages: [bake] }));
    expect(await runCli(['lint', pipeline])).toMatchObject({ code: 0, stdout: 'no problems found\n' });
    const run = withBom('run.json', readFileSync(execution, 'utf8'));
    expect((await runCli(['preview', '--execution', run, '--stage', withBom('stage.json', readFileSync(stage, 'utf8'))])).code).toBe(0);
  });
});

describe('tag --event with a JSON file that is not an event', () => {
  it.each([
    ['a direct-path payload', { application: 'orders', images: [{ imageId: 'ami-0123456789abcdef0', region: 'us-east-1' }] }, 'this looks like a direct-path payload: pass it with --payload'],
    ['a pipeline', { name: 'Bake and tag', stages: [bake] }, 'this looks like a Spinnaker pipeline'],
    ['an execution', { status: 'SUCCEEDED', trigger: {}, stages: [bake] }, 'this looks like a Spinnaker execution'],
    ['a list', [bake], 'this looks like a list'],
    ['something else', { hello: 'world' }, undefined],
  ])('%s: one line saying what was expected', async (_, value, looksLike) => {
    const path = file('not-an-event.json', JSON.stringify(value));
    const run = await runCli(['tag', '--event', path]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    const [first, ...rest] = run.stderr.trimEnd().split('\n');
    expect(first).toContain(`ami-tagger: ${path} is not an EventBridge event: expected an object with "source", "detail-type" and "detail"`);
    if (looksLike !== undefined) expect(first).toContain(looksLike);
    expect(rest.every((line) => line.startsWith('  where: ') || line.startsWith('  fix: '))).toBe(true);
  });
});

describe('lint', () => {
  it('stages that are not objects are bad input, not "no problems found"', async () => {
    const path = file('odd-stages.json', JSON.stringify({ stages: [bake, 'Deploy', 42] }));
    const run = await runCli(['lint', path]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('stages[1] is not a stage object: "Deploy"');
    expect(run.stderr).toContain(`where: ${path}: stages[1]`);
  });
});

describe('spel --pipeline', () => {
  it('with one bake stage needs neither --bake-stage nor --bake-ref-id: it reads that bake, by refId, in its regions', async () => {
    const pipeline = file('one-bake.json', JSON.stringify({ stages: [{ ...bake, refId: '7', name: 'Bake orders-api' }] }));
    const run = await runCli(['spel', '--pipeline', pipeline]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const generated = JSON.parse(run.stdout) as { requisiteStageRefIds: string[]; variables: Array<{ key: string; value: string }> };
    expect(generated.requisiteStageRefIds).toEqual(['7']);
    expect(generated.variables.map((variable) => variable.key)).toEqual(['imageId_us_east_1', 'imageId_eu_west_1']);
    expect(generated.variables[0]?.value).toContain("#stageByRefId('7')");
  });

  it('with several bake stages, or none, says which to choose from', async () => {
    const two = file('two-bakes.json', JSON.stringify({ stages: [bake, { ...bake, refId: '4', name: 'Bake arm64' }] }));
    const several = await runCli(['spel', '--pipeline', two]);
    expect(several).toMatchObject({ code: 2, stdout: '' });
    expect(several.stderr).toContain('the pipeline has 2 bake stages: "Bake" (refId 1), "Bake arm64" (refId 4)');
    expect(several.stderr).toContain('--bake-ref-id');
    expect((await runCli(['spel', '--pipeline', two, '--bake-ref-id', '4'])).code).toBe(0);
    const none = await runCli(['spel', '--pipeline', file('no-bake.json', JSON.stringify({ stages: [{ type: 'wait', name: 'W', refId: '1' }] }))]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('no bake stage');
  });
});

describe('AWS out of reach', () => {
  it('the hint names both endpoints a local stand-in needs: the command calls STS before EC2', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const { text } = describeFailure(refused);
    expect(text).toContain('AWS_ENDPOINT_URL_EC2');
    expect(text).toContain('AWS_ENDPOINT_URL_STS');
  });
});
