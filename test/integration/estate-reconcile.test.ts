/**
 * The reconcile function against the stand-in: it tags the recent images of its own account and
 * region whose events were missed (with the creator from CloudTrail's history), leaves older ones
 * alone, logs one summary line with its metrics, and fails the invocation when a region fails.
 */
import { handler } from '../../handlers/reconcile';
import { compiledRules, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const REGION = 'eu-west-1';
const DAY = 86_400_000;
const context = { invokedFunctionArn: `arn:aws:lambda:${REGION}:${DEFAULT_ACCOUNT}:function:ami-tagger-test-reconcile`, getRemainingTimeInMillis: () => 900_000 };

let fake: FakeAws;
let restore: () => void;
beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake, { AWS_REGION: REGION, AMI_TAGGER_RULES_FILE: compiledRules(), AMI_TAGGER_RECONCILE_SINCE: '2d' });
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('reconcile', () => {
  it('tags the images of the window that the events missed, with the creator from the history; older ones are left alone', async () => {
    const missed = fake.seedImage({ region: REGION, name: 'web-1.0.0-x', creationDate: new Date(Date.now() - DAY).toISOString(), snapshotCount: 1 });
    const old = fake.seedImage({ region: REGION, name: 'web-0.9.0-x', creationDate: new Date(Date.now() - 10 * DAY).toISOString() });
    fake.recordTrailEvent({
      region: REGION,
      eventName: 'CreateImage',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:user/alice`, accountId: DEFAULT_ACCOUNT, userName: 'alice' },
      responseElements: { imageId: missed.imageId },
    });
    const info = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let answer;
    try {
      answer = await handler({}, context);
    } finally {
      info.mockRestore();
    }
    expect(answer).toEqual({ scanned: 1, tagged: 1, failed: 0 });
    expect(fake.tagsOf(DEFAULT_ACCOUNT, REGION, missed.imageId)).toMatchObject({ CreatedBy: 'alice', ManagedBy: 'ami-tagger' });
    expect(fake.tagsOf(DEFAULT_ACCOUNT, REGION, old.imageId)).toEqual({});
    // Its own account only: no STS call at all.
    expect(fake.countCalls('AssumeRole') + fake.countCalls('GetCallerIdentity')).toBe(0);
  });

  it('fails the invocation (for the alarm) when the region cannot be read', async () => {
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await expect(handler({}, context)).rejects.toThrow(/1 region\(s\) failed/);
    } finally {
      quiet.mockRestore();
    }
  });
});
