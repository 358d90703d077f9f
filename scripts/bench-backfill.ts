/**
 * Backfill benchmark: 10,000 images with 10,000 snapshots (5,000 each in 2 regions) against the
 * local EC2/CloudTrail stand-in with its token buckets on, next to a naive run (one DescribeImages,
 * one DescribeSnapshots and one CreateTags per image) in the same script.
 *
 *   npm run bench:backfill [-- --images 10000] [-- --time-scale 20] [-- --json]
 *
 * (a) a first backfill with the shipped rules, whose values differ per image (CreatedAt, Version):
 *     one CreateTags per image (its AMI and snapshot together), reads in pages, the creator from
 *     CloudTrail's history; wall time against the floor the capped write rate allows.
 * (b) a rules change that adds one static tag (CostCenter: "1234"): calls of up to 1000 ids.
 *
 * Real rates would make (a) take minutes (5 writes a second per region), so the stand-in's buckets
 * refill `--time-scale` times faster (same sizes) and backfill's rates are scaled by the same
 * factor: the shape is the real one, in seconds. Prints figures; it is not a test.
 */
// First, before the AWS SDK loads: no Node-version notice in the figures.
import '../src/cli/sdk-environment';
import { parseArgs } from 'node:util';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { CreateTagsCommand, DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SdkTrailGateway } from '../src/aws/cloudtrail';
import { describedImage } from '../src/aws/ec2';
import { estateAws } from '../src/aws/estate';
import { tagMap } from '../src/aws/ec2';
import { runBackfill, type BackfillReport } from '../src/estate/backfill';
import { DEFAULT_RATES, mapConcurrently } from '../src/estate/rate';
import { loadRulesFile } from '../src/rules/load';
import type { Rules } from '../src/rules/rules';
import { planTags } from '../src/tagger/plan';
import { DEFAULT_ACCOUNT, startFakeAws, TEST_CREDENTIALS, type FakeAws } from '../test/support/fake-aws';

const REGIONS = ['us-east-1', 'eu-west-1'];
const ACCOUNT = DEFAULT_ACCOUNT;
const DAY = 86_400_000;
/** Images in flight at once per region in the naive run (a simple script's Promise pool). */
const NAIVE_CONCURRENCY = 8;
/** The naive run retries throttling harder than the SDK's default, so that it finishes. */
const NAIVE_ATTEMPTS = 10;

interface RunFigures {
  name: string;
  wallSeconds: number;
  callsByKind: Record<string, number>;
  ec2Calls: number;
  throttled: number;
  createTags: number;
  failures: number;
  extra: Record<string, number | string>;
}

