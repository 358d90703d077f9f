/**
 * The one use case, many images at once (backfill, reconcile, a direct payload): bulk reads,
 * resources that need the same tag set share one CreateTags call across images, one outcome per
 * reference in order. Against the local EC2 stand-in with the real SDK client.
 */
import type { ImageRef } from '../../src/model/image-ref';
import { loadRulesFile } from '../../src/rules/load';
import { parseRules } from '../../src/rules/rules';
import { ResourceNotFoundError } from '../../src/tagger/ec2-port';
import type { EngineOptions } from '../../src/tagger/engine';
import { tagImages } from '../../src/tagger/tag-images';
import { fastEngine, SHIPPED_RULES_FILE, useFakeAws } from '../support/engine-env';
import { DEFAULT_ACCOUNT, type FakeAws } from '../support/fake-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const REGION = 'eu-west-1';
const shipped = loadRulesFile(SHIPPED_RULES_FILE);

const stand = useFakeAws();
let fake: FakeAws;
beforeEach(() => {
  fake = stand.fake;
});

function engine(rules = shipped, dryRun = false): EngineOptions {
  return fastEngine(rules, { account: ACCOUNT, dryRun });
}

const backfillRef = (imageId: string, region = REGION): ImageRef => ({ account: ACCOUNT, region, imageId, trigger: 'Backfill' });

/** `count` available images of one region, each with two bare snapshots, created a second apart. */
function seedImages(count: number, tags: Record<string, string> = {}): string[] {
  return Array.from({ length: count }, (_, index) => {
    const creationDate = new Date(Date.UTC(2026, 9, 1, 0, 0, index)).toISOString();
    return fake.seedImage({ region: REGION, name: `orders-api-1.${index}.0-h${index}.abc1234`, creationDate, snapshotCount: 2, tags }).imageId;
  });
}

const callCounts = () => ({ DescribeImages: fake.countCalls('DescribeImages'), DescribeSnapshots: fake.countCalls('DescribeSnapshots'), CreateTags: fake.countCalls('CreateTags') });

describe('tagImages: many images, few calls', () => {
  it('a first backfill: reads in bulk, one CreateTags per image (values differ), AMI and snapshots together', async () => {
    const ids = seedImages(30);
    const outcomes = await tagImages(ids.map((id) => backfillRef(id)), engine());
    expect(outcomes.map((outcome) => [outcome.imageId, outcome.status])).toEqual(ids.map((id) => [id, 'tagged']));
    expect(callCounts()).toEqual({ DescribeImages: 2, DescribeSnapshots: 1, CreateTags: 30 });
    for (const id of ids) {
      const image = fake.image(ACCOUNT, REGION, id);
      expect(image?.tags).toMatchObject({ ManagedBy: 'ami-tagger', CreatedAt: image?.creationDate, Application: 'orders-api' });
      for (const mapping of image?.blockDeviceMappings ?? []) expect(fake.tagsOf(ACCOUNT, REGION, mapping.snapshotId ?? '')).toMatchObject({ ManagedBy: 'ami-tagger', CreatedAt: image?.creationDate });
    }

    // Again: nothing to write, and no read back.
    fake.clearCalls();
    const again = await tagImages(ids.map((id) => backfillRef(id)), engine());
    expect(new Set(again.map((outcome) => outcome.status))).toEqual(new Set(['up-to-date']));
    expect(callCounts()).toEqual({ DescribeImages: 1, DescribeSnapshots: 1, CreateTags: 0 });
  });

  it('a rules change that adds one static tag: one CreateTags for every AMI and snapshot (up to 1000 a call)', async () => {
    const ids = seedImages(400);
    await tagImages(ids.map((id) => backfillRef(id)), engine());
    fake.clearCalls();
    const withCostCenter = parseRules({ ...shipped, tags: { ...shipped.tags, CostCenter: '1234' } }, 'test rules');
    const outcomes = await tagImages(ids.map((id) => backfillRef(id)), engine(withCostCenter));
    expect(outcomes.every((outcome) => outcome.status === 'tagged')).toBe(true);
    // 400 AMIs + 800 snapshots = 1200 resources: two calls; reads by 200 ids.
    expect(callCounts()).toEqual({ DescribeImages: 4, DescribeSnapshots: 4, CreateTags: 2 });
    expect(fake.tagsOf(ACCOUNT, REGION, ids[399] ?? '')).toHaveProperty('CostCenter', '1234');
  });

  it('one outcome per reference, in order: a missing image is image-not-found, the others are tagged; a dry run writes nothing', async () => {
    const [first, second] = seedImages(2) as [string, string];
    const refs = [backfillRef(first), backfillRef('ami-0dead0dead0dead01'), backfillRef(second), backfillRef(first)];
    const planned = await tagImages(refs, engine(shipped, true));
    expect(planned.map((outcome) => outcome.status)).toEqual(['dry-run', 'image-not-found', 'dry-run', 'dry-run']);
    expect(planned[3]).toBe(planned[0]); // named twice, tagged once
    expect(fake.countCalls('CreateTags')).toBe(0);
    expect(planned[0]?.written[first]).toEqual(expect.arrayContaining([{ key: 'ManagedBy', value: 'ami-tagger' }]));
    const done = await tagImages(refs, engine());
    expect(done.map((outcome) => outcome.status)).toEqual(['tagged', 'image-not-found', 'tagged', 'tagged']);
  });

  it('a snapshot deleted between the read and the write: that image goes the careful way, the rest are grouped', async () => {
    const ids = seedImages(3);
    const options = engine();
    const ec2 = options.ec2;
    let deleted = false;
    const racing = {
      ...options,
      ec2: {
        describeImage: ec2.describeImage.bind(ec2),
        describeImages: ec2.describeImages.bind(ec2),
        describeSnapshotTags: ec2.describeSnapshotTags.bind(ec2),
        createTags: async (account: string, region: string, call: Parameters<typeof ec2.createTags>[2]) => {
          if (!deleted) {
            deleted = true;
            const image = fake.image(ACCOUNT, REGION, ids[0] ?? '');
            const snapshotId = image?.blockDeviceMappings[1]?.snapshotId ?? '';
            fake.updateImage(ACCOUNT, REGION, ids[0] ?? '', { blockDeviceMappings: image?.blockDeviceMappings.slice(0, 1) ?? [] });
            throw new ResourceNotFoundError(`InvalidSnapshot.NotFound: ${snapshotId}`, 'snapshot');
          }
          return ec2.createTags(account, region, call);
        },
      },
    };
    const outcomes = await tagImages(ids.map((id) => backfillRef(id)), racing);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['tagged', 'tagged', 'tagged']);
    for (const id of ids) expect(fake.tagsOf(ACCOUNT, REGION, id)).toHaveProperty('ManagedBy', 'ami-tagger');
  });

  it('a failure in one account-region is that group\'s outcome, "failed" with the error; other regions go on', async () => {
    const [here] = seedImages(1) as [string];
    const there = fake.seedImage({ region: 'us-east-2', name: 'x-1.0.0-a' }).imageId;
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const outcomes = await tagImages([backfillRef(here), backfillRef(there, 'us-east-2')], engine());
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['failed', 'tagged']);
    expect(outcomes.find((outcome) => outcome.status === 'failed')?.error).toContain('UnauthorizedOperation');
  });
});
