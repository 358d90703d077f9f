/**
 * The direct path: a Spinnaker payload (from the AWS Lambda stage, or the Webhook stage through
 * the Function URL) tags the baked images through the same engine, with what only Spinnaker knows.
 */
import { OWN_ACCOUNT_ONLY } from '../../src/account-scope';
import { handleWebhook, tagPayload, type DirectDeps } from '../../src/direct/direct-service';
import { SECRET_HEADER } from '../../src/direct/webhook-secret';
import { engineFromEnv } from '../../src/runtime';
import { capturingLog, compiledRules, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const NAME = 'orders-api-1.4.2-h117.3f9c2d1-x86_64-20261120140301-jammy';
const SECRET = 'correct horse battery staple';

let fake: FakeAws;
let restoreEnvironment: () => void;
let deps: DirectDeps;
let secretReads = 0;

beforeAll(async () => {
  fake = await startFakeAws();
  restoreEnvironment = useFakeAwsEnvironment(fake, { AMI_TAGGER_RULES_FILE: compiledRules() });
  deps = {
    engine: engineFromEnv(process.env, DEFAULT_ACCOUNT),
    ownAccount: DEFAULT_ACCOUNT,
    accounts: OWN_ACCOUNT_ONLY,
    webhookSecret: async () => {
      secretReads += 1;
      return SECRET;
    },
    log: capturingLog(),
  };
});
afterAll(async () => {
  restoreEnvironment();
  await fake.close();
});
beforeEach(() => fake.reset());

function bake() {
  const east = fake.seedImage({ region: 'us-east-1', name: NAME, snapshotCount: 1 });
  const west = fake.seedImage({ region: 'eu-west-1', name: NAME, snapshotCount: 1 });
  const payload = {
    application: 'orders',
    pipeline: 'Bake and tag',
    executionId: '01JDX4Q8Z7M2N5P9R3T6V8W0YB',
    user: 'alice@example.com',
    images: [
      { imageId: west.imageId, region: 'eu-west-1', imageName: NAME, package: 'orders-api', baseAmiId: 'ami-0ee11ff22aa33bb44', refId: '1<2' },
      { imageId: east.imageId, region: 'us-east-1', imageName: NAME, package: 'orders-api', baseAmiId: 'ami-0aa11bb22cc33dd44', refId: '1<1' },
    ],
  };
  return { east, west, payload };
}

describe('direct path', () => {
  it('tags each baked image and its snapshots with the pipeline and the person behind it', async () => {
    const { east, west, payload } = bake();
    const response = await tagPayload(payload, deps);
    expect(response.statusCode).toBe(200);
    expect(response.body.images?.map((image) => [image.region, image.status])).toEqual([
      ['eu-west-1', 'tagged'],
      ['us-east-1', 'tagged'],
    ]);
    for (const image of [east, west]) {
      const region = image === east ? 'us-east-1' : 'eu-west-1';
      const tags = fake.tagsOf(DEFAULT_ACCOUNT, region, image.imageId);
      expect(tags).toMatchObject({ SpinnakerApplication: 'orders', SpinnakerPipeline: 'Bake and tag', SpinnakerExecution: '01JDX4Q8Z7M2N5P9R3T6V8W0YB', TriggeredBy: 'alice@example.com', Application: 'orders-api', Version: '1.4.2' });
      const snapshotId = image.blockDeviceMappings[0]?.snapshotId ?? '';
      expect(fake.tagsOf(DEFAULT_ACCOUNT, region, snapshotId)).toEqual(tags);
    }
    expect(fake.countCalls('CreateTags')).toBe(2);
  });

  it('a bad payload is a 400 naming the field, and nothing is written', async () => {
    const { payload } = bake();
    const broken = { ...payload, images: [{ ...payload.images[0], imageID: 'ami-0123456789abcdef0', imageId: undefined }] };
    const response = await tagPayload(broken, deps);
    expect(response.statusCode).toBe(400);
    expect(response.body.error).toContain('images[0].imageId');
    expect(fake.calls).toHaveLength(0);
    expect((await tagPayload({ images: [] }, deps)).body.error).toContain('images is empty');
  });

  it('one image failing does not stop the others; the answer says which failed', async () => {
    const { payload } = bake();
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const response = await tagPayload(payload, deps);
    expect(response.statusCode).toBe(502);
    expect(response.body.images?.map((image) => image.status)).toEqual(['failed', 'tagged']);
    expect(response.body.images?.[0]?.error).toContain('UnauthorizedOperation');
    expect((deps.log as ReturnType<typeof capturingLog>).lines.slice(-2).map((line) => line.fields.Outcome)).toEqual(['failed', 'tagged']);
  });

  it('payload dryRun plans without writing', async () => {
    const { payload } = bake();
    const response = await tagPayload({ ...payload, dryRun: true }, deps);
    expect(response.body.images?.map((image) => image.status)).toEqual(['dry-run', 'dry-run']);
    expect(fake.countCalls('CreateTags')).toBe(0);
  });
});

describe('webhook (Function URL)', () => {
  const request = (body: string, headers: Record<string, string>, method = 'POST') => ({ headers, body, requestContext: { http: { method } } });

  it('refuses a missing or wrong secret without touching AWS', async () => {
    const { payload } = bake();
    expect((await handleWebhook(request(JSON.stringify(payload), {}), deps)).statusCode).toBe(401);
    expect((await handleWebhook(request(JSON.stringify(payload), { [SECRET_HEADER]: `${SECRET}!` }), deps)).statusCode).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it('accepts the right secret (any header case, base64 body) and tags', async () => {
    const { payload, east } = bake();
    const encoded = { ...request(Buffer.from(JSON.stringify(payload)).toString('base64'), { 'X-Ami-Tagger-Secret': SECRET }), isBase64Encoded: true };
    const response = await handleWebhook(encoded, deps);
    expect(response.statusCode).toBe(200);
    expect(fake.tagsOf(DEFAULT_ACCOUNT, 'us-east-1', east.imageId)).toHaveProperty('TriggeredBy', 'alice@example.com');
    expect(secretReads).toBeGreaterThan(0);
  });

  it('answers 400 for a body that is not JSON and 405 for GET', async () => {
    expect((await handleWebhook(request('{not json', { [SECRET_HEADER]: SECRET }), deps)).statusCode).toBe(400);
    expect((await handleWebhook(request('', { [SECRET_HEADER]: SECRET }, 'GET'), deps)).statusCode).toBe(405);
  });
});
