/**
 * `ami-tagger replay` against the local EC2 stand-in (the real EC2 client, the real engine) with
 * a mocked SQS queue that behaves like one: ReceiveMessage hides what it hands out for the
 * visibility timeout, DeleteMessage removes by receipt handle. The three shapes of message, a
 * malformed one and an ignored event; a dry run writes and deletes nothing; a message is deleted
 * only once its images are tagged.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsReplayQueue } from '../../src/aws/doctor-sqs';
import type { ImageRef } from '../../src/model/image-ref';
import { loadRulesFile } from '../../src/rules/load';
import { backfillMessage, BACKFILL_MESSAGE_KIND, parseQueueMessage } from '../../src/replay/messages';
import { replayQueue, type ReplayReport } from '../../src/replay/replay';
import type { EngineOptions } from '../../src/tagger/engine';
import { runCli } from '../support/cli';
import { AWS_MAX_ATTEMPTS } from '../../src/aws/clients';
import { fastEngine, SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { cloudTrailEvent, stateChangeEvent, userIdentity } from '../support/events';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const REGION = 'eu-west-1';
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/ami-tagger-prod-rule-dlq`;
const rules = loadRulesFile(SHIPPED_RULES_FILE);

let fake: FakeAws;
let restoreEnvironment: () => void;
beforeAll(async () => {
  fake = await startFakeAws();
  restoreEnvironment = useFakeAwsEnvironment(fake);
});
afterAll(async () => {
  restoreEnvironment();
  await fake.close();
});

/** An SQS queue in memory, served to SQSClient: visibility timeouts on a clock the test moves. */
class FakeQueue {
  clock = 0;
  deletes: string[] = [];
  receives: Array<{ max: number; visibility: number }> = [];
  private readonly messages: Array<{ id: string; body: string; visibleAt: number; handle?: string }> = [];
  private readonly stub = mockClient(SQSClient);

  constructor() {
    this.stub.on(ReceiveMessageCommand).callsFake((input: { QueueUrl?: string; MaxNumberOfMessages?: number; VisibilityTimeout?: number }) => {
      if (input.QueueUrl !== QUEUE_URL) throw new Error(`unknown queue ${input.QueueUrl}`);
      const max = input.MaxNumberOfMessages ?? 1;
      const visibility = input.VisibilityTimeout ?? 30;
      this.receives.push({ max, visibility });
      const handed = this.messages.filter((message) => message.visibleAt <= this.clock).slice(0, max);
      for (const message of handed) {
        message.visibleAt = this.clock + visibility;
        message.handle = `${message.id}-${this.receives.length}`;
      }
      return { Messages: handed.map((message) => ({ MessageId: message.id, ReceiptHandle: message.handle, Body: message.body })) };
    });
    this.stub.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle?: string }) => {
      const index = this.messages.findIndex((message) => message.handle === input.ReceiptHandle);
      if (index < 0) throw new Error(`receipt handle ${input.ReceiptHandle} is not valid`);
      this.deletes.push((this.messages[index] as { id: string }).id);
      this.messages.splice(index, 1);
      return {};
    });
  }

  send(id: string, body: unknown): void {
    this.messages.push({ id, body: typeof body === 'string' ? body : JSON.stringify(body), visibleAt: this.clock });
  }

  ids(): string[] {
    return this.messages.map((message) => message.id);
  }

  restore(): void {
    this.stub.restore();
  }
}

function engine(): EngineOptions {
  return fastEngine(rules, { account: ACCOUNT });
}

/** Lambda's on-failure record, as the failed-events queue holds it. */
function failureRecord(event: unknown): unknown {
  return {
    version: '1.0',
    timestamp: '2026-11-20T10:00:00.000Z',
    requestContext: { requestId: 'c1b2', functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ami-tagger-prod-tagImage:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'TransientAwsError', errorMessage: 'RequestLimitExceeded after 4 attempts' },
  };
}

let queue: FakeQueue;
beforeEach(() => {
  fake.reset();
  queue = new FakeQueue();
});
afterEach(() => queue.restore());

