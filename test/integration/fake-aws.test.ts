/**
 * The local EC2/STS stand-in, driven by the real AWS SDK v3 clients: these tests hold the
 * stand-in to what the SDK sends and expects (serialization, error codes, pagination,
 * throttling retries), so the engine's integration tests can trust it.
 */
import {
  CopyImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EC2ServiceException,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  type DescribeImagesCommandInput,
  type DescribeRegionsCommandInput,
  type EC2ClientConfig,
  type Image,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
// The classifier the SDK's retry strategies call: proves RequestLimitExceeded counts as throttling, not just as a retryable 503.
import { isThrottlingError } from '@smithy/core/retry';
import { InputError } from '../../src/errors';
import { DEFAULT_ACCOUNT, NO_OPT_IN_REGIONS, OPT_IN_REGIONS, TEST_CREDENTIALS, startFakeAws, type FakeAws } from '../support/fake-aws';
import { applySeedDocument, readSeedDocument, seedOptions } from '../support/fake-aws/seed-document';

const ACCOUNT_A = DEFAULT_ACCOUNT;
const ACCOUNT_B = '444455556666';
const REGION = 'eu-west-1';

let fake: FakeAws;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  fake = await startFakeAws();
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  fake.reset();
});

function ec2Client(region: string = REGION, config: Partial<EC2ClientConfig> = {}): EC2Client {
  const client = new EC2Client({ region, endpoint: fake.url, credentials: TEST_CREDENTIALS, ...config });
  clients.push(client);
  return client;
}

function stsClient(): STSClient {
  const client = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials: TEST_CREDENTIALS });
  clients.push(client);
  return client;
}

/** The SDK service error a call rejects with (fails the test if it resolves or fails otherwise, e.g. on a parse error). */
async function rejectionOf(promise: Promise<unknown>): Promise<EC2ServiceException | STSServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EC2ServiceException || error instanceof STSServiceException) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

