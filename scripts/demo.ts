/**
 * `npm run demo`: ami-tagger end to end, offline. Starts the local EC2/STS stand-in, points the
 * AWS SDK at it through AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_STS, seeds the images a
 * Spinnaker bake would leave, and feeds the Lambda handler the events in examples/events/
 * in the order AWS would send them. Prints what each event did and the tags at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable } from '../src/cli/table';
import type { EventResult } from '../src/tagger/event-service';
import { compiledRules, useFakeAwsEnvironment } from '../test/support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../test/support/fake-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const EVENTS = join(__dirname, '../examples/events');
const BAKED = 'ami-0a1b2c3d4e5f60001';
const COPY = 'ami-0a1b2c3d4e5f60002';
const REGISTERED = 'ami-0a1b2c3d4e5f60003';
const NAME = 'checkout-web-2.7.0-h311.9be41c0-x86_64-20261124100000-noble';

function seed(fake: FakeAws): void {
  // What Rosco's Packer template leaves: appversion & co. on the AMI, nothing on snapshots.
  fake.seedImage({
    imageId: BAKED,
    region: 'us-east-1',
    name: NAME,
    state: 'pending',
    creationDate: '2026-11-24T10:02:12.000Z',
    tags: { appversion: 'checkout-web-2.7.0-h311.9be41c0/checkout-web-build/311', build_host: 'https://jenkins.example.com/', build_info_url: 'https://jenkins.example.com/job/checkout-web-build/311/' },
  });
  fake.seedImage({ imageId: COPY, region: 'eu-west-1', name: NAME, state: 'pending', creationDate: '2026-11-24T10:15:04.000Z' });
  fake.seedSnapshot({ snapshotId: 'snap-0a1b2c3d4e5f60011', region: 'us-west-2', tags: { Owner: 'storage-team' } });
  fake.seedImage({
    imageId: REGISTERED,
    region: 'us-west-2',
    name: 'inventory-worker-5.1.0-arm64-20261124',
    creationDate: '2026-11-24T11:30:01.000Z',
    architecture: 'arm64',
    blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: 'snap-0a1b2c3d4e5f60011' }],
  });
}

function finishBake(fake: FakeAws): void {
  // EC2 finishes the image: its snapshots now exist and are listed.
  const root = fake.seedSnapshot({ snapshotId: 'snap-0a1b2c3d4e5f60021', region: 'us-east-1' });
  const data = fake.seedSnapshot({ snapshotId: 'snap-0a1b2c3d4e5f60022', region: 'us-east-1' });
  fake.updateImage(ACCOUNT, 'us-east-1', BAKED, {
    state: 'available',
    blockDeviceMappings: [
      { deviceName: '/dev/xvda', snapshotId: root.snapshotId },
      { deviceName: '/dev/xvdb', snapshotId: data.snapshotId },
    ],
  });
}

function describe(result: EventResult): string {
  if (result.status === 'ignored') return `ignored: ${result.reason}`;
  if (result.status === 'rejected') return `rejected: ${result.error}`;
  const written = Object.values(result.written).reduce((count, tags) => count + tags.length, 0);
  return `${result.status}: ${written} tag(s) on ${Object.keys(result.written).length} resource(s)`;
}

async function main(): Promise<void> {
  const fake = await startFakeAws();
  const restore = useFakeAwsEnvironment(fake, { AMI_TAGGER_RULES_FILE: compiledRules(), POWERTOOLS_LOG_LEVEL: 'SILENT' });
  // Imported after the environment is set: the handler reads it when it starts, as in Lambda.
  const { handler } = await import('../handlers/tag-image.js');
  seed(fake);

  const steps: Array<{ file: string; before?: (fake: FakeAws) => void; why: string }> = [
    { file: 'create-image-dry-run.json', why: 'someone tries CreateImage with --dry-run' },
    { file: 'create-image.json', why: 'the bake creates the image (pending, no snapshots yet)' },
    { file: 'image-available.json', before: finishBake, why: 'the image is available, snapshots listed' },
    { file: 'image-available.json', why: 'the same event delivered twice' },
    { file: 'copy-image.json', why: 'a deploy copies the image to eu-west-1' },
    { file: 'register-image.json', why: 'someone registers an image from a snapshot' },
    { file: 'image-failed.json', why: 'another image failed' },
  ];
  const rows: string[][] = [];
  for (const step of steps) {
    step.before?.(fake);
    fake.clearCalls();
    const event: unknown = JSON.parse(readFileSync(join(EVENTS, step.file), 'utf8'));
    const result = await handler(event, { invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:ami-tagger-demo-tagImage` });
    const calls = ['DescribeImages', 'DescribeSnapshots', 'CreateTags'].map((action) => `${fake.countCalls(action)}`).join('/');
    rows.push([step.file, step.why, calls, describe(result)]);
  }
  process.stdout.write(`ami-tagger demo: the Lambda handler against a local EC2 endpoint (${fake.url})\n\n`);
  process.stdout.write(`${renderTable(['event', 'what happened', 'EC2 calls (describe images/snapshots, create tags)', 'result'], rows)}\n`);

  const resources: Array<[string, string]> = [
    ['us-east-1', BAKED],
    ['us-east-1', 'snap-0a1b2c3d4e5f60021'],
    ['eu-west-1', COPY],
    ['us-west-2', REGISTERED],
    ['us-west-2', 'snap-0a1b2c3d4e5f60011'],
  ];
  const tagRows = resources.flatMap(([region, id]) => Object.entries(fake.tagsOf(ACCOUNT, region, id) ?? {}).map(([key, value]) => [`${region}/${id}`, key, value]));
  process.stdout.write(`\nTags now:\n${renderTable(['resource', 'key', 'value'], tagRows)}\n`);
  restore();
  await fake.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
