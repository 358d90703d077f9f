/**
 * Fan-out benchmark: `backfill --on lambda` over 200 account-region pairs (20 accounts x 10
 * regions), in this process. The command's half (startFanout) lists the images in the local EC2
 * stand-in and sends the pages through the real SQS client to an in-memory FIFO queue; the worker's
 * Lambda handler is invoked from that queue as Lambda's event source mapping would (one message a
 * batch, MaximumConcurrency 10, one page of a message group at a time); EC2 and CloudTrail answer
 * with their token buckets on. Then the same estate, untagged again, through a queue that ignores
 * message groups (what MaximumConcurrency alone gives), for contrast.
 *
 *   npm run bench:fanout [-- --time-scale 10] [-- --small 40] [-- --big 2500] [-- --json] [-- --no-contrast]
 *
 * 190 pairs hold `--small` images each and 10 pairs `--big` (three pages at the default rate). The
 * buckets refill `--time-scale` times faster (same sizes) and the worker's pacing runs on a clock
 * that fast too: the shape is the real one, in seconds. Rates below are in scaled (EC2) seconds.
 * Prints figures; it is not a test.
 */
// First, before the AWS SDK loads: no Node-version notice in the figures.
import '../src/cli/sdk-environment';
import { parseArgs } from 'node:util';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { SdkTrailGateway } from '../src/aws/cloudtrail';
import { estateAws } from '../src/aws/estate';
import { DynamoDbPageStore } from '../src/aws/fanout-pages';
import { DynamoDbRunStore } from '../src/aws/fanout-runs';
import { SqsFanoutQueue } from '../src/aws/fanout-sqs';
import { backfillWorkerHandler } from '../src/fanout/lambda';
import { DEFAULT_WORKER_CONCURRENCY } from '../src/fanout/names';
import { startFanout } from '../src/fanout/send';
import { summarizeRun } from '../src/fanout/status';
import type { Clock } from '../src/estate/rate';
import { DEFAULT_RATES } from '../src/estate/rate';
import { loadRulesFile } from '../src/rules/load';
import { DEFAULT_ACCOUNT, startFakeAws, TEST_CREDENTIALS, type CallRecord, type FakeAws } from '../test/support/fake-aws';
import { CREATE_TAGS_BUCKET } from '../test/support/fake-aws';
import { FifoQueue, installFanoutAws, runWorkerFromQueue, type FanoutWorld } from '../test/support/fanout-aws';

const OWNER = DEFAULT_ACCOUNT;
const STACK = 'ami-tagger-bench';
const STACK_REGION = 'eu-west-1';
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-southeast-2'];
const ACCOUNTS = [OWNER, ...Array.from({ length: 19 }, (_, index) => String(400000000000 + index * 1111))];
const MEMBER_ROLE = 'ami-tagger-member';
const DAY = 86_400_000;
const FUNCTION_ARN = `arn:aws:lambda:${STACK_REGION}:${OWNER}:function:${STACK}-backfill-worker`;

interface Timed {
  call: CallRecord;
  at: number;
}