function tagMap(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

describe('DescribeImages', () => {
  it('returns an image by id with its tags and block device mappings as the SDK parses them', async () => {
    const seeded = fake.seedImage({
      region: REGION,
      name: 'web-1.2.3-2024',
      description: 'web <release> & "friends"',
      architecture: 'arm64',
      creationDate: '2024-05-01T12:00:00.000Z',
      tags: { Team: 'platform', Note: 'a < b & c' },
      snapshotCount: 2,
    });

    const { Images } = await ec2Client().send(new DescribeImagesCommand({ ImageIds: [seeded.imageId] }));

    expect(Images).toHaveLength(1);
    const image = Images?.[0] as Image;
    expect(image).toMatchObject({
      ImageId: seeded.imageId,
      Name: 'web-1.2.3-2024',
      Description: 'web <release> & "friends"',
      Architecture: 'arm64',
      State: 'available',
      OwnerId: ACCOUNT_A,
      CreationDate: '2024-05-01T12:00:00.000Z',
      RootDeviceName: '/dev/xvda',
    });
    expect(tagMap(image.Tags)).toEqual({ Team: 'platform', Note: 'a < b & c' });
    expect(image.BlockDeviceMappings?.map((mapping) => [mapping.DeviceName, mapping.Ebs?.SnapshotId])).toEqual(
      seeded.blockDeviceMappings.map((mapping) => [mapping.deviceName, mapping.snapshotId]),
    );
    expect(seeded.blockDeviceMappings.every((mapping) => mapping.snapshotId?.startsWith('snap-'))).toBe(true);
  });

  it('shows a pending image without snapshot ids, then the change a test makes when it becomes available', async () => {
    const pending = fake.seedImage({ region: REGION, state: 'pending', blockDeviceMappings: [{ deviceName: '/dev/xvda' }] });
    const client = ec2Client();
    const describe = async (): Promise<Image | undefined> => (await client.send(new DescribeImagesCommand({ ImageIds: [pending.imageId] }))).Images?.[0];

    const before = await describe();
    expect(before?.State).toBe('pending');
    expect(before?.BlockDeviceMappings?.map((mapping) => [mapping.DeviceName, mapping.Ebs?.SnapshotId])).toEqual([['/dev/xvda', undefined]]);

    const snapshot = fake.seedSnapshot({ region: REGION, description: `Created by CreateImage for ${pending.imageId}` });
    fake.updateImage(ACCOUNT_A, REGION, pending.imageId, { state: 'available', blockDeviceMappings: [{ deviceName: '/dev/xvda', snapshotId: snapshot.snapshotId }] });

    const after = await describe();
    expect(after?.State).toBe('available');
    expect(after?.BlockDeviceMappings?.map((mapping) => mapping.Ebs?.SnapshotId)).toEqual([snapshot.snapshotId]);
  });

  it('surfaces an unknown id as an SDK error named InvalidAMIID.NotFound, and a malformed one as InvalidAMIID.Malformed', async () => {
    const client = ec2Client();

    const notFound = await rejectionOf(client.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })));
    expect(notFound.name).toBe('InvalidAMIID.NotFound');
    expect(notFound.message).toContain('ami-0123456789abcdef0');
    expect(notFound.$metadata?.httpStatusCode).toBe(400);

    const malformed = await rejectionOf(client.send(new DescribeImagesCommand({ ImageIds: ['ami-nothex'] })));
    expect(malformed.name).toBe('InvalidAMIID.Malformed');
  });

  it('narrows by owner and by name, state, tag-key and tag:KEY filters', async () => {
    const web = fake.seedImage({ region: REGION, name: 'web-1.2.3', tags: { Team: 'web' } });
    fake.seedImage({ region: REGION, name: 'web-1.2.4', state: 'pending' });
    const shared = fake.seedImage({ region: REGION, name: 'db-9', ownerId: ACCOUNT_B, tags: { Team: 'data' } });
    const client = ec2Client();
    const idsOf = async (input: DescribeImagesCommandInput): Promise<string[]> =>
      ((await client.send(new DescribeImagesCommand(input))).Images ?? []).map((image) => image.ImageId ?? '').sort();

    expect(await idsOf({ Filters: [{ Name: 'name', Values: ['web-*'] }, { Name: 'state', Values: ['available'] }] })).toEqual([web.imageId]);
    expect(await idsOf({ Filters: [{ Name: 'name', Values: ['web-1.2.?'] }] })).toHaveLength(2);
    expect(await idsOf({ Filters: [{ Name: 'tag-key', Values: ['Team'] }] })).toEqual([web.imageId, shared.imageId].sort());
    expect(await idsOf({ Filters: [{ Name: 'tag:Team', Values: ['data', 'nobody'] }] })).toEqual([shared.imageId]);
    expect(await idsOf({ Owners: ['self'] })).toHaveLength(2);
    expect(await idsOf({ Owners: [ACCOUNT_B] })).toEqual([shared.imageId]);
    expect(await idsOf({ Filters: [{ Name: 'owner-id', Values: [ACCOUNT_B] }] })).toEqual([shared.imageId]);

    const unknownFilter = await rejectionOf(client.send(new DescribeImagesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })));
    expect(unknownFilter.name).toBe('InvalidParameterValue');
  });

  it('pages through thousands of images with paginateDescribeImages', async () => {
    const total = 2_500;
    const seeded = new Set<string>();
    for (let i = 0; i < total; i++) seeded.add(fake.seedImage({ region: REGION, name: `bulk-${i}` }).imageId);
    fake.seedImage({ region: 'us-east-1', name: 'elsewhere' });

    const pageSizes: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeImages({ client: ec2Client(), pageSize: 1000 }, { Owners: ['self'] })) {
      pageSizes.push(page.Images?.length ?? 0);
      for (const image of page.Images ?? []) seen.push(image.ImageId ?? '');
    }

    expect(pageSizes).toEqual([1000, 1000, 500]);
    expect(new Set(seen)).toEqual(seeded);
    expect(seen).toHaveLength(total);
    expect(fake.countCalls('DescribeImages')).toBe(3);
    expect(fake.calls.map((call) => call.params['MaxResults'])).toEqual(['1000', '1000', '1000']);
  });

  it('refuses MaxResults outside 5..1000', async () => {
    const client = ec2Client();
    for (const maxResults of [4, 1001]) {
      const error = await rejectionOf(client.send(new DescribeImagesCommand({ MaxResults: maxResults })));
      expect(error.name).toBe('InvalidParameterValue');
    }
    await expect(client.send(new DescribeImagesCommand({ MaxResults: 5 }))).resolves.toBeDefined();
  });

  it('answers DryRun with DryRunOperation', async () => {
    const error = await rejectionOf(ec2Client().send(new DescribeImagesCommand({ DryRun: true })));
    expect(error.name).toBe('DryRunOperation');
  });
});

