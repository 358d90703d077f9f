/**
 * The event path end to end: the Lambda handler with the real SDK clients against the local
 * EC2/STS stand-in, reached through the SDK's own AWS_ENDPOINT_URL_* variables.
 */
import { handler } from '../../handlers/tag-image';
import { loadRulesFile } from '../../src/rules/load';
import { engineFromEnv } from '../../src/runtime';
import { handleImageEvent } from '../../src/tagger/event-service';
import type { TagOutcome } from '../../src/tagger/engine';
import { cloudTrailEvent, stateChangeEvent, userIdentity } from '../support/events';
import { capturingLog, compiledRules, SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const MEMBER_ACCOUNT = '444455556666';
const REGION = 'us-west-2';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ami-tagger-dev-tagImage`;
const NAME = 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble';

let fake: FakeAws;
let restoreEnvironment: () => void;

beforeAll(async () => {
  fake = await startFakeAws();
  restoreEnvironment = useFakeAwsEnvironment(fake, { AMI_TAGGER_RULES_FILE: compiledRules() });
});
afterAll(async () => {
  restoreEnvironment();
  await fake.close();
});
beforeEach(() => fake.reset());

const invoke = (event: unknown) => handler(event, { invokedFunctionArn: FUNCTION_ARN }) as Promise<TagOutcome>;
const createImage = (imageId: string, extra: Record<string, unknown> = {}) =>
  cloudTrailEvent({ eventName: 'CreateImage', imageId, region: REGION, account: ACCOUNT, requestParameters: { instanceId: 'i-0fedcba987654321f', name: NAME, ...extra } });

describe('a bake, from CreateImage to available', () => {
  it('tags the pending image at once, its snapshots when available, with the same values, and nothing twice', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME, state: 'pending', tags: { appversion: 'billing-svc-3.2.0-h42.a1b2c3d/billing-build/42', build_host: 'https://ci.example.com/' } });

    const created = await invoke(createImage(image.imageId));
    expect(created.status).toBe('tagged');
    expect(fake.tagsOf(ACCOUNT, REGION, image.imageId)).toMatchObject({
      ManagedBy: 'ami-tagger',
      CreatedBy: 'bakery-instance',
      CreatedVia: 'CreateImage',
      CreatedAt: image.creationDate,
      Application: 'billing-svc',
      Version: '3.2.0',
      BuildNumber: '42',
      Commit: 'a1b2c3d',
      appversion: 'billing-svc-3.2.0-h42.a1b2c3d/billing-build/42',
    });
    expect(created.notes.join()).toContain('"available" event tags them');
    // One read, one write, one read back (to catch snapshots listed meanwhile).
    expect([fake.countCalls('DescribeImages'), fake.countCalls('DescribeSnapshots'), fake.countCalls('CreateTags')]).toEqual([2, 0, 1]);

    // EC2 finishes the image: two snapshots appear, as bare as the bakery leaves them.
    const snapshots = [fake.seedSnapshot({ region: REGION }), fake.seedSnapshot({ region: REGION })];
    fake.updateImage(ACCOUNT, REGION, image.imageId, { state: 'available', blockDeviceMappings: snapshots.map((snapshot, index) => ({ deviceName: `/dev/xvd${'ab'[index]}`, snapshotId: snapshot.snapshotId })) });
    fake.clearCalls();

    const available = await invoke(stateChangeEvent({ imageId: image.imageId, region: REGION, account: ACCOUNT }));
    expect(available.status).toBe('tagged');
    const imageTags = fake.tagsOf(ACCOUNT, REGION, image.imageId);
    for (const snapshot of snapshots) expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toEqual(imageTags);
    // The read back re-reads the image only: the snapshots it just wrote are known.
    expect([fake.countCalls('DescribeImages'), fake.countCalls('DescribeSnapshots'), fake.countCalls('CreateTags')]).toEqual([2, 1, 1]);

    // The same event again, and the CloudTrail event arriving late: nothing left to write.
    fake.clearCalls();
    expect((await invoke(stateChangeEvent({ imageId: image.imageId, region: REGION, account: ACCOUNT }))).status).toBe('up-to-date');
    expect((await invoke(createImage(image.imageId))).status).toBe('up-to-date');
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('reads a pending image\'s listed snapshots: a tag someone else set there is kept, not assumed away', async () => {
    // The creating call tagged the snapshots Backup=weekly; someone set Application since.
    const snapshot = fake.seedSnapshot({ region: REGION, tags: { Backup: 'weekly', Application: 'billing-legacy' } });
    const image = fake.seedImage({ region: REGION, name: NAME, state: 'pending', blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }] });
    const event = createImage(image.imageId, { tagSpecificationSet: { items: [{ resourceType: 'snapshot', tags: [{ key: 'Backup', value: 'weekly' }] }] } });
    await invoke(event);
    expect(fake.countCalls('DescribeSnapshots')).toBe(1);
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toMatchObject({ Backup: 'weekly', Application: 'billing-legacy', CreatedBy: 'bakery-instance' });
  });

  it('never overwrites what someone set on the image or a snapshot', async () => {
    const snapshot = fake.seedSnapshot({ region: REGION, tags: { Application: 'billing' } });
    const image = fake.seedImage({ region: REGION, name: NAME, tags: { CreatedBy: 'jane' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }] });
    const outcome = await invoke(createImage(image.imageId));
    expect(fake.tagsOf(ACCOUNT, REGION, image.imageId)).toMatchObject({ CreatedBy: 'jane', Application: 'billing-svc' });
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toMatchObject({ CreatedBy: 'jane', Application: 'billing' });
    expect(outcome.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'CreatedBy', reason: 'kept-existing', resource: image.imageId })]));
  });
});

describe('CopyImage and RegisterImage', () => {
  it('a copy gets its source\'s tags (read in the source region) and where it came from', async () => {
    const source = fake.seedImage({ region: 'us-east-1', name: NAME, tags: { Team: 'payments', CostCenter: 'cc-7' } });
    const copy = fake.seedImage({ region: 'eu-central-1', name: NAME, state: 'pending' });
    const event = cloudTrailEvent({
      eventName: 'CopyImage',
      region: 'eu-central-1',
      account: ACCOUNT,
      imageId: copy.imageId,
      userIdentity: userIdentity('release-bot', ACCOUNT),
      requestParameters: { sourceRegion: 'us-east-1', sourceImageId: source.imageId, name: NAME },
    });
    await invoke(event);
    expect(fake.tagsOf(ACCOUNT, 'eu-central-1', copy.imageId)).toMatchObject({ Team: 'payments', CostCenter: 'cc-7', CopiedFrom: `us-east-1/${source.imageId}`, CreatedBy: 'release-bot', CreatedVia: 'CopyImage' });
    expect(fake.countCalls('DescribeImages', { region: 'us-east-1' })).toBe(1);
    expect(fake.countCalls('DescribeImages', { region: 'eu-central-1' })).toBe(2); // read, and read back
    expect(fake.countCalls('CreateTags')).toBe(1);
  });

  it('RegisterImage reads the existing snapshots\' tags before tagging them', async () => {
    const snapshot = fake.seedSnapshot({ region: REGION, tags: { Owner: 'storage-team' } });
    const image = fake.seedImage({ region: REGION, name: 'hand-made', blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }] });
    const event = cloudTrailEvent({
      eventName: 'RegisterImage',
      imageId: image.imageId,
      region: REGION,
      account: ACCOUNT,
      userIdentity: userIdentity('ops', ACCOUNT),
      requestParameters: { name: 'hand-made', blockDeviceMapping: { items: [{ deviceName: '/dev/xvda', ebs: { snapshotId: snapshot.snapshotId } }] } },
    });
    await invoke(event);
    expect(fake.countCalls('DescribeSnapshots')).toBe(1);
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toMatchObject({ Owner: 'storage-team', CreatedBy: 'ops', ManagedBy: 'ami-tagger' });
  });
});

describe('failures', () => {
  // Throttling, timeouts and server errors: test/integration/faults.test.ts (with 1 ms backoff).
  it('fails the invocation when AWS keeps refusing, so the event goes to the dead-letter queue', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME });
    fake.failNext('CreateTags', 'UnauthorizedOperation');
    await expect(invoke(createImage(image.imageId))).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });

  it('a snapshot the image lists but that is gone is left out with a note; the others are tagged', async () => {
    const snapshot = fake.seedSnapshot({ region: REGION });
    const image = fake.seedImage({
      region: REGION,
      name: NAME,
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId },
        { deviceName: '/dev/xvdb', snapshotId: 'snap-0ddddddddddddddd9' },
      ],
    });
    const outcome = await invoke(stateChangeEvent({ imageId: image.imageId, region: REGION, account: ACCOUNT }));
    expect(outcome.status).toBe('tagged');
    expect(outcome.notes).toContain('snapshots not found, not tagged: snap-0ddddddddddddddd9');
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toHaveProperty('ManagedBy', 'ami-tagger');
    expect(fake.countCalls('DescribeSnapshots')).toBe(1);
  });

  it('an image that vanished ends cleanly', async () => {
    const outcome = await invoke(createImage('ami-0999999999999999f'));
    expect(outcome.status).toBe('image-not-found');
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('a malformed event is rejected with the field named, no AWS call, no throw', async () => {
    const log = capturingLog();
    const event = createImage('ami-0aaaaaaaaaaaaaaa1');
    (event.detail as Record<string, unknown>).eventSource = 's3.amazonaws.com';
    const result = await handleImageEvent(event, engineFromEnv(process.env, ACCOUNT), log);
    expect(result).toMatchObject({ status: 'rejected', error: expect.stringContaining('eventSource') });
    expect(log.lines).toEqual([expect.objectContaining({ level: 'error', message: 'event rejected' })]);
    expect(log.lines[0]?.fields).toMatchObject({ Outcome: 'rejected', Events: 1 });
    expect(fake.calls).toHaveLength(0);
  });

  it('a dry-run and a failed state are ignored without AWS calls', async () => {
    const log = capturingLog();
    const dryRun = cloudTrailEvent({ eventName: 'CreateImage', errorCode: 'Client.DryRunOperation', region: REGION, account: ACCOUNT });
    expect(await handleImageEvent(dryRun, engineFromEnv(process.env, ACCOUNT), log)).toMatchObject({ status: 'ignored' });
    expect(await handleImageEvent(stateChangeEvent({ state: 'failed', errorMessage: 'boom' }), engineFromEnv(process.env, ACCOUNT), log)).toMatchObject({ status: 'ignored' });
    expect(fake.calls).toHaveLength(0);
    expect(log.lines.map((line) => line.message)).toEqual(['event ignored', 'event ignored']);
    // A failed image counts in its own metric (CloudWatch embedded metric format in the log line).
    expect(log.lines.map((line) => line.fields.Outcome)).toEqual(['ignored', 'image-failed']);
    expect(log.lines[1]?.fields).toMatchObject({ Events: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'ami-tagger', Dimensions: [['Outcome']], Metrics: [{ Name: 'Events', Unit: 'Count' }] }] } });
  });
});

describe('settings', () => {
  it('dry run plans and logs one line with what would be written, writing nothing', async () => {
    const image = fake.seedImage({ region: REGION, name: NAME });
    const log = capturingLog();
    const result = await handleImageEvent(createImage(image.imageId), engineFromEnv({ ...process.env, AMI_TAGGER_DRY_RUN: 'true' }, ACCOUNT), log);
    expect(result).toMatchObject({ status: 'dry-run' });
    expect(fake.countCalls('CreateTags')).toBe(0);
    expect(fake.tagsOf(ACCOUNT, REGION, image.imageId)).toEqual({});
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.fields).toMatchObject({ Outcome: 'dry-run', imageId: image.imageId, region: REGION, trigger: 'CreateImage', status: 'dry-run', wouldWrite: { [image.imageId]: expect.arrayContaining([{ key: 'ManagedBy', value: 'ami-tagger' }]) } });
    // No appversion on this image: its build facts are missing and said so. Tags built from a copy
    // source or from Spinnaker cannot apply to a CreateImage event: only counted.
    expect(log.lines[0]?.fields).toMatchObject({
      skipped: [expect.objectContaining({ key: 'BuildNumber', reason: 'no-value' }), expect.objectContaining({ key: 'Commit', reason: 'no-value' })],
      notApplicable: 5,
    });
  });

  it('central mode: an image in a member account is tagged there through the assumed role', async () => {
    const image = fake.seedImage({ account: MEMBER_ACCOUNT, region: REGION, name: NAME });
    const engine = engineFromEnv({ ...process.env, AMI_TAGGER_ROLE_NAME: 'ami-tagger-member', AMI_TAGGER_ACCOUNTS: MEMBER_ACCOUNT, AMI_TAGGER_EXTERNAL_ID: 'shared-ext' }, ACCOUNT);
    // Each member role has its own external id, BASE:ACCOUNT (src/account-scope.ts).
    fake.requireExternalId(`arn:aws:iam::${MEMBER_ACCOUNT}:role/ami-tagger-member`, `shared-ext:${MEMBER_ACCOUNT}`);
    const event = cloudTrailEvent({ eventName: 'CreateImage', imageId: image.imageId, region: REGION, account: MEMBER_ACCOUNT, requestParameters: { instanceId: 'i-0fedcba987654321f', name: NAME } });
    await handleImageEvent(event, engine, capturingLog());
    expect(fake.countCalls('AssumeRole')).toBe(1);
    expect(fake.countCalls('CreateTags', { account: MEMBER_ACCOUNT })).toBe(1);
    expect(fake.tagsOf(MEMBER_ACCOUNT, REGION, image.imageId)).toHaveProperty('ManagedBy', 'ami-tagger');
  });

  it('without a role, an image in another account is refused clearly instead of looked for in the wrong account', async () => {
    const log = capturingLog();
    const event = cloudTrailEvent({ eventName: 'CreateImage', imageId: 'ami-0aaaaaaaaaaaaaaa1', region: REGION, account: MEMBER_ACCOUNT });
    // Configuration refuses it: logged as rejected and not thrown, since a retry cannot help.
    const result = await handleImageEvent(event, engineFromEnv(process.env, ACCOUNT), log);
    expect(result).toMatchObject({ status: 'rejected', error: expect.stringMatching(/no role is configured/) });
    expect(log.lines).toEqual([expect.objectContaining({ message: 'event rejected', fields: expect.objectContaining({ Outcome: 'rejected', where: 'AMI_TAGGER_ROLE_NAME' }) })]);
    expect(fake.calls).toHaveLength(0);
  });

  it('the rules decide: overwrite on, snapshots off', async () => {
    const snapshot = fake.seedSnapshot({ region: REGION });
    const image = fake.seedImage({ region: REGION, name: NAME, tags: { ManagedBy: 'terraform' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }] });
    const rules = { ...loadRulesFile(SHIPPED_RULES_FILE), overwrite: true, snapshots: { tag: false, copyImageTags: true } };
    await handleImageEvent(createImage(image.imageId), engineFromEnv({ ...process.env, AMI_TAGGER_RULES_FILE: compiledRules(rules) }, ACCOUNT), capturingLog());
    expect(fake.tagsOf(ACCOUNT, REGION, image.imageId)).toHaveProperty('ManagedBy', 'ami-tagger');
    expect(fake.tagsOf(ACCOUNT, REGION, snapshot.snapshotId)).toEqual({});
  });
});