function seed(fake: FakeAws, images: number): void {
  const now = Date.now();
  for (let index = 0; index < images; index += 1) {
    const region = REGIONS[index % REGIONS.length] ?? 'us-east-1';
    const created = new Date(now - (1 + (index % 80)) * DAY - index * 1000).toISOString();
    const image = fake.seedImage({ region, name: `orders-api-1.${index}.0-h${index}.abc1234-x86_64-20261101-noble`, creationDate: created, snapshotCount: 1 });
    fake.recordTrailEvent({
      region,
      eventName: 'CreateImage',
      eventTime: created,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/bakery/i-0123456789abcdef0`, accountId: ACCOUNT, sessionContext: { sessionIssuer: { userName: 'bakery' } } },
      requestParameters: { instanceId: 'i-0123456789abcdef0' },
      responseElements: { imageId: image.imageId },
    });
  }
}

function serverFigures(fake: FakeAws, since: number): { callsByKind: Record<string, number>; ec2Calls: number; throttled: number; createTags: number } {
  const calls = fake.calls.slice(since);
  const callsByKind: Record<string, number> = {};
  for (const call of calls) callsByKind[call.action] = (callsByKind[call.action] ?? 0) + 1;
  return {
    callsByKind,
    ec2Calls: calls.filter((call) => call.service === 'ec2').length,
    throttled: calls.filter((call) => call.throttled).length,
    createTags: calls.filter((call) => call.action === 'CreateTags' && !call.throttled).length,
  };
}

async function backfillRun(name: string, fake: FakeAws, rules: Rules, scale: number): Promise<{ figures: RunFigures; report: BackfillReport }> {
  const tuning = { retryStrategy: new ConfiguredRetryStrategy(4, (attempt: number) => Math.round((100 * 2 ** attempt) / scale)) };
  const aws = estateAws({ ownAccount: ACCOUNT, tuning });
  const since = fake.calls.length;
  const started = performance.now();
  const report = await runBackfill(
    {
      rules,
      accounts: [ACCOUNT],
      regions: REGIONS,
      filter: {},
      dryRun: false,
      lookup: true,
      shareTargets: false,
      rates: { write: DEFAULT_RATES.write * scale, read: DEFAULT_RATES.read * scale, lookup: DEFAULT_RATES.lookup * scale },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)),
    },
    { ec2: aws.ec2, estate: aws.estate, trail: new SdkTrailGateway(aws.clients, tuning, aws.meter), meter: aws.meter },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const server = serverFigures(fake, since);
  // The floor: the writes of the busiest region at the capped rate (regions run side by side).
  const writesPerRegion = REGIONS.map((region) => fake.calls.slice(since).filter((call) => call.action === 'CreateTags' && call.region === region && !call.throttled).length);
  const floorSeconds = Math.max(...writesPerRegion) / (DEFAULT_RATES.write * scale);
  return {
    report,
    figures: {
      name,
      wallSeconds,
      ...server,
      failures: report.summary.failed + report.summary.failedTargets.length,
      extra: {
        tagged: report.summary.tagged,
        alreadyComplete: report.summary.alreadyComplete,
        creatorsFromHistory: report.summary.creatorsFromHistory,
        distinctTagSets: distinctTagSets(report),
        floorSeconds: Number(floorSeconds.toFixed(2)),
        wallOverFloor: floorSeconds > 0 ? Number((wallSeconds / floorSeconds).toFixed(3)) : 'n/a',
      },
    },
  };
}

/** Distinct tag sets written: a resource's additions, as a set of key=value. */
function distinctTagSets(report: BackfillReport): number {
  const sets = new Set<string>();
  for (const result of report.results) {
    for (const tags of Object.values(result.written)) sets.add(JSON.stringify(tags.map((tag) => [tag.key, tag.value]).sort()));
  }
  return sets.size;
}

/** The naive way: per image, DescribeImages, DescribeSnapshots, CreateTags, with the SDK's retries. */
async function naiveRun(name: string, fake: FakeAws, rules: Rules, scale: number): Promise<RunFigures> {
  const since = fake.calls.length;
  const started = performance.now();
  let failures = 0;
  await Promise.all(
    REGIONS.map(async (region) => {
      const client = new EC2Client({ region, credentials: TEST_CREDENTIALS, retryStrategy: new ConfiguredRetryStrategy(NAIVE_ATTEMPTS, (attempt: number) => Math.round((100 * 2 ** attempt) / scale)) });
      const ids = fake.images(ACCOUNT, region).map((image) => image.imageId);
      await mapConcurrently(ids, NAIVE_CONCURRENCY, async (imageId) => {
        try {
          const described = await client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
          const image = described.Images?.[0] ? describedImage(described.Images[0]) : undefined;
          if (!image) return;
          const snapshots = await client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: image.snapshotIds }] }));
          const snapshotTags = Object.fromEntries((snapshots.Snapshots ?? []).map((snapshot) => [snapshot.SnapshotId ?? '', tagMap(snapshot.Tags)]));
          const plan = planTags(rules, { ref: { account: ACCOUNT, region, imageId, trigger: 'Backfill' }, image, snapshotTags });
          for (const call of plan.calls) await client.send(new CreateTagsCommand({ Resources: call.resourceIds, Tags: call.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) }));
        } catch {
          failures += 1;
        }
      });
      client.destroy();
    }),
  );
  return { name, wallSeconds: (performance.now() - started) / 1000, ...serverFigures(fake, since), failures, extra: {} };
}

function show(figures: RunFigures): string {
  const calls = Object.entries(figures.callsByKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const extra = Object.entries(figures.extra)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return [
    `${figures.name}`,
    `  wall time           ${figures.wallSeconds.toFixed(2)} s`,
    `  calls by kind       ${calls}`,
    `  EC2 calls           ${figures.ec2Calls} (throttled: ${figures.throttled})`,
    `  CreateTags (done)   ${figures.createTags}`,
    `  failures            ${figures.failures}`,
    ...(extra ? [`  ${extra}`] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { images: { type: 'string' }, 'time-scale': { type: 'string' }, json: { type: 'boolean' } } });
  const images = Number(values.images ?? 10_000);
  const scale = Number(values['time-scale'] ?? 20);
  const rules = loadRulesFile('ami-tagger.yml');
  const withCostCenter: Rules = { ...rules, tags: { ...rules.tags, CostCenter: '1234' } };

  const fake = await startFakeAws({ regions: REGIONS });
  const env = { ...fake.endpointEnvironment(), AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: REGIONS[0] ?? 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
  Object.assign(process.env, env);
  const results: RunFigures[] = [];
  try {
    process.stderr.write(`seeding ${images} images with ${images} snapshots in ${REGIONS.join(', ')} (and their CreateImage calls in CloudTrail's history)\n`);
    seed(fake, images);
    const buckets = { timeScale: scale };

    fake.useTokenBuckets(buckets);
    process.stderr.write('(a) backfill, first run with the shipped rules\n');
    results.push((await backfillRun('(a) backfill: first run, shipped rules', fake, rules, scale)).figures);
    fake.useTokenBuckets(buckets);
    process.stderr.write('(b) backfill, the rules add CostCenter: "1234"\n');
    results.push((await backfillRun('(b) backfill: rules add CostCenter=1234', fake, withCostCenter, scale)).figures);
    fake.useTokenBuckets(buckets);
    results.push((await backfillRun('(c) backfill: rerun, nothing to do', fake, withCostCenter, scale)).figures);

    // The naive runs on the same estate, untagged again.
    fake.reset();
    seed(fake, images);
    fake.useTokenBuckets(buckets);
    process.stderr.write('(a) naive, first run\n');
    results.push(await naiveRun('(a) naive: first run, shipped rules (no creator lookup)', fake, rules, scale));
    fake.useTokenBuckets(buckets);
    process.stderr.write('(b) naive, CostCenter added\n');
    results.push(await naiveRun('(b) naive: rules add CostCenter=1234', fake, withCostCenter, scale));
  } finally {
    await fake.close();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ images, timeScale: scale, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Backfill benchmark: ${images} images, ${images} snapshots, regions ${REGIONS.join(' and ')}; token buckets on, clock x${scale}; backfill's rates x${scale} (write ${DEFAULT_RATES.write * scale}/s per region)\n\n`);
  process.stdout.write(`${results.map(show).join('\n\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-backfill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