describe('DescribeSnapshots', () => {
  it('returns snapshots by id and by tag-key, pages them, and names unknown ids', async () => {
    const tagged = fake.seedSnapshot({ region: REGION, description: 'root', tags: { Team: 'web' } });
    for (let i = 0; i < 11; i++) fake.seedSnapshot({ region: REGION });
    const client = ec2Client();

    const byId = await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [tagged.snapshotId] }));
    expect(byId.Snapshots?.map((snapshot) => [snapshot.SnapshotId, snapshot.OwnerId, snapshot.Description, tagMap(snapshot.Tags)])).toEqual([
      [tagged.snapshotId, ACCOUNT_A, 'root', { Team: 'web' }],
    ]);

    const byTag = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag-key', Values: ['Team'] }] }));
    expect(byTag.Snapshots?.map((snapshot) => snapshot.SnapshotId)).toEqual([tagged.snapshotId]);

    const pages: number[] = [];
    for await (const page of paginateDescribeSnapshots({ client, pageSize: 5 }, { OwnerIds: ['self'] })) pages.push(page.Snapshots?.length ?? 0);
    expect(pages).toEqual([5, 5, 2]);

    const missing = await rejectionOf(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0123456789abcdef0'] })));
    expect(missing.name).toBe('InvalidSnapshot.NotFound');
  });
});

