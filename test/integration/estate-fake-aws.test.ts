/**
 * What the stand-in grew for backfill, reconcile and shared images, driven by the real SDK v3
 * clients: DescribeImageAttribute launch permissions, each account's own view of a shared image,
 * CloudTrail LookupEvents over the JSON 1.1 protocol, and EC2-like token buckets with a clock
 * that runs faster than real time.
 */
import { CloudTrailClient, CloudTrailServiceException, LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { CreateTagsCommand, DescribeImageAttributeCommand, DescribeImagesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { ConfiguredRetryStrategy, isThrottlingError } from '@smithy/core/retry';
import { DEFAULT_ACCOUNT, TEST_CREDENTIALS, startFakeAws, type FakeAws } from '../support/fake-aws';

const OWNER = DEFAULT_ACCOUNT;
const MEMBER = '444455556666';
const MEMBER_KEY = 'AKIAMEMBERACCOUNT001';
const REGION = 'eu-west-1';

let fake: FakeAws;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  fake = await startFakeAws({ accessKeys: { [MEMBER_KEY]: MEMBER } });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  fake.reset();
});

function ec2(credentials: { accessKeyId: string; secretAccessKey: string } = TEST_CREDENTIALS, maxAttempts = 1): EC2Client {
  const client = new EC2Client({ region: REGION, endpoint: fake.url, credentials, maxAttempts });
  clients.push(client);
  return client;
}

function cloudTrail(retries: { maxAttempts?: number } = {}): CloudTrailClient {
  const client = new CloudTrailClient({
    region: REGION,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    ...(retries.maxAttempts ? { retryStrategy: new ConfiguredRetryStrategy(retries.maxAttempts, 1) } : { maxAttempts: 1 }),
  });
  clients.push(client);
  return client;
}

async function rejectionOf(promise: Promise<unknown>): Promise<EC2ServiceException | CloudTrailServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EC2ServiceException || error instanceof CloudTrailServiceException) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('shared images', () => {
  it('DescribeImageAttribute lists the launch permissions to their owner: accounts, the public, organizations, OUs', async () => {
    const image = fake.seedImage({ region: REGION, name: 'web-1.0.0', snapshotCount: 1 });
    fake.shareImage(OWNER, REGION, image.imageId, {
      accounts: [MEMBER],
      public: true,
      organizationArns: ['arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5'],
      organizationalUnitArns: ['arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-cdefgh34'],
    });
    const answer = await ec2().send(new DescribeImageAttributeCommand({ ImageId: image.imageId, Attribute: 'launchPermission' }));
    expect(answer.ImageId).toBe(image.imageId);
    expect(answer.LaunchPermissions).toEqual([
      { UserId: MEMBER },
      { Group: 'all' },
      { OrganizationArn: 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5' },
      { OrganizationalUnitArn: 'arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-cdefgh34' },
    ]);
    const described = await ec2().send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(described.Images?.[0]?.Public).toBe(true);
  });

  it('an image shared with nobody has no launch permissions; an unknown attribute and a missing image are refused', async () => {
    const image = fake.seedImage({ region: REGION });
    expect((await ec2().send(new DescribeImageAttributeCommand({ ImageId: image.imageId, Attribute: 'launchPermission' }))).LaunchPermissions).toEqual([]);
    expect(await rejectionOf(ec2().send(new DescribeImageAttributeCommand({ ImageId: 'ami-00000000000000abc', Attribute: 'launchPermission' })))).toMatchObject({
      name: 'InvalidAMIID.NotFound',
    });
    expect(await rejectionOf(ec2().send(new DescribeImageAttributeCommand({ ImageId: image.imageId, Attribute: 'kernel' })))).toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it("the target account has its own view: the owner's image without its tags, which it can tag, but not the owner's snapshots", async () => {
    const image = fake.seedImage({ region: REGION, name: 'web-1.0.0', snapshotCount: 1, tags: { Team: 'web' } });
    fake.shareImage(OWNER, REGION, image.imageId, { accounts: [MEMBER] });
    const member = ec2({ accessKeyId: MEMBER_KEY, secretAccessKey: 'x' });

    const seen = await member.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(seen.Images?.[0]).toMatchObject({ ImageId: image.imageId, OwnerId: OWNER, Name: 'web-1.0.0' });
    expect(seen.Images?.[0]?.Tags).toBeUndefined();
    // Not its own image: Owners self does not list it.
    expect((await member.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    // Only the owner reads the launch permissions.
    expect(await rejectionOf(member.send(new DescribeImageAttributeCommand({ ImageId: image.imageId, Attribute: 'launchPermission' })))).toMatchObject({ name: 'AuthFailure' });

    await member.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'Team', Value: 'web' }] }));
    expect(fake.tagsOf(MEMBER, REGION, image.imageId)).toEqual({ Team: 'web' });
    expect(fake.tagsOf(OWNER, REGION, image.imageId)).toEqual({ Team: 'web' });
    const snapshotId = image.blockDeviceMappings[0]?.snapshotId ?? '';
    expect(await rejectionOf(member.send(new CreateTagsCommand({ Resources: [snapshotId], Tags: [{ Key: 'Team', Value: 'web' }] })))).toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
  });
});

