import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli } from '../support/cli';
import { useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const EXAMPLES = join(__dirname, '../../examples/events');
const IMAGE = 'ami-0a1b2c3d4e5f60001';

let fake: FakeAws;
let restore: () => void;
const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-cli-'));

beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake);
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.seedImage({ imageId: IMAGE, region: 'us-east-1', name: 'checkout-web-2.7.0-h311.9be41c0-x86_64-20261124100000-noble', state: 'pending' });
});

describe('ami-tagger tag', () => {
  it('--dry-run prints the plan as a table and writes nothing', async () => {
    const run = await runCli(['tag', '--event', join(EXAMPLES, 'create-image.json'), '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${IMAGE} in ${DEFAULT_ACCOUNT}/us-east-1 (CreateImage): dry run: nothing written`);
    expect(run.stdout).toMatch(/Would write:[\s\S]*CreatedBy\s+rosco-bakery/);
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('tags, then reports up to date, with JSON for machines', async () => {
    const first = await runCli(['tag', '--event', join(EXAMPLES, 'create-image.json'), '--format', 'json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ images: [{ status: 'tagged', imageId: IMAGE, createTagsCalls: 1, written: { [IMAGE]: expect.arrayContaining([{ key: 'CreatedBy', value: 'rosco-bakery' }]) } }] });
    const second = await runCli(['tag', '--event', join(EXAMPLES, 'create-image.json'), '--format', 'json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ images: [{ status: 'up-to-date', createTagsCalls: 0 }] });
    expect(fake.tagsOf(DEFAULT_ACCOUNT, 'us-east-1', IMAGE)).toHaveProperty('CreatedBy', 'rosco-bakery');
  });

  it('replays a message from the failed-events queue (Lambda\'s on-failure record) as it is', async () => {
    const record = {
      version: '1.0',
      timestamp: '2026-11-24T10:03:00.000Z',
      requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:ami-tagger-dev-tagImage:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: JSON.parse(readFileSync(join(EXAMPLES, 'create-image.json'), 'utf8')),
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'RequestLimitExceeded', errorMessage: 'Request limit exceeded.' },
    };
    const file = join(dir, 'failure-record.json');
    writeFileSync(file, JSON.stringify(record));
    const run = await runCli(['tag', '--event', file, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ images: [{ status: 'tagged', imageId: IMAGE, trigger: 'CreateImage' }] });
  });

  it('an ignored event exits 0 and says why', async () => {
    const run = await runCli(['tag', '--event', join(EXAMPLES, 'create-image-dry-run.json')]);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('ignored: CreateImage failed or was a dry run') });
  });

  it('bad input exits 2 with what, where and what to do, no stack trace, no AWS call', async () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"detail-type": ');
    const cases = [
      ['tag', '--event', notJson],
      ['tag', '--event', join(dir, 'missing.json')],
      ['tag', '--event', join(EXAMPLES, 'create-image.json'), '--rules', join(dir, 'no-rules.yml')],
      ['tag', '--event', join(EXAMPLES, 'create-image.json'), '--format', 'xml'],
      ['tag'],
    ];
    for (const args of cases) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe('');
    }
    const malformed = join(dir, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ 'detail-type': 'EC2 AMI State Change', source: 'aws.ec2', account: '111122223333', region: 'us-east-1', detail: { State: 'available' } }));
    const run = await runCli(['tag', '--event', malformed]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ImageId');
    expect(run.stderr).toContain('fix:');
    expect(fake.calls).toHaveLength(0);
  });

  it('an image that is gone exits 1', async () => {
    fake.reset();
    const run = await runCli(['tag', '--event', join(EXAMPLES, 'create-image.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('image not found');
  });

  it('AWS refusing exits 3 with the error code', async () => {
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const run = await runCli(['tag', '--event', join(EXAMPLES, 'create-image.json')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('UnauthorizedOperation');
  });

  it('--help describes the command and its exit codes', async () => {
    const run = await runCli(['tag', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--dry-run');
    expect(run.stdout).toContain('Exit codes');
  });

  describe('--payload / --payload-env (direct path, as the Run Job container runs it)', () => {
    const payloadFor = (imageId: string) => ({ application: 'checkout', pipeline: 'Bake', executionId: '01EXEC', user: 'sam@example.com', images: [{ imageId, region: 'us-east-1', package: 'checkout-web' }] });

    it('tags the payload\'s images with what only Spinnaker knows', async () => {
      const file = join(dir, 'payload.json');
      writeFileSync(file, JSON.stringify(payloadFor(IMAGE)));
      const run = await runCli(['tag', '--payload', file]);
      expect(run.code).toBe(0);
      // The same report as for an event: what was written, what was not and why.
      expect(run.stdout).toContain(`${IMAGE} in ${DEFAULT_ACCOUNT}/us-east-1 (Spinnaker): tags written`);
      expect(run.stdout).toMatch(/Written:[\s\S]*TriggeredBy\s+sam@example\.com/);
      expect(fake.tagsOf(DEFAULT_ACCOUNT, 'us-east-1', IMAGE)).toMatchObject({ TriggeredBy: 'sam@example.com', SpinnakerPipeline: 'Bake' });
    });

    it('reads the payload from the environment variable the Run Job stage sets', async () => {
      process.env.AMI_TAGGER_PAYLOAD = JSON.stringify(payloadFor(IMAGE));
      try {
        const run = await runCli(['tag', '--payload-env', 'AMI_TAGGER_PAYLOAD', '--format', 'json', '--dry-run']);
        expect(run.code).toBe(0);
        // A dry run says what would be written, and has no "written".
        const images = (JSON.parse(run.stdout) as { images: Array<Record<string, unknown>> }).images;
        expect(images).toMatchObject([{ imageId: IMAGE, status: 'dry-run', wouldWrite: { [IMAGE]: expect.arrayContaining([{ key: 'TriggeredBy', value: 'sam@example.com' }]) } }]);
        expect(images[0]).not.toHaveProperty('written');
        expect(fake.countCalls('CreateTags')).toBe(0);
      } finally {
        delete process.env.AMI_TAGGER_PAYLOAD;
      }
    });

    it('a bad payload, a missing variable, or two inputs: exit 2 and no AWS call', async () => {
      const file = join(dir, 'bad-payload.json');
      writeFileSync(file, JSON.stringify({ images: [{ imageID: IMAGE, region: 'us-east-1' }] }));
      const bad = await runCli(['tag', '--payload', file]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('images[0].imageId');
      expect((await runCli(['tag', '--payload-env', 'AMI_TAGGER_NOT_SET'])).code).toBe(2);
      expect((await runCli(['tag', '--payload', file, '--event', join(EXAMPLES, 'create-image.json')])).code).toBe(2);
      expect(fake.calls).toHaveLength(0);
    });
  });

  it('an image in another account without --role-name: exit 2 saying so, nothing looked up in the wrong account', async () => {
    const file = join(dir, 'other-account.json');
    const event = JSON.parse(readFileSync(join(EXAMPLES, 'create-image.json'), 'utf8')) as { account: string; detail: { recipientAccountId: string } };
    event.account = '444455556666';
    event.detail.recipientAccountId = '444455556666';
    writeFileSync(file, JSON.stringify(event));
    const run = await runCli(['tag', '--event', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no role is configured');
    expect(fake.countCalls('DescribeImages')).toBe(0);
  });
});