describe('CreateTags', () => {
  it('tags an image and its snapshots in one call, overwriting an existing value', async () => {
    const image = fake.seedImage({ region: REGION, snapshotCount: 2, tags: { Team: 'old' } });
    const snapshotIds = image.blockDeviceMappings.map((mapping) => mapping.snapshotId ?? '');
    const client = ec2Client();

    await client.send(new CreateTagsCommand({ Resources: [image.imageId, ...snapshotIds], Tags: [{ Key: 'Team', Value: 'web' }, { Key: 'Empty', Value: '' }] }));

    expect(fake.countCalls('CreateTags')).toBe(1);
    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)).toEqual({ Team: 'web', Empty: '' });
    for (const snapshotId of snapshotIds) expect(fake.tagsOf(ACCOUNT_A, REGION, snapshotId)).toEqual({ Team: 'web', Empty: '' });
    const described = await client.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
    expect(described.Snapshots?.map((snapshot) => tagMap(snapshot.Tags))).toEqual([
      { Team: 'web', Empty: '' },
      { Team: 'web', Empty: '' },
    ]);
  });

  it('writes nothing when any id is unknown, and names the kind of id', async () => {
    const image = fake.seedImage({ region: REGION });
    const client = ec2Client();
    const tags = [{ Key: 'Team', Value: 'web' }];

    const unknownSnapshot = await rejectionOf(client.send(new CreateTagsCommand({ Resources: [image.imageId, 'snap-0123456789abcdef0'], Tags: tags })));
    expect(unknownSnapshot.name).toBe('InvalidSnapshot.NotFound');
    const unknownImage = await rejectionOf(client.send(new CreateTagsCommand({ Resources: [image.imageId, 'ami-0123456789abcdef0'], Tags: tags })));
    expect(unknownImage.name).toBe('InvalidAMIID.NotFound');
    const unknownKind = await rejectionOf(client.send(new CreateTagsCommand({ Resources: [image.imageId, 'not-an-id'], Tags: tags })));
    expect(unknownKind.name).toBe('InvalidID');

    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)).toEqual({});
  });

  it('refuses aws: keys, over-long keys and values, and more than 1000 resources', async () => {
    const image = fake.seedImage({ region: REGION });
    const client = ec2Client();
    const attempt = (tags: Array<{ Key: string; Value: string }>, resources: string[] = [image.imageId]) =>
      rejectionOf(client.send(new CreateTagsCommand({ Resources: resources, Tags: tags })));

    expect((await attempt([{ Key: 'Team', Value: 'web' }, { Key: 'AWS:cloudformation:stack-name', Value: 'x' }])).name).toBe('InvalidParameterValue');
    expect((await attempt([{ Key: 'k'.repeat(129), Value: 'x' }])).name).toBe('InvalidParameterValue');
    expect((await attempt([{ Key: 'Long', Value: 'v'.repeat(257) }])).name).toBe('InvalidParameterValue');
    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)).toEqual({});

    const tooMany = Array.from({ length: 1001 }, () => image.imageId);
    expect((await attempt([{ Key: 'Team', Value: 'web' }], tooMany)).name).toBe('ResourceCountExceeded');

    // The limits themselves are allowed; lengths count characters, not UTF-16 units.
    await client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'k'.repeat(128), Value: '€'.repeat(256) }] }));
    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)?.['k'.repeat(128)]).toBe('€'.repeat(256));
    await client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'Emoji', Value: '🙂'.repeat(256) }] }));
  });

  it('refuses to go past 50 user tags on any resource, but lets existing keys be overwritten at the limit', async () => {
    const full = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    const image = fake.seedImage({ region: REGION, snapshotCount: 1, tags: { ...full, 'aws:backup:source': 'not counted' } });
    const snapshotId = image.blockDeviceMappings[0]?.snapshotId ?? '';
    const client = ec2Client();

    const overLimit = await rejectionOf(
      client.send(new CreateTagsCommand({ Resources: [snapshotId, image.imageId], Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] })),
    );
    expect(overLimit.name).toBe('TagLimitExceeded');
    expect(fake.tagsOf(ACCOUNT_A, REGION, snapshotId)).toEqual({});

    await client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'a', Value: '1' }] }));
    await client.send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'k0', Value: 'changed' }] }));
    expect(Object.keys(fake.tagsOf(ACCOUNT_A, REGION, image.imageId) ?? {})).toHaveLength(51);
    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)?.['k0']).toBe('changed');
  });
});

describe('throttling and planned failures', () => {
  it('throttles with RequestLimitExceeded, which the SDK standard retry strategy retries until it succeeds', async () => {
    const image = fake.seedImage({ region: REGION });
    fake.throttle('CreateTags', 2);

    const result = await ec2Client(REGION, { retryMode: 'standard', maxAttempts: 3 }).send(
      new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'Team', Value: 'web' }] }),
    );

    expect(result.$metadata.attempts).toBe(3);
    expect(fake.countCalls('CreateTags')).toBe(3);
    expect(fake.tagsOf(ACCOUNT_A, REGION, image.imageId)).toEqual({ Team: 'web' });
  });

  it('surfaces RequestLimitExceeded (HTTP 503) once the retries are spent', async () => {
    fake.throttle('DescribeImages', 5);

    const error = await rejectionOf(ec2Client(REGION, { maxAttempts: 2 }).send(new DescribeImagesCommand({})));

    expect(error.name).toBe('RequestLimitExceeded');
    expect(error.$metadata?.httpStatusCode).toBe(503);
    // Copied field by field: the SDK's SdkError type and ES2022's Error disagree on `cause`.
    expect(isThrottlingError({ name: error.name, message: error.message, $metadata: error.$metadata, $retryable: error.$retryable })).toBe(true);
    expect(fake.countCalls('DescribeImages')).toBe(2);
  });

  it('fails the next call of an action once with the planned code', async () => {
    const client = ec2Client();
    fake.failNext('DescribeImages', 'UnauthorizedOperation');

    const error = await rejectionOf(client.send(new DescribeImagesCommand({})));
    expect(error.name).toBe('UnauthorizedOperation');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    await expect(client.send(new DescribeImagesCommand({}))).resolves.toMatchObject({ Images: [] });
  });

  it('answers an action it does not implement with InvalidAction naming it', async () => {
    const error = await rejectionOf(ec2Client().send(new CopyImageCommand({ Name: 'copy', SourceImageId: 'ami-0123456789abcdef0', SourceRegion: 'us-east-1' })));
    expect(error.name).toBe('InvalidAction');
    expect(error.message).toContain('CopyImage');
  });
});