/** One message of each shape, a malformed one and an ignored event; images seeded bare. */
function fillQueue(): { event: string; record: string; backfillA: string; backfillB: string } {
  const seed = (name: string) => fake.seedImage({ region: REGION, name, snapshotCount: 1 }).imageId;
  const images = { event: seed('orders-api-1.0.0-h1.abc1234'), record: seed('orders-api-1.1.0-h2.abc1234'), backfillA: seed('billing-2.0.0-h3.abc1234'), backfillB: seed('billing-2.0.1-h4.abc1234') };
  queue.send('m-event', stateChangeEvent({ imageId: images.event, region: REGION, account: ACCOUNT }));
  queue.send('m-record', failureRecord(cloudTrailEvent({ eventName: 'CreateImage', imageId: images.record, region: REGION, account: ACCOUNT, userIdentity: userIdentity('jordan', ACCOUNT) })));
  const refs: ImageRef[] = [images.backfillA, images.backfillB, images.backfillA].map((imageId) => ({ account: ACCOUNT, region: REGION, imageId, trigger: 'Backfill' }));
  queue.send('m-backfill', backfillMessage(refs));
  queue.send('m-broken', '{"detail-type": "EC2 AMI State Change", "source": "aws.ec2"');
  queue.send('m-ignored', cloudTrailEvent({ eventName: 'CreateImage', region: REGION, account: ACCOUNT, errorCode: 'Client.DryRunOperation' }));
  return images;
}

const results = (report: ReplayReport) => Object.fromEntries(report.messages.map((message) => [message.messageId, [message.shape ?? '?', message.result, message.deleted]]));