describe('CloudTrail LookupEvents (JSON 1.1)', () => {
  const HOUR = 3600 * 1000;

  function recordCreations(count: number, region = REGION): string[] {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const imageId = `ami-${(0x1000 + index).toString(16).padStart(17, '0')}`;
      ids.push(imageId);
      fake.recordTrailEvent({
        region,
        eventName: 'CreateImage',
        eventTime: new Date(Date.now() - (index + 1) * HOUR).toISOString(),
        userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${OWNER}:assumed-role/bakery/i-0123456789abcdef0`, accountId: OWNER },
        requestParameters: { instanceId: 'i-0123456789abcdef0', name: `web-${index}` },
        responseElements: { imageId },
      });
    }
    return ids;
  }

  it('pages by event name, 50 a page, newest first, each event with its CloudTrail record as JSON', async () => {
    const ids = recordCreations(120);
    fake.recordTrailEvent({ region: REGION, eventName: 'CopyImage', responseElements: { imageId: 'ami-0000000000000beef' } });
    const pages = [];
    for await (const page of paginateLookupEvents({ client: cloudTrail() }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateImage' }] })) {
      pages.push(page);
    }
    expect(pages.map((page) => page.Events?.length)).toEqual([50, 50, 20]);
    const events = pages.flatMap((page) => page.Events ?? []);
    expect(events.map((event) => JSON.parse(event.CloudTrailEvent ?? '{}').responseElements.imageId)).toEqual(ids);
    expect(events[0]).toMatchObject({ EventName: 'CreateImage', EventSource: 'ec2.amazonaws.com', ReadOnly: 'false', Resources: [{ ResourceType: 'AWS::EC2::Ami', ResourceName: ids[0] }] });
    expect(events[0]?.EventTime).toBeInstanceOf(Date);
    expect(JSON.parse(events[0]?.CloudTrailEvent ?? '{}')).toMatchObject({ eventName: 'CreateImage', recipientAccountId: OWNER, awsRegion: REGION, userIdentity: { type: 'AssumedRole' } });
    expect(fake.countCalls('LookupEvents')).toBe(3);
  });

  it('keeps to the time range and the 90 days of history, and to the caller\'s account and region', async () => {
    recordCreations(10);
    recordCreations(3, 'us-east-1');
    fake.recordTrailEvent({ region: REGION, eventName: 'CreateImage', eventTime: new Date(Date.now() - 91 * 24 * HOUR).toISOString(), responseElements: { imageId: 'ami-0000000000000dead' } });
    const recent = await cloudTrail().send(new LookupEventsCommand({ StartTime: new Date(Date.now() - 4.5 * HOUR), EndTime: new Date() }));
    expect(recent.Events).toHaveLength(4);
    const all = await cloudTrail().send(new LookupEventsCommand({}));
    expect(all.Events).toHaveLength(10);
  });

  it('refuses two lookup attributes, more than 50 a page, a start after the end, and a token from another query', async () => {
    recordCreations(60);
    const client = cloudTrail();
    expect(
      await rejectionOf(
        client.send(
          new LookupEventsCommand({
            LookupAttributes: [
              { AttributeKey: 'EventName', AttributeValue: 'CreateImage' },
              { AttributeKey: 'EventName', AttributeValue: 'CopyImage' },
            ],
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidLookupAttributesException' });
    expect(await rejectionOf(client.send(new LookupEventsCommand({ MaxResults: 51 })))).toMatchObject({ name: 'InvalidMaxResultsException' });
    expect(await rejectionOf(client.send(new LookupEventsCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - HOUR) })))).toMatchObject({
      name: 'InvalidTimeRangeException',
    });
    const first = await client.send(new LookupEventsCommand({}));
    expect(first.NextToken).toBeDefined();
    expect(
      await rejectionOf(client.send(new LookupEventsCommand({ NextToken: first.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateImage' }] }))),
    ).toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('throttles with ThrottlingException, which the SDK retries as throttling', async () => {
    recordCreations(1);
    fake.throttle('LookupEvents', 2);
    const answer = await cloudTrail({ maxAttempts: 3 }).send(new LookupEventsCommand({}));
    expect(answer.Events).toHaveLength(1);
    expect(fake.countCalls('LookupEvents', { throttled: true })).toBe(2);
    fake.throttle('LookupEvents', 1);
    const error = await rejectionOf(cloudTrail().send(new LookupEventsCommand({})));
    expect(error.name).toBe('ThrottlingException');
    expect(isThrottlingError({ name: error.name, message: error.message, $metadata: error.$metadata, $retryable: error.$retryable })).toBe(true);
  });
});

describe('token buckets', () => {
  it('CreateTags: a burst of 100, then refused with RequestLimitExceeded (the clock slowed down so that no token comes back meanwhile)', async () => {
    const image = fake.seedImage({ region: REGION });
    fake.useTokenBuckets({ timeScale: 0.001 });
    const client = ec2();
    const tag = () => client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'k', Value: 'v' }] }));
    for (let call = 0; call < 100; call += 1) await tag();
    expect(await rejectionOf(tag())).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect(fake.countCalls('CreateTags', { throttled: true })).toBe(1);
    // Another account, another region, another action: their own buckets.
    await ec2({ accessKeyId: MEMBER_KEY, secretAccessKey: 'x' }).send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 5 }));
  });

  it('a faster clock refills faster: at 1000x, 10 tokens a second become 10,000', async () => {
    const image = fake.seedImage({ region: REGION });
    fake.useTokenBuckets({ timeScale: 1000, shapes: { CreateTags: { capacity: 1, refillPerSecond: 10 } } });
    const client = ec2();
    const tag = () => client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'k', Value: 'v' }] }));
    await tag();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await tag(); // 5 ms x 1000 = 5 s: refilled
    expect(fake.countCalls('CreateTags', { throttled: true })).toBe(0);
  });

  it('a Describe call with no ids, filter or page size draws from the smaller unfiltered bucket (50)', async () => {
    fake.useTokenBuckets({ timeScale: 0.001 });
    const client = ec2();
    for (let call = 0; call < 50; call += 1) await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(await rejectionOf(client.send(new DescribeImagesCommand({ Owners: ['self'] })))).toMatchObject({ name: 'RequestLimitExceeded' });
    // A paged call has its own, fuller bucket.
    await client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000 }));
  });

  it('LookupEvents: 2 at once, per account and region', async () => {
    fake.useTokenBuckets({ timeScale: 0.001 });
    const client = cloudTrail();
    await client.send(new LookupEventsCommand({}));
    await client.send(new LookupEventsCommand({}));
    expect(await rejectionOf(client.send(new LookupEventsCommand({})))).toMatchObject({ name: 'ThrottlingException' });
  });
});