describe('accounts, roles and regions', () => {
  const roleArn = `arn:aws:iam::${ACCOUNT_B}:role/ami-tagger-member`;

  it('AssumeRole hands out credentials that act in the role account, which sees only its own images', async () => {
    const imageOfA = fake.seedImage({ account: ACCOUNT_A, region: REGION, name: 'a' });
    const imageOfB = fake.seedImage({ account: ACCOUNT_B, region: REGION, name: 'b' });

    const assumed = await stsClient().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ami-tagger', ExternalId: 'ext-1' }));
    const credentials = assumed.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(credentials?.Expiration).toBeInstanceOf(Date);
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT_B}:assumed-role/ami-tagger-member/ami-tagger`);
    const asB = {
      accessKeyId: credentials?.AccessKeyId ?? '',
      secretAccessKey: credentials?.SecretAccessKey ?? '',
      sessionToken: credentials?.SessionToken ?? '',
    };

    const { Images } = await ec2Client(REGION, { credentials: asB }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(Images?.map((image) => image.ImageId)).toEqual([imageOfB.imageId]);
    const notVisible = await rejectionOf(ec2Client(REGION, { credentials: asB }).send(new DescribeImagesCommand({ ImageIds: [imageOfA.imageId] })));
    expect(notVisible.name).toBe('InvalidAMIID.NotFound');

    const identity = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials: asB });
    clients.push(identity);
    expect(await identity.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: ACCOUNT_B, Arn: assumed.AssumedRoleUser?.Arn });
    expect(await stsClient().send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: ACCOUNT_A });
    expect(fake.countCalls('DescribeImages', { account: ACCOUNT_B })).toBe(2);
    expect(fake.calls.find((call) => call.action === 'AssumeRole')?.params).toMatchObject({ RoleArn: roleArn, RoleSessionName: 'ami-tagger', ExternalId: 'ext-1' });
  });

  it('refuses AssumeRole without the external id the role requires, and a malformed role ARN', async () => {
    fake.requireExternalId(roleArn, 'expected-id');
    const sts = stsClient();

    const denied = await rejectionOf(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ami-tagger', ExternalId: 'wrong' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ami-tagger', ExternalId: 'expected-id' }))).resolves.toHaveProperty('Credentials');

    const malformed = await rejectionOf(sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'ami-tagger' })));
    expect(malformed.name).toBe('ValidationError');
  });

  it('keeps regions apart: an image in one region is unknown in another', async () => {
    const image = fake.seedImage({ region: 'eu-west-1' });

    const elsewhere = await rejectionOf(ec2Client('us-east-1').send(new DescribeImagesCommand({ ImageIds: [image.imageId] })));
    expect(elsewhere.name).toBe('InvalidAMIID.NotFound');
    await ec2Client('eu-west-1').send(new CreateTagsCommand({ Resources: [image.imageId], Tags: [{ Key: 'Team', Value: 'web' }] }));
    expect(fake.calls.map((call) => call.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('DescribeRegions lists the enabled regions, all of them with AllRegions, and the ones named', async () => {
    const client = ec2Client('us-east-1');
    const names = async (input: DescribeRegionsCommandInput): Promise<string[]> =>
      ((await client.send(new DescribeRegionsCommand(input))).Regions ?? []).map((region) => region.RegionName ?? '').sort();

    expect(await names({})).toEqual([...NO_OPT_IN_REGIONS].sort());
    expect(await names({ AllRegions: true })).toEqual([...NO_OPT_IN_REGIONS, ...OPT_IN_REGIONS].sort());
    expect(await names({ RegionNames: ['eu-west-1', 'us-east-1'] })).toEqual(['eu-west-1', 'us-east-1']);

    fake.setRegions(['us-east-1', 'af-south-1'], ACCOUNT_A);
    const regions = (await client.send(new DescribeRegionsCommand({}))).Regions ?? [];
    expect(regions.map((region) => [region.RegionName, region.OptInStatus, region.Endpoint])).toEqual([
      ['us-east-1', 'opt-in-not-required', 'ec2.us-east-1.amazonaws.com'],
      ['af-south-1', 'opted-in', 'ec2.af-south-1.amazonaws.com'],
    ]);
    expect((await rejectionOf(client.send(new DescribeRegionsCommand({ RegionNames: ['xx-nowhere-1'] })))).name).toBe('InvalidParameterValue');
  });
});

describe('endpoint from the environment', () => {
  it('reaches the stand-in through AWS_ENDPOINT_URL_EC2 with no endpoint option', async () => {
    const image = fake.seedImage({ region: REGION });
    const saved = process.env['AWS_ENDPOINT_URL_EC2'];
    process.env['AWS_ENDPOINT_URL_EC2'] = fake.url;
    try {
      const client = new EC2Client({ region: REGION, credentials: TEST_CREDENTIALS });
      clients.push(client);
      const { Images } = await client.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
      expect(Images?.map((found) => found.ImageId)).toEqual([image.imageId]);
      expect(fake.countCalls('DescribeImages', { region: REGION })).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL_EC2'];
      else process.env['AWS_ENDPOINT_URL_EC2'] = saved;
    }
  });
});

describe('seed documents (the standalone launcher\'s --seed)', () => {
  it('sets up keys, regions and resources that the SDK then sees', async () => {
    const document = readSeedDocument(
      [
        'accessKeys: { AKIAMEMBERACCOUNT001: "444455556666" }',
        'regions: [us-east-1, af-south-1]',
        'images:',
        '  - { account: "444455556666", region: eu-west-1, name: web-1.2.3, state: pending, snapshotCount: 2, tags: { Team: web } }',
      ].join('\n'),
      'seed.yml',
    );
    const seededFake = await startFakeAws(seedOptions(document));
    try {
      expect(applySeedDocument(seededFake, document)).toEqual({ images: 1, snapshots: 2 });
      const client = new EC2Client({ region: REGION, endpoint: seededFake.url, credentials: { accessKeyId: 'AKIAMEMBERACCOUNT001', secretAccessKey: 'x' } });
      clients.push(client);
      const { Images } = await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
      expect(Images?.map((image) => [image.Name, image.State, image.OwnerId, tagMap(image.Tags), image.BlockDeviceMappings?.length])).toEqual([
        ['web-1.2.3', 'pending', ACCOUNT_B, { Team: 'web' }, 2],
      ]);
      const regions = (await client.send(new DescribeRegionsCommand({}))).Regions ?? [];
      expect(regions.map((region) => region.RegionName)).toEqual(['us-east-1', 'af-south-1']);
    } finally {
      await seededFake.close();
    }
  });

  it('refuses a document with a bad field, naming it', () => {
    const read = () => readSeedDocument('images:\n  - { imageId: ami-XYZ }\n', 'seed.yml');
    expect(read).toThrow(InputError);
    expect(read).toThrow(/images\[0\]\.imageId/);
  });
});
