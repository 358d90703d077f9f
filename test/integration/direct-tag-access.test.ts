/**
 * Who the direct path lets in. A payload's `account` decides where ami-tagger acts, so it must be
 * in the allow-list (AMI_TAGGER_ACCOUNTS) whoever sends it, checked before any AWS call. The
 * webhook exists only with a Function URL, and a failing secret read is not repeated per request.
 */
import { handler } from '../../handlers/direct-tag';
import { parseAccountScope } from '../../src/account-scope';
import { handleWebhook, tagPayload, type DirectDeps } from '../../src/direct/direct-service';
import { cachedSecret, SECRET_FAILURE_CACHE_MS, SECRET_HEADER } from '../../src/direct/webhook-secret';
import { runtimeFromEnv } from '../../src/runtime';
import { capturingLog, compiledRules, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const MEMBER = '444455556666';
const OUTSIDER = '777788889999';
const ROLE = 'ami-tagger-member';
const SECRET = 'correct horse battery staple';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${DEFAULT_ACCOUNT}:function:ami-tagger-test-direct-tag`;

let fake: FakeAws;
let restore: () => void;
let deps: DirectDeps;

beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake, {
    AMI_TAGGER_RULES_FILE: compiledRules(),
    AMI_TAGGER_ROLE_NAME: ROLE,
    AMI_TAGGER_ACCOUNTS: MEMBER,
    AMI_TAGGER_EXTERNAL_ID: 'prod-tagger',
  });
  const { engine, accounts } = runtimeFromEnv(process.env, DEFAULT_ACCOUNT);
  deps = { engine, accounts, ownAccount: DEFAULT_ACCOUNT, webhookSecret: async () => SECRET, log: capturingLog() };
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

const payloadFor = (account: string | undefined, imageId = 'ami-0aaaaaaaaaaaaaaa1') => ({
  application: 'orders',
  pipeline: 'Bake and tag',
  ...(account ? { account } : {}),
  images: [{ imageId, region: 'us-east-1', imageName: 'orders-api-1.4.2-h117.3f9c2d1-x86_64-20261120140301-jammy' }],
});
const request = (body: unknown, headers: Record<string, string>) => ({ headers, body: JSON.stringify(body), requestContext: { http: { method: 'POST' } } });

describe('the payload\'s account', () => {
  it('outside the allow-list: 400 naming the account, before any AWS call', async () => {
    const response = await tagPayload(payloadFor(OUTSIDER), deps);
    expect(response.statusCode).toBe(400);
    expect(response.body.error).toBe(`the payload's "account" names account ${OUTSIDER}, which ami-tagger may not act in: it may act in its own account and account ${MEMBER}`);
    expect(response.body.hint).toContain('AMI_TAGGER_ACCOUNTS');
    expect(fake.calls).toEqual([]);
  });

  it('in the allow-list: tagged there, through the member role with that account\'s external id', async () => {
    const image = fake.seedImage({ account: MEMBER, region: 'us-east-1', snapshotCount: 1 });
    fake.requireExternalId(`arn:aws:iam::${MEMBER}:role/${ROLE}`, `prod-tagger:${MEMBER}`);
    const response = await tagPayload(payloadFor(MEMBER, image.imageId), deps);
    expect(response.statusCode).toBe(200);
    expect(fake.tagsOf(MEMBER, 'us-east-1', image.imageId)).toHaveProperty('SpinnakerApplication', 'orders');
    expect(fake.countCalls('AssumeRole')).toBe(1);
  });

  it('absent or its own: the function\'s account, no role assumed', async () => {
    const image = fake.seedImage({ region: 'us-east-1' });
    for (const account of [undefined, DEFAULT_ACCOUNT]) expect((await tagPayload(payloadFor(account, image.imageId), deps)).statusCode).toBe(200);
    expect(fake.countCalls('AssumeRole')).toBe(0);
  });

  it('through the webhook: the secret is checked first, so a caller without it learns nothing of the list', async () => {
    expect((await handleWebhook(request(payloadFor(OUTSIDER), {}), deps)).statusCode).toBe(401);
    const refused = await handleWebhook(request(payloadFor(OUTSIDER), { [SECRET_HEADER]: SECRET }), deps);
    expect(refused.statusCode).toBe(400);
    expect(refused.body.error).toContain(OUTSIDER);
    expect(fake.calls).toEqual([]);
  });

  it('a payload check wider than the clients\' list is still stopped by AwsClients, before any role is assumed', async () => {
    // An organization lets any account id past the payload check (IAM decides); these clients
    // were made with a list of one account, and refuse the others themselves.
    const organizationDeps = { ...deps, accounts: parseAccountScope('o-a1b2c3d4e5', 'AMI_TAGGER_ACCOUNTS') };
    const image = fake.seedImage({ account: OUTSIDER, region: 'us-east-1' });
    const response = await tagPayload(payloadFor(OUTSIDER, image.imageId), organizationDeps);
    expect(response.statusCode).toBe(502);
    expect(response.body.images?.[0]?.error).toContain(`account ${OUTSIDER}, which ami-tagger may not act in`);
    expect(fake.calls).toEqual([]);
  });
});

describe('the webhook', () => {
  it('answers 404 when the stack has no Function URL (no secret to check against)', async () => {
    const { webhookSecret: _unused, ...withoutUrl } = deps;
    const response = await handleWebhook(request(payloadFor(undefined), { [SECRET_HEADER]: SECRET }), withoutUrl);
    expect(response.statusCode).toBe(404);
    expect(response.body.hint).toContain('directPathUrl=true');
    expect(fake.calls).toEqual([]);
  });

  it('answers 503 while the secret cannot be read, and reads it at most once per 30 seconds meanwhile', async () => {
    let clock = 0;
    let reads = 0;
    const failing = {
      ...deps,
      log: capturingLog(),
      webhookSecret: cachedSecret(async () => {
        reads += 1;
        throw new Error('ParameterNotFound');
      }, () => clock),
    };
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const response = await handleWebhook(request(payloadFor(undefined), { [SECRET_HEADER]: 'guess' }), failing);
      expect(response).toEqual({ statusCode: 503, body: { error: 'the webhook cannot check secrets right now; try again later' } });
    }
    expect(reads).toBe(1);
    clock += SECRET_FAILURE_CACHE_MS;
    await handleWebhook(request(payloadFor(undefined), {}), failing);
    expect(reads).toBe(2);
    expect(failing.log.lines[0]).toMatchObject({ level: 'error', message: 'webhook secret could not be read', fields: { error: 'Error: ParameterNotFound' } });
  });
});

describe('handlers/direct-tag', () => {
  it('without a Function URL (no secret parameter set), answers an HTTP-shaped event 404 and reads no secret', async () => {
    delete process.env.AMI_TAGGER_WEBHOOK_SECRET_PARAMETER;
    const response = await handler(request(payloadFor(undefined), { [SECRET_HEADER]: SECRET }), { invokedFunctionArn: FUNCTION_ARN });
    expect(response).toMatchObject({ statusCode: 404 });
    // The AWS Lambda stage: an account outside the list fails the invocation, before any AWS call.
    await expect(handler(payloadFor(OUTSIDER), { invokedFunctionArn: FUNCTION_ARN })).rejects.toThrow(`400: `);
    expect(fake.calls).toEqual([]);
  });
});
