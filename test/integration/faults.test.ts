/**
 * Faults, against the local EC2 stand-in with the real SDK clients: throttling on a third of all
 * calls, server errors, an endpoint that never answers, an image or snapshot that vanishes, an
 * image not visible yet. Each ends with the tags right, or with the invocation failed (so the
 * event is retried and then reaches the dead-letter queue) after its one log line.
 *
 * The clients use the production timeouts and attempts but a retry strategy with 1 ms delays
 * (and, for the hung endpoint, a short request timeout): no test waits on real backoff.
 */
import { AWS_MAX_ATTEMPTS, CONNECTION_TIMEOUT_MS, FUNCTION_TIMEOUT_SECONDS, REQUEST_TIMEOUT_MS, type ClientTuning } from '../../src/aws/clients';
import { loadRulesFile } from '../../src/rules/load';
import { ImageNotYetVisibleError } from '../../src/tagger/ec2-port';
import { type EngineOptions } from '../../src/tagger/engine';
import { handleImageEvent } from '../../src/tagger/event-service';
import { cloudTrailEvent, stateChangeEvent } from '../support/events';
import { capturingLog, fastEngine, SHIPPED_RULES_FILE, useFakeAws } from '../support/engine-env';
import { DEFAULT_ACCOUNT, type FakeAws } from '../support/fake-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const REGION = 'us-west-2';
const NAME = 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble';
const rules = loadRulesFile(SHIPPED_RULES_FILE);

const stand = useFakeAws();
let fake: FakeAws;
beforeEach(() => {
  fake = stand.fake;
});

/** The production engine, with backoff of 1 ms instead of seconds. */
function engine(tuning: ClientTuning = {}, extra: Partial<EngineOptions> = {}): EngineOptions {
  return fastEngine(rules, { account: ACCOUNT, tuning, ...extra });
}

const createImage = (imageId: string, eventTime?: string) =>
  cloudTrailEvent({ eventName: 'CreateImage', imageId, region: REGION, account: ACCOUNT, requestParameters: { instanceId: 'i-0fedcba987654321f', name: NAME }, ...(eventTime ? { eventTime } : {}) });
const available = (imageId: string) => stateChangeEvent({ imageId, region: REGION, account: ACCOUNT });

/** The port's methods bound to it, to wrap one of them. */
function bound(ec2: EngineOptions['ec2']): EngineOptions['ec2'] {
  return { describeImage: ec2.describeImage.bind(ec2), describeImages: ec2.describeImages.bind(ec2), describeSnapshotTags: ec2.describeSnapshotTags.bind(ec2), createTags: ec2.createTags.bind(ec2) };
}

/** Seeds a pending bake, runs CreateImage, makes it available with two snapshots, runs "available". */
async function bake(options: EngineOptions): Promise<{ imageId: string; snapshotIds: string[] }> {
  const image = fake.seedImage({ region: REGION, name: NAME, state: 'pending' });
  await handleImageEvent(createImage(image.imageId), options, capturingLog());
  const snapshots = [fake.seedSnapshot({ region: REGION }), fake.seedSnapshot({ region: REGION })];
  fake.updateImage(ACCOUNT, REGION, image.imageId, { state: 'available', blockDeviceMappings: snapshots.map((snapshot, index) => ({ deviceName: `/dev/xvd${'ab'[index]}`, snapshotId: snapshot.snapshotId })) });
  await handleImageEvent(available(image.imageId), options, capturingLog());
  return { imageId: image.imageId, snapshotIds: snapshots.map((snapshot) => snapshot.snapshotId) };
}

function expectComplete(imageId: string, snapshotIds: string[]): void {
  const imageTags = fake.tagsOf(ACCOUNT, REGION, imageId) ?? {};
  expect(imageTags).toMatchObject({ ManagedBy: 'ami-tagger', CreatedBy: 'bakery-instance', CreatedVia: 'CreateImage', Application: 'billing-svc', Version: '3.2.0' });
  for (const id of snapshotIds) expect(fake.tagsOf(ACCOUNT, REGION, id)).toEqual(imageTags);
}