describe('replay', () => {
  it('reads the three shapes; a dry run plans every image, writes nothing, deletes nothing', async () => {
    const images = fillQueue();
    const report = await replayQueue(new SqsReplayQueue(QUEUE_URL, REGION), { engine: engine(), dryRun: true });
    expect(results(report)).toEqual({
      'm-event': ['event', 'replayed', false],
      'm-record': ['failure-record', 'replayed', false],
      'm-backfill': ['backfill', 'replayed', false],
      'm-broken': ['?', 'rejected', false],
      'm-ignored': ['event', 'ignored', false],
    });
    expect(report.messages.find((message) => message.messageId === 'm-backfill')?.imageIds).toEqual([images.backfillA, images.backfillB]);
    expect(report.messages.flatMap((message) => message.outcomes.map((outcome) => outcome.status))).toEqual(['dry-run', 'dry-run', 'dry-run', 'dry-run']);
    expect(fake.countCalls('CreateTags')).toBe(0);
    expect(queue.deletes).toEqual([]);
    expect(queue.ids()).toHaveLength(5);
    // Each message was read once: hidden for the dry run's 60 s, not taken.
    expect(new Set(queue.receives.map((receive) => receive.visibility))).toEqual(new Set([60]));
  });

  it('tags through the same use case and deletes each message once it succeeded; keeps what it cannot replay', async () => {
    const images = fillQueue();
    const report = await replayQueue(new SqsReplayQueue(QUEUE_URL, REGION), { engine: engine(), dryRun: false });
    expect(results(report)).toEqual({
      'm-event': ['event', 'replayed', true],
      'm-record': ['failure-record', 'replayed', true],
      'm-backfill': ['backfill', 'replayed', true],
      'm-broken': ['?', 'rejected', false],
      'm-ignored': ['event', 'ignored', true],
    });
    expect(queue.ids()).toEqual(['m-broken']);
    expect(report.counts).toEqual({ replayed: 3, ignored: 1, rejected: 1, failed: 0 });
    // The CloudTrail event in the failure record carries the caller; the others the image's facts.
    expect(fake.tagsOf(ACCOUNT, REGION, images.record)).toMatchObject({ ManagedBy: 'ami-tagger', CreatedBy: 'jordan', CreatedVia: 'CreateImage' });
    for (const id of [images.event, images.backfillA, images.backfillB]) expect(fake.tagsOf(ACCOUNT, REGION, id)).toMatchObject({ ManagedBy: 'ami-tagger' });
    expect(report.messages.find((message) => message.messageId === 'm-broken')?.detail).toMatch(/^kept: the message is not JSON/);
  });

  it('a message whose tagging fails stays in the queue, and goes once a later replay succeeds', async () => {
    const imageId = fake.seedImage({ region: REGION, name: 'orders-api-1.0.0-h1.abc1234', snapshotCount: 1 }).imageId;
    queue.send('m-1', stateChangeEvent({ imageId, region: REGION, account: ACCOUNT }));
    for (let attempt = 0; attempt < AWS_MAX_ATTEMPTS; attempt += 1) fake.failNext('CreateTags', 'InternalError');
    const first = await replayQueue(new SqsReplayQueue(QUEUE_URL, REGION), { engine: engine(), dryRun: false });
    expect(results(first)).toEqual({ 'm-1': ['event', 'failed', false] });
    expect(first.messages[0]?.detail).toMatch(/^kept: ami-.*InternalError|kept: ami-.*TransientAwsError/);
    expect(queue.ids()).toEqual(['m-1']);

    queue.clock += 301;
    const second = await replayQueue(new SqsReplayQueue(QUEUE_URL, REGION), { engine: engine(), dryRun: false });
    expect(results(second)).toEqual({ 'm-1': ['event', 'replayed', true] });
    expect(queue.ids()).toEqual([]);
  });

  it('an event from an account it may not act in is kept, with the reason', async () => {
    queue.send('m-other', stateChangeEvent({ imageId: 'ami-0123456789abcdef0', region: REGION, account: '444455556666' }));
    const report = await replayQueue(new SqsReplayQueue(QUEUE_URL, REGION), { engine: engine(), dryRun: false });
    expect(results(report)).toEqual({ 'm-other': ['event', 'failed', false] });
    expect(report.messages[0]?.detail).toMatch(/account 444455556666/);
    expect(fake.countCalls('DescribeImages')).toBe(0);
  });

  it('the command: the table names each message; exit 1 while one is kept, 2 on a bad URL', async () => {
    fillQueue();
    const dry = await runCli(['replay', '--queue', QUEUE_URL, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/m-record\s+failure-record\s+ami-\w+\s+replayed\s+kept/);
    expect(dry.stdout).toMatch(/5 message\(s\): 3 replayed, 1 ignored, 1 rejected, 0 failed; 0 deleted \(dry run/);
    expect(fake.countCalls('CreateTags')).toBe(0);

    queue.clock += 61;
    const json = await runCli(['replay', '--queue', QUEUE_URL, '--format', 'json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as ReplayReport).deleted).toBe(4);

    queue.clock += 301;
    const bad = await runCli(['replay', '--queue', 'not-a-url']);
    expect(bad.code).toBe(2);
  });
});

describe('queue message shapes', () => {
  it('a backfill message is built and read by the one definition; a wrong one names its field', () => {
    const ref: ImageRef = { account: ACCOUNT, region: REGION, imageId: 'ami-0123456789abcdef0', trigger: 'Backfill' };
    expect(parseQueueMessage(backfillMessage([ref]))).toEqual({ shape: 'backfill', refs: [ref] });
    expect(() => parseQueueMessage(JSON.stringify({ kind: BACKFILL_MESSAGE_KIND, refs: [{ ...ref, region: 'moon-1' }] }))).toThrow(/invalid backfill message/);
    expect(() => parseQueueMessage(JSON.stringify({ kind: BACKFILL_MESSAGE_KIND, refs: [] }))).toThrow(/at least one image/);
    expect(() => parseQueueMessage(JSON.stringify({ hello: 'world' }))).toThrow(/neither an EventBridge event/);
    const record = parseQueueMessage(JSON.stringify(failureRecord(stateChangeEvent({ imageId: 'ami-0123456789abcdef0', region: REGION, account: ACCOUNT }))));
    expect(record).toMatchObject({ shape: 'failure-record', error: 'TransientAwsError: RequestLimitExceeded after 4 attempts', parsed: { kind: 'image' } });
  });
});
