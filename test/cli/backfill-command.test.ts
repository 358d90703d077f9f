/**
 * `ami-tagger backfill` as a person runs it, against the stand-in: flags checked before any AWS
 * call (exit 2), a dry run's table, JSON lines, a plan reviewed and applied, exit codes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const REGION = 'eu-west-1';
const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-backfill-'));

let fake: FakeAws;
let restore: () => void;
beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake, { AWS_REGION: REGION });
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

function bake(name: string, tags: Record<string, string> = {}) {
  return fake.seedImage({ region: REGION, name, creationDate: new Date(Date.now() - 86_400_000).toISOString(), snapshotCount: 1, tags });
}

const RULES = ['--rules', SHIPPED_RULES_FILE];

describe('ami-tagger backfill', () => {
  it.each([
    [['--out', 'plan.json'], '--out writes the plan of a dry run'],
    [['--image-ids', 'ami-0abc1234def567890', '--regions', 'us-east-1,eu-west-1'], '--image-ids needs one region'],
    [['--image-ids', 'ami-nope'], 'is not an AMI id'],
    [['--regions', 'mars-1'], 'is not a region name'],
    [['--since', 'last tuesday'], 'is neither an age nor a date'],
    [['--max-rate', '50'], '--max-rate "50": expected a number above 0 and at most 10'],
    [['--accounts', '111122223333'], 'ami-tagger reaches other accounts only by assuming that role'],
    [['--accounts', 'o-a1b2c3d4e5', '--role-name', 'ami-tagger-member'], 'an organization id names none'],
    [['--apply', 'plan.json', '--regions', 'us-east-1'], '--apply carries out the plan as reviewed'],
  ])('refuses %j before any AWS call (exit 2)', async (flags, message) => {
    const run = await runCli(['backfill', ...RULES, ...flags]);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
    expect(fake.calls.filter((call) => call.service === 'ec2')).toHaveLength(0);
  });

  it('shareTargets: true in the rules tags the views of the accounts an image is shared with, as --share-targets does', async () => {
    const member = '444455556666';
    const image = bake('web-1.0.0-x');
    fake.shareImage(DEFAULT_ACCOUNT, REGION, image.imageId, { accounts: [member] });
    const rules = join(dir, 'share-rules.yml');
    writeFileSync(rules, `${readFileSync(SHIPPED_RULES_FILE, 'utf8').replace('shareTargets: false', 'shareTargets: true')}`);
    const run = await runCli(['backfill', '--rules', rules, '--region', REGION, '--no-lookup', '--accounts', `${DEFAULT_ACCOUNT},${member}`, '--role-name', 'ami-tagger-member']);
    expect(run.code).toBe(0);
    expect(fake.tagsOf(member, REGION, image.imageId)).toHaveProperty('ManagedBy', 'ami-tagger');
    // Without the option (and without the flag), nothing is written in the other account.
    const other = bake('api-1.0.0-x');
    fake.shareImage(DEFAULT_ACCOUNT, REGION, other.imageId, { accounts: [member] });
    await runCli(['backfill', ...RULES, '--region', REGION, '--no-lookup', '--accounts', `${DEFAULT_ACCOUNT},${member}`, '--role-name', 'ami-tagger-member']);
    expect(fake.tagsOf(member, REGION, other.imageId)).toEqual({});
  });

  it('--dry-run prints what would be written, per image, and the summary; writes nothing', async () => {
    bake('api-2.0.0-20261101');
    expect((await runCli(['backfill', ...RULES, '--region', REGION])).code).toBe(0);
    fake.clearCalls();
    const image = bake('web-1.2.3-20261101');
    const run = await runCli(['backfill', ...RULES, '--dry-run', '--region', REGION]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Would write:[\\s\\S]*${REGION}\\s+${image.imageId}\\s+web-1.2.3-20261101\\s+2\\s+ManagedBy=ami-tagger`));
    expect(run.stdout).toContain('Backfill (dry run: nothing written): 1 account-region(s)');
    expect(run.stdout).toMatch(/images scanned\s+2/);
    expect(run.stdout).toMatch(/would tag\s+1/);
    expect(run.stdout).toMatch(/AWS calls\s+.*DescribeImages 1/);
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('--format json: one line per image, then the summary; a rerun tags nothing', async () => {
    const image = bake('web-1.2.3-20261101');
    const run = await runCli(['backfill', ...RULES, '--region', REGION, '--format', 'json']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'image', imageId: image.imageId, status: 'tagged', account: DEFAULT_ACCOUNT, region: REGION });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', scanned: 1, tagged: 1, apiCalls: { CreateTags: 1 } });
    const again = await runCli(['backfill', ...RULES, '--region', REGION, '--format', 'json']);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ tagged: 0, alreadyComplete: 1 });
  });

  it('--dry-run --out, then --apply: the plan is written as reviewed; another rules file is refused', async () => {
    const image = bake('web-1.2.3-20261101');
    const plan = join(dir, 'plan.json');
    const dry = await runCli(['backfill', ...RULES, '--dry-run', '--region', REGION, '--out', plan]);
    expect(dry.stdout).toContain(`Plan written to ${plan}`);
    const written = JSON.parse(readFileSync(plan, 'utf8')) as { images: Array<{ imageId: string; writes: Record<string, unknown[]> }> };
    expect(written.images).toEqual([expect.objectContaining({ imageId: image.imageId })]);

    const otherRules = join(dir, 'other.yml');
    writeFileSync(otherRules, 'tags:\n  Team: web\n');
    const refused = await runCli(['backfill', '--rules', otherRules, '--apply', plan]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was made with other rules');

    const applied = await runCli(['backfill', ...RULES, '--apply', plan]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/tagged\s+1/);
    expect(fake.tagsOf(DEFAULT_ACCOUNT, REGION, image.imageId)).toMatchObject({ ManagedBy: 'ami-tagger', Application: 'web' });
  });

  it('exit 1 when an image named by --image-ids is not there; exit 3 when AWS refuses the region', async () => {
    const missing = await runCli(['backfill', ...RULES, '--image-ids', 'ami-0abc1234def567890', '--region', REGION]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/not found\s+1/);
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const refused = await runCli(['backfill', ...RULES, '--region', REGION, '--no-lookup']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain(`failed: ${DEFAULT_ACCOUNT}/${REGION}: UnauthorizedOperation`);
  });

  it('--help lists the flags, examples and exit codes', async () => {
    const run = await runCli(['backfill', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--regions', '--accounts', '--since', '--missing-tag', '--apply', '--max-rate', '--no-lookup', '--share-targets', 'Exit codes:']) expect(run.stdout).toContain(flag);
  });
});
