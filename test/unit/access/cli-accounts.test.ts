/**
 * `ami-tagger tag --accounts`: the same allow-list, with the same rules, as the deploy parameter.
 * A payload naming an account outside it is bad input (exit 2), and nothing acts in any account.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { useFakeAwsEnvironment } from '../../support/engine-env';
import { startFakeAws, type FakeAws } from '../../support/fake-aws';

const MEMBER = '444455556666';
const OUTSIDER = '777788889999';
const ROLE = 'ami-tagger-member';
const RULES = join(__dirname, '../../../ami-tagger.yml');

let fake: FakeAws;
let restore: () => void;
const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-cli-accounts-'));

beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake);
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

function payloadFile(account: string, imageId: string): string {
  const file = join(dir, `payload-${account}.json`);
  writeFileSync(file, JSON.stringify({ application: 'orders', account, images: [{ imageId, region: 'us-east-1' }] }));
  return file;
}

describe('ami-tagger tag --accounts', () => {
  it('a payload naming an account outside --accounts: exit 2 saying so, no role assumed, nothing described or tagged', async () => {
    const run = await runCli(['tag', '--rules', RULES, '--payload', payloadFile(OUTSIDER, 'ami-0aaaaaaaaaaaaaaa1'), '--role-name', ROLE, '--accounts', MEMBER]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`names account ${OUTSIDER}, which ami-tagger may not act in: it may act in its own account and account ${MEMBER}`);
    expect(run.stderr).toContain('--accounts');
    // Only "who am I" (no permission needed, acts nowhere), to know whether the account is its own.
    expect(fake.calls.map((call) => call.action)).toEqual(['GetCallerIdentity']);
  });

  it('a payload naming a listed account: tagged there through the member role, with the per-account external id', async () => {
    const image = fake.seedImage({ account: MEMBER, region: 'us-east-1' });
    fake.requireExternalId(`arn:aws:iam::${MEMBER}:role/${ROLE}`, `base-id:${MEMBER}`);
    const run = await runCli(['tag', '--rules', RULES, '--payload', payloadFile(MEMBER, image.imageId), '--role-name', ROLE, '--accounts', MEMBER, '--external-id', 'base-id', '--format', 'json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fake.tagsOf(MEMBER, 'us-east-1', image.imageId)).toHaveProperty('SpinnakerApplication', 'orders');
  });

  it('--role-name without --accounts, or --accounts without --role-name: exit 2 before any AWS call', async () => {
    const file = payloadFile(MEMBER, 'ami-0aaaaaaaaaaaaaaa1');
    const noList = await runCli(['tag', '--rules', RULES, '--payload', file, '--role-name', ROLE]);
    expect(noList.code).toBe(2);
    expect(noList.stderr).toContain('--role-name is set, but --accounts is empty: central mode needs the accounts ami-tagger may act in');
    const noRole = await runCli(['tag', '--rules', RULES, '--payload', file, '--accounts', MEMBER]);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain('--accounts is set, but --role-name is empty');
    const malformed = await runCli(['tag', '--rules', RULES, '--payload', file, '--role-name', ROLE, '--accounts', 'prod']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"prod" is not an account id');
    expect(fake.calls).toEqual([]);
  });
});