function seed(fake: FakeAws, small: number, big: number): { pairs: number; images: number; bigPairs: string[] } {
  const now = Date.now();
  let images = 0;
  const bigPairs: string[] = [];
  ACCOUNTS.forEach((account, accountIndex) => {
    REGIONS.forEach((region, regionIndex) => {
      const isBig = regionIndex === accountIndex % REGIONS.length && accountIndex % 2 === 0;
      if (isBig) bigPairs.push(`${account}/${region}`);
      const count = isBig ? big : small;
      for (let index = 0; index < count; index += 1) {
        const created = new Date(now - (1 + (index % 80)) * DAY - index * 1000).toISOString();
        const image = fake.seedImage({ account, region, name: `orders-api-1.${index}.0-h${index}.abc1234-x86_64-20261101-noble`, creationDate: created, snapshotCount: 1 });
        fake.recordTrailEvent({
          account,
          region,
          eventName: 'CreateImage',
          eventTime: created,
          userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/bakery/i-0123456789abcdef0`, accountId: account, sessionContext: { sessionIssuer: { userName: 'bakery' } } },
          requestParameters: { instanceId: 'i-0123456789abcdef0' },
          responseElements: { imageId: image.imageId },
        });
        images += 1;
      }
    });
  });
  return { pairs: ACCOUNTS.length * REGIONS.length, images, bigPairs: bigPairs.slice(0, 10) };
}

/** Most calls of one kind in any window of one scaled second, per account and region; and the bucket's lowest level. */
function rates(timed: readonly Timed[], scale: number, kinds: readonly string[]): { maxPerSecond: number; where: string; lowestBucket: number } {
  const windowMs = 1000 / scale;
  const byPair = new Map<string, number[]>();
  for (const { call, at } of timed) {
    if (call.service !== 'ec2' || !kinds.includes(call.action) || call.throttled) continue;
    const key = `${call.account}/${call.region}`;
    const list = byPair.get(key) ?? [];
    list.push(at);
    byPair.set(key, list);
  }
  let maxPerSecond = 0;
  let where = '';
  let lowestBucket: number = CREATE_TAGS_BUCKET.capacity;
  for (const [pair, times] of byPair) {
    times.sort((a, b) => a - b);
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start += 1;
      if (end - start + 1 > maxPerSecond) {
        maxPerSecond = end - start + 1;
        where = pair;
      }
    }
    // EC2's CreateTags bucket over these calls alone: full at first, 10 tokens a scaled second.
    let tokens = CREATE_TAGS_BUCKET.capacity;
    let last = times[0] ?? 0;
    for (const at of times) {
      tokens = Math.min(CREATE_TAGS_BUCKET.capacity, tokens + ((at - last) / 1000) * scale * CREATE_TAGS_BUCKET.refillPerSecond) - 1;
      last = at;
      lowestBucket = Math.min(lowestBucket, tokens);
    }
  }
  return { maxPerSecond, where, lowestBucket };
}

interface RunFigures {
  name: string;
  messagesSent: number;
  sendBatches: number;
  sendSeconds: number;
  workSeconds: number;
  invocations: number;
  failedInvocations: number;
  maxConcurrent: number;
  maxConcurrentPerPair: number;
  ec2Calls: { command: number; worker: number; byKind: Record<string, number> };
  throttled: number;
  lookupEvents: number;
  createTagsPerSecond: { max: number; where: string; lowestBucket: number };
  describePerSecond: { max: number; where: string };
  status: { pagesDone: number; tagged: number; failed: number; creatorsFromHistory: number };
  /** The least time the writes could take at the write rate, in EC2's seconds: the busiest pair's, or all of them over the copies at once. */
  floorSeconds: number;
}

function scaledClock(scale: number): Clock {
  return { now: () => performance.now() * scale, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)) };
}

async function fanoutRun(name: string, fake: FakeAws, world: FanoutWorld, scale: number, queue: FifoQueue): Promise<RunFigures> {
  const rules = loadRulesFile('ami-tagger.yml');
  const tuning = { retryStrategy: new ConfiguredRetryStrategy(4, (attempt: number) => Math.round((100 * 2 ** attempt) / scale)) };
  const timed: Timed[] = [];
  const listen = (call: CallRecord): void => {
    timed.push({ call, at: performance.now() });
  };
  listeners.push(listen);
  const commandAws = estateAws({ roleName: MEMBER_ROLE, accounts: { kind: 'accounts', accounts: ACCOUNTS.slice(1) }, ownAccount: OWNER, tuning });
  const store = new DynamoDbRunStore(world.dynamo.table, STACK_REGION);
  const sendStarted = performance.now();
  const report = await startFanout(
    { accounts: ACCOUNTS, regions: REGIONS, filter: {}, dryRun: false, lookup: true, maxRate: DEFAULT_RATES.write, request: '--accounts (20) --regions (10)', concurrency: 16, clock: scaledClock(scale) },
    { estate: commandAws.estate, queue: new SqsFanoutQueue(world.queue.url, STACK_REGION), store },
  );
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  const commandCalls = timed.filter(({ call }) => call.service === 'ec2').length;
  if (queue !== world.queue) {
    // The contrast: the same pages, each in a group of its own (no FIFO ordering per account-region).
    for (const message of world.queue.messages.splice(0)) queue.send({ body: message.body, groupId: message.id, deduplicationId: message.deduplicationId });
  }

  const handler = backfillWorkerHandler(
    () => ({
      rules,
      store: new DynamoDbPageStore(world.dynamo.table, STACK_REGION),
      maxReceives: 5,
      // EC2's seconds pass `scale` times faster: the worker's pacing (rates, and the burst of one
      // second of slots) and the engine's pauses run on that clock, so their shape is the real one.
      clock: scaledClock(scale),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)),
      aws: () => {
        const aws = estateAws({ roleName: MEMBER_ROLE, accounts: { kind: 'accounts', accounts: ACCOUNTS.slice(1) }, accountsSetting: 'AMI_TAGGER_ACCOUNTS', ownAccount: OWNER, tuning });
        return { ec2: aws.ec2, estate: aws.estate, trail: new SdkTrailGateway(aws.clients, tuning, aws.meter), meter: aws.meter };
      },
    }),
    { info: () => undefined, warn: () => undefined, error: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields).slice(0, 300)}\n`) },
  );
  // Invocations at once per account and region, read from the pages themselves (the contrast's groups say nothing).
  const perPair = new Map<string, number>();
  let maxPerPair = 0;
  const tracked: typeof handler = async (event, context) => {
    const body = JSON.parse(event.Records[0]?.body ?? '{}') as { refs?: Array<{ account: string; region: string }> };
    const pair = `${body.refs?.[0]?.account}/${body.refs?.[0]?.region}`;
    perPair.set(pair, (perPair.get(pair) ?? 0) + 1);
    maxPerPair = Math.max(maxPerPair, perPair.get(pair) ?? 0);
    try {
      return await handler(event, context);
    } finally {
      perPair.set(pair, (perPair.get(pair) ?? 1) - 1);
    }
  };
  const workStarted = performance.now();
  const poll = await runWorkerFromQueue(queue, tracked, { maxConcurrency: DEFAULT_WORKER_CONCURRENCY, functionArn: FUNCTION_ARN });
  const workSeconds = (performance.now() - workStarted) / 1000;
  listeners.splice(listeners.indexOf(listen), 1);

  const byKind: Record<string, number> = {};
  for (const { call } of timed) if (call.service === 'ec2' || call.service === 'cloudtrail') byKind[call.action] = (byKind[call.action] ?? 0) + 1;
  const createTags = rates(timed, scale, ['CreateTags']);
  const describe = rates(timed, scale, ['DescribeImages', 'DescribeSnapshots']);
  const status = summarizeRun(report.runId, await store.items(report.runId));
  const writes = new Map<string, number>();
  for (const { call } of timed) if (call.action === 'CreateTags' && !call.throttled) writes.set(`${call.account}/${call.region}`, (writes.get(`${call.account}/${call.region}`) ?? 0) + 1);
  const allWrites = [...writes.values()].reduce((sum, count) => sum + count, 0);
  const floorSeconds = Math.max(Math.max(0, ...writes.values()) / DEFAULT_RATES.write, allWrites / (DEFAULT_WORKER_CONCURRENCY * DEFAULT_RATES.write));
  const ec2Calls = timed.filter(({ call }) => call.service === 'ec2').length;
  return {
    name,
    messagesSent: world.queue.sent,
    sendBatches: world.queue.batches,
    sendSeconds,
    workSeconds,
    invocations: poll.invocations,
    failedInvocations: poll.failedInvocations,
    maxConcurrent: poll.maxConcurrent,
    maxConcurrentPerPair: maxPerPair,
    ec2Calls: { command: commandCalls, worker: ec2Calls - commandCalls, byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b))) },
    throttled: timed.filter(({ call }) => call.throttled).length,
    lookupEvents: byKind.LookupEvents ?? 0,
    createTagsPerSecond: { max: createTags.maxPerSecond, where: createTags.where, lowestBucket: Number(createTags.lowestBucket.toFixed(1)) },
    describePerSecond: { max: describe.maxPerSecond, where: describe.where },
    floorSeconds,
    status: { pagesDone: status.pages.done, tagged: status.images.tagged, failed: status.images.failed + status.failures.length, creatorsFromHistory: status.images.creatorsFromHistory },
  };
}

const listeners: Array<(call: CallRecord) => void> = [];

function show(figures: RunFigures, scale: number): string {
  return [
    figures.name,
    `  messages sent           ${figures.messagesSent} (${figures.sendBatches} SendMessageBatch calls), in ${figures.sendSeconds.toFixed(1)} s`,
    `  worker invocations      ${figures.invocations} (${figures.failedInvocations} failed), at most ${figures.maxConcurrent} at once, ${figures.maxConcurrentPerPair} per account-region`,
    `  wall time (worker)      ${figures.workSeconds.toFixed(1)} s = ${((figures.workSeconds * scale) / 60).toFixed(1)} min of EC2's time; the floor at ${DEFAULT_RATES.write} writes a second: ${(figures.floorSeconds / 60).toFixed(1)} min (${((figures.workSeconds * scale) / figures.floorSeconds).toFixed(2)}x)`,
    `  EC2 calls               ${figures.ec2Calls.command} by the command, ${figures.ec2Calls.worker} by the worker; ${Object.entries(figures.ec2Calls.byKind).map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    `  throttled               ${figures.throttled}`,
    `  CreateTags, highest     ${figures.createTagsPerSecond.max} in one second (${figures.createTagsPerSecond.where}); EC2's bucket ${CREATE_TAGS_BUCKET.capacity}, refill ${CREATE_TAGS_BUCKET.refillPerSecond}/s; its lowest level ${figures.createTagsPerSecond.lowestBucket}`,
    `  Describe*, highest      ${figures.describePerSecond.max} in one second (${figures.describePerSecond.where}); EC2's bucket 100, refill 20/s`,
    `  status                  ${figures.status.pagesDone} pages done, ${figures.status.tagged} images tagged, ${figures.status.failed} failed, ${figures.status.creatorsFromHistory} creators from CloudTrail history`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'time-scale': { type: 'string' }, small: { type: 'string' }, big: { type: 'string' }, json: { type: 'boolean' }, 'no-contrast': { type: 'boolean' } } });
  const scale = Number(values['time-scale'] ?? 10);
  const small = Number(values.small ?? 40);
  const big = Number(values.big ?? 2500);
  const fake = await startFakeAws({ regions: REGIONS, onCall: (call) => listeners.forEach((listen) => listen(call)) });
  Object.assign(process.env, { ...fake.endpointEnvironment(), AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: STACK_REGION, AWS_EC2_METADATA_DISABLED: 'true' });
  const results: RunFigures[] = [];
  let estate = { pairs: 0, images: 0, bigPairs: [] as string[] };
  try {
    process.stderr.write(`seeding 200 account-region pairs (190 x ${small} images, 10 x ${big}) with a snapshot and a CreateImage call in CloudTrail's history each\n`);
    estate = seed(fake, small, big);
    fake.useTokenBuckets({ timeScale: scale });
    let world = installFanoutAws({ account: OWNER, region: STACK_REGION, stackName: STACK });
    process.stderr.write('(a) FIFO queue, one message group per account and region\n');
    results.push(await fanoutRun('(a) FIFO queue, one message group per account-region, MaximumConcurrency 10', fake, world, scale, world.queue));
    world.restore();

    if (!values['no-contrast']) {
      fake.reset();
      fake.setRegions(REGIONS);
      seed(fake, small, big);
      fake.useTokenBuckets({ timeScale: scale });
      world = installFanoutAws({ account: OWNER, region: STACK_REGION, stackName: STACK });
      process.stderr.write('(b) contrast: the same pages, no message groups (MaximumConcurrency alone)\n');
      const loose = new FifoQueue(`${world.queue.url}-loose`, { maxReceives: 5, visibilityMs: 10 });
      results.push(await fanoutRun('(b) contrast: no message groups, MaximumConcurrency 10 alone', fake, world, scale, loose));
      world.restore();
    }
  } finally {
    await fake.close();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ timeScale: scale, ...estate, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `Fan-out benchmark: ${estate.pairs} account-region pairs (${ACCOUNTS.length} accounts x ${REGIONS.length} regions), ${estate.images} images with a snapshot each; shipped rules (one CreateTags per image); creator lookup on; token buckets on, clock x${scale}; the worker's pacing on the same clock (write ${DEFAULT_RATES.write}/s per account-region in EC2's seconds)\n\n`,
  );
  process.stdout.write(`${results.map((figures) => show(figures, scale)).join('\n\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-fanout: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