describe('faults: the tags end right, or the invocation fails', () => {
  it('throttling on one call in three, of every kind: every tag lands on the AMI and both snapshots', async () => {
    fake.throttleEvery(3);
    const { imageId, snapshotIds } = await bake(engine());
    expectComplete(imageId, snapshotIds);
    expect(fake.calls.length).toBeGreaterThan(6); // the throttled calls were retried
  });

  it('server errors (HTTP 500) on a read and on the write: retried, tags right', async () => {
    fake.failNext('DescribeImages', 'InternalError', { status: 500 });
    fake.failNext('CreateTags', 'InternalError', { status: 500 });
    fake.failNext('DescribeSnapshots', 'Unavailable', { status: 503 });
    const { imageId, snapshotIds } = await bake(engine());
    expectComplete(imageId, snapshotIds);
  });

  it('throttled past every attempt: the invocation fails after logging its one line, fast', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME });
    fake.throttle('CreateTags', AWS_MAX_ATTEMPTS);
    const log = capturingLog();
    await expect(handleImageEvent(createImage(image.imageId), engine(), log)).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(fake.countCalls('CreateTags')).toBe(AWS_MAX_ATTEMPTS);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'error', message: 'image failed' })]);
    expect(log.lines[0]?.fields).toMatchObject({ imageId: image.imageId, Outcome: 'failed', error: expect.stringContaining('RequestLimitExceeded') });
  });

  it('an endpoint that never answers: each attempt times out, and the invocation fails by itself with its log line', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME });
    fake.hang('DescribeImages', AWS_MAX_ATTEMPTS);
    const log = capturingLog();
    const started = Date.now();
    await expect(handleImageEvent(createImage(image.imageId), engine({ requestTimeoutMs: 100 }), log)).rejects.toThrow(/timeout|exceeded/i);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fake.countCalls('DescribeImages')).toBe(AWS_MAX_ATTEMPTS);
    expect(log.lines[0]?.fields).toMatchObject({ Outcome: 'failed' });
  });

  it('a write that EC2 throttled waits, reads again, and keeps what someone tagged meanwhile (reported, not replaced)', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME, state: 'pending' });
    fake.throttle('CreateTags', 1);
    const options = engine();
    const ec2 = options.ec2;
    let throttled = false;
    const racing = {
      ...options,
      ec2: {
        ...bound(ec2),
        createTags: async (account: string, region: string, call: Parameters<typeof ec2.createTags>[2]) => {
          try {
            return await ec2.createTags(account, region, call);
          } catch (error) {
            // While the write waits for its retry, a person tags the image.
            if (!throttled) fake.updateImage(ACCOUNT, REGION, image.imageId, { tags: { Application: 'orders' } });
            throttled = true;
            throw error;
          }
        },
      },
    };
    const outcome = await handleImageEvent(createImage(image.imageId), racing, capturingLog());
    expect(throttled).toBe(true);
    expect(fake.tagsOf(ACCOUNT, REGION, image.imageId)).toMatchObject({ Application: 'orders', CreatedBy: 'bakery-instance', ManagedBy: 'ami-tagger' });
    expect(outcome).toMatchObject({ status: 'tagged', changedUnderUs: [{ resource: image.imageId, key: 'Application', wrote: 'billing-svc', found: 'orders' }] });
    expect(fake.countCalls('CreateTags')).toBe(2);
    expect(fake.countCalls('DescribeImages')).toBe(3); // read, read again after the throttle, read back
  });

  it('the production bounds fit the function: attempts x (request timeout + the longest backoff) + connect < its timeout', () => {
    // The SDK's standard backoff grows to at most 20 s; throttling retries start from 500 ms and
    // double, so over AWS_MAX_ATTEMPTS - 1 retries they add up to under 0.5 + 1 + 2 s (jittered).
    const worstBackoffMs = Array.from({ length: AWS_MAX_ATTEMPTS - 1 }, (_, retry) => 500 * 2 ** retry).reduce((sum, delay) => sum + delay, 0);
    const worstCallMs = AWS_MAX_ATTEMPTS * (CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + worstBackoffMs;
    expect(worstCallMs).toBeLessThan((FUNCTION_TIMEOUT_SECONDS * 1000) / 2);
  });

  it('an image deregistered between the read and the write ends cleanly; a vanished snapshot leaves the others tagged', async () => {
    const gone = fake.seedImage({ region: REGION, name: NAME });
    const options = engine();
    const ec2 = options.ec2;
    // Someone deregisters the image right after it was read: the write then answers NotFound.
    const racing = { ...options, ec2: { ...bound(ec2), createTags: (account: string, region: string, call: Parameters<typeof ec2.createTags>[2]) => {
      fake.deregisterImage(ACCOUNT, REGION, gone.imageId);
      return ec2.createTags(account, region, call);
    } } };
    const outcome = await handleImageEvent(available(gone.imageId), racing, capturingLog());
    expect(outcome).toMatchObject({ status: 'image-not-found', notes: expect.arrayContaining([expect.stringContaining('deregistered')]) });

    const snapshot = fake.seedSnapshot({ region: REGION });
    const image = fake.seedImage({ region: REGION, name: NAME, blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }, { deviceName: '/dev/xvdb', snapshotId: 'snap-0ddddddddddddddd9' }] });
    const tagged = await handleImageEvent(available(image.imageId), engine(), capturingLog());
    expect(tagged).toMatchObject({ status: 'tagged', notes: expect.arrayContaining(['snapshots not found, not tagged: snap-0ddddddddddddddd9']) });
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toHaveProperty('ManagedBy', 'ami-tagger');
  });
});

describe('an image not visible yet (EC2 is eventually consistent)', () => {
  const NOW = Date.parse('2026-11-28T10:00:00Z');
  const recent = new Date(NOW - 30_000).toISOString();
  const old = new Date(NOW - 60 * 60_000).toISOString();

  it('a recent CreateImage whose image EC2 does not know yet: read again, then fail so that Lambda retries it; the retry tags it with its creator', async () => {
    const imageId = 'ami-0c0ffee0c0ffee001';
    const log = capturingLog();
    const first = handleImageEvent(createImage(imageId, recent), engine({}, { now: () => NOW }), log);
    await expect(first).rejects.toBeInstanceOf(ImageNotYetVisibleError);
    expect(fake.countCalls('DescribeImages')).toBe(3); // the first read and two more before failing
    expect(log.lines[0]?.fields).toMatchObject({ imageId, Outcome: 'failed' });

    fake.seedImage({ region: REGION, imageId, name: NAME, state: 'pending' }); // visible now
    const retried = await handleImageEvent(createImage(imageId, recent), engine({}, { now: () => NOW + 60_000 }), capturingLog());
    expect(retried).toMatchObject({ status: 'tagged' });
    expect(fake.tagsOf(ACCOUNT, REGION, imageId)).toMatchObject({ CreatedBy: 'bakery-instance' });
  });

  it('an old event for an image EC2 does not know: deregistered, ends cleanly without a retry', async () => {
    const outcome = await handleImageEvent(createImage('ami-0c0ffee0c0ffee002', old), engine({}, { now: () => NOW }), capturingLog());
    expect(outcome).toMatchObject({ status: 'image-not-found' });
    expect(fake.countCalls('DescribeImages')).toBe(1);
  });
});
