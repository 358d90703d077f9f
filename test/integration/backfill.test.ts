/**
 * Backfill against the stand-in with the real SDK clients (retries with 1 ms delays, a virtual
 * clock for the pacing: no test waits on real time): discovery and filters, grouped writes,
 * reruns, the creator from CloudTrail's history, a reviewed plan, pacing, throttling, failures
 * that stay local, central mode and shared images.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { AWS_MAX_ATTEMPTS } from '../../src/aws/clients';
import { SdkTrailGateway } from '../../src/aws/cloudtrail';
import { estateAws, type EstateAws } from '../../src/aws/estate';
import { SdkAccountGateway } from '../../src/aws/estate-accounts';
import { OWN_ACCOUNT_ONLY, type AccountScope } from '../../src/account-scope';
import { runBackfill, type BackfillEvent, type BackfillOptions } from '../../src/estate/backfill';
import { rulesDigest, type PlanFile } from '../../src/estate/plan-file';
import type { Clock } from '../../src/estate/rate';
import { loadRulesFile } from '../../src/rules/load';
import type { Rules } from '../../src/rules/rules';
import { SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';

const OWNER = DEFAULT_ACCOUNT;
const MEMBER = '444455556666';
const STRANGER = '777788889999';
const REGION = 'eu-west-1';
const OTHER_REGION = 'us-east-1';
const DAY = 86_400_000;
const rules = loadRulesFile(SHIPPED_RULES_FILE);
const tuning = { retryStrategy: new ConfiguredRetryStrategy(AWS_MAX_ATTEMPTS, 1) };

let fake: FakeAws;
let restore: () => void;
beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake);
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

/** Time that passes only when someone waits: pacing shows as virtual seconds, at no real cost. */
function virtualClock(): Clock & { elapsed(): number } {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms) => {
      time = Math.max(time, ms + time);
    },
    elapsed: () => time,
  };
}

type Setup = EstateAws & { trail: SdkTrailGateway; accounts: SdkAccountGateway };

function aws(access: { roleName?: string; accounts?: AccountScope } = {}): Setup {
  const made = estateAws({ ownAccount: OWNER, tuning, accounts: access.accounts ?? OWN_ACCOUNT_ONLY, ...(access.roleName ? { roleName: access.roleName } : {}) });
  return { ...made, trail: new SdkTrailGateway(made.clients, tuning, made.meter), accounts: new SdkAccountGateway(made.clients, REGION) };
}

async function backfill(options: Partial<BackfillOptions> = {}, setup: Setup = aws(), onEvent: (event: BackfillEvent) => void = () => undefined) {
  const clock = options.clock ?? virtualClock();
  return runBackfill(
    { rules, accounts: [OWNER], regions: [REGION], filter: {}, dryRun: false, lookup: true, shareTargets: false, clock, sleep: () => Promise.resolve(), ...options },
    { ec2: setup.ec2, estate: setup.estate, accounts: setup.accounts, trail: setup.trail, meter: setup.meter },
    onEvent,
  );
}

function bake(name: string, options: { region?: string; account?: string; daysAgo?: number; tags?: Record<string, string>; snapshots?: number } = {}) {
  return fake.seedImage({
    region: options.region ?? REGION,
    ...(options.account ? { account: options.account } : {}),
    name,
    creationDate: new Date(Date.now() - (options.daysAgo ?? 1) * DAY).toISOString(),
    snapshotCount: options.snapshots ?? 1,
    ...(options.tags ? { tags: options.tags } : {}),
  });
}

function recordCreation(imageId: string, options: { eventName?: string; region?: string; identity?: Record<string, unknown>; requestParameters?: Record<string, unknown>; errorCode?: string } = {}) {
  fake.recordTrailEvent({
    region: options.region ?? REGION,
    eventName: options.eventName ?? 'CreateImage',
    eventTime: new Date(Date.now() - DAY).toISOString(),
    userIdentity: options.identity ?? {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${OWNER}:assumed-role/bakery/i-0123456789abcdef0`,
      accountId: OWNER,
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'bakery', arn: `arn:aws:iam::${OWNER}:role/bakery` } },
    },
    requestParameters: options.requestParameters ?? { instanceId: 'i-0123456789abcdef0' },
    responseElements: options.errorCode ? null : { imageId },
    ...(options.errorCode ? { errorCode: options.errorCode } : {}),
  });
}

describe('backfill', () => {
  it('tags every own image and its snapshots with the rules, the creator from CloudTrail history, and a rerun writes nothing', async () => {
    const web = bake('web-1.2.3-20261101');
    const api = bake('api-2.0.0-20261101', { snapshots: 2 });
    recordCreation(web.imageId);
    recordCreation(api.imageId, { identity: { type: 'IAMUser', arn: `arn:aws:iam::${OWNER}:user/alice`, accountId: OWNER, userName: 'alice' } });

    const first = await backfill();
    expect(first.summary).toMatchObject({ scanned: 2, tagged: 2, failed: 0, creatorsFromHistory: 2, throttledAttempts: 0 });
    expect(fake.tagsOf(OWNER, REGION, web.imageId)).toMatchObject({ ManagedBy: 'ami-tagger', CreatedBy: 'bakery', Application: 'web', Version: '1.2.3', CreatedAt: web.creationDate });
    expect(fake.tagsOf(OWNER, REGION, api.imageId)).toMatchObject({ CreatedBy: 'alice', Application: 'api' });
    for (const mapping of api.blockDeviceMappings) expect(fake.tagsOf(OWNER, REGION, mapping.snapshotId ?? '')).toMatchObject({ CreatedBy: 'alice', Application: 'api' });
    // Values differ per image: one call per image (the image and its snapshots together).
    expect(fake.countCalls('CreateTags')).toBe(2);
    // Reads in pages, not per image.
    expect(fake.countCalls('DescribeImages')).toBeLessThanOrEqual(2);
    expect(first.summary.apiCalls).toMatchObject({ CreateTags: 2, LookupEvents: 1 });

    fake.clearCalls();
    const again = await backfill();
    expect(again.summary).toMatchObject({ scanned: 2, tagged: 0, alreadyComplete: 2 });
    expect(fake.countCalls('CreateTags')).toBe(0);
    // Every image has its creator tag: no lookup at all.
    expect(fake.countCalls('LookupEvents')).toBe(0);
  });

  it('a tag the rules add later goes onto every image in calls of up to 1000 ids, whatever the number of images', async () => {
    const images = Array.from({ length: 30 }, (_, index) => bake(`svc${index}-1.0.${index}-x`, { tags: { Team: 'x' } }));
    await backfill({ lookup: false });
    fake.clearCalls();
    const withCostCenter: Rules = { ...rules, tags: { ...rules.tags, CostCenter: '1234' } };
    const report = await backfill({ rules: withCostCenter, lookup: false });
    expect(report.summary).toMatchObject({ tagged: 30, failed: 0 });
    expect(fake.countCalls('CreateTags')).toBe(1);
    const call = fake.calls.find((entry) => entry.action === 'CreateTags');
    expect(Object.keys(call?.params ?? {}).filter((key) => key.startsWith('ResourceId.'))).toHaveLength(60);
    for (const image of images) expect(fake.tagsOf(OWNER, REGION, image.imageId)).toMatchObject({ CostCenter: '1234', Team: 'x' });
  });

  it('never overwrites: a value someone set stays, and is reported as kept', async () => {
    const image = bake('web-1.2.3-x', { tags: { Application: 'hand-made' } });
    const report = await backfill({ lookup: false });
    expect(fake.tagsOf(OWNER, REGION, image.imageId)).toMatchObject({ Application: 'hand-made', Version: '1.2.3' });
    expect(report.results[0]?.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'Application', reason: 'kept-existing' })]));
  });

  it('filters: --since, --name, --missing-tag, --image-ids', async () => {
    const recent = bake('web-1.0.0-x', { daysAgo: 3 });
    const old = bake('web-0.9.0-x', { daysAgo: 200 });
    const other = bake('api-1.0.0-x', { daysAgo: 3 });
    const done = bake('web-1.1.0-x', { daysAgo: 3, tags: { CreatedBy: 'someone' } });
    const report = await backfill({ dryRun: true, lookup: false, filter: { since: new Date(Date.now() - 90 * DAY), name: 'web-*', missingTag: 'CreatedBy' } });
    expect(report.results.map((result) => result.imageId)).toEqual([recent.imageId]);
    const byId = await backfill({ dryRun: true, lookup: false, filter: { imageIds: [old.imageId, other.imageId, 'ami-0000000000000dead'] } });
    expect(byId.results.filter((result) => result.status === 'dry-run').map((result) => result.imageId).sort()).toEqual([old.imageId, other.imageId].sort());
    expect(byId.results.filter((result) => result.status === 'image-not-found').map((result) => result.imageId)).toEqual(['ami-0000000000000dead']);
    expect(done.imageId).toBeDefined();
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('the creator lookup pages CreateImage, CopyImage and RegisterImage once per account and region, skips failed calls, and fills a copy\'s source', async () => {
    const made = bake('web-1.0.0-x');
    const copied = bake('web-1.0.0-y');
    const registered = bake('web-1.0.0-z');
    const tooOld = bake('web-0.1.0-x', { daysAgo: 120 });
    recordCreation(made.imageId, { errorCode: 'Client.DryRunOperation' });
    recordCreation(made.imageId);
    recordCreation(copied.imageId, { eventName: 'CopyImage', requestParameters: { sourceRegion: OTHER_REGION, sourceImageId: 'ami-0aaaaaaaaaaaaaaaa' } });
    recordCreation(registered.imageId, { eventName: 'RegisterImage', identity: { type: 'Root', arn: `arn:aws:iam::${OWNER}:root`, accountId: OWNER } });
    for (let index = 0; index < 120; index += 1) recordCreation(`ami-${(0xf000 + index).toString(16).padStart(17, '0')}`);

    const report = await backfill({ dryRun: true });
    const written = Object.fromEntries(report.results.map((result) => [result.imageId, result.written[result.imageId] ?? []]));
    expect(written[made.imageId]).toEqual(expect.arrayContaining([{ key: 'CreatedBy', value: 'bakery' }]));
    expect(written[copied.imageId]).toEqual(expect.arrayContaining([{ key: 'CopiedFrom', value: `${OTHER_REGION}/ami-0aaaaaaaaaaaaaaaa` }]));
    expect(written[registered.imageId]).toEqual(expect.arrayContaining([{ key: 'CreatedBy', value: 'root' }]));
    expect(written[tooOld.imageId]?.some((tag) => tag.key === 'CreatedBy')).toBe(false);
    // 122 CreateImage events: 3 pages; then CopyImage 1, RegisterImage 1.
    expect(fake.countCalls('LookupEvents')).toBe(5);
    expect(report.summary.creatorsFromHistory).toBe(3);
  });

  it('--no-lookup: no CloudTrail call, and the creator tag is left out with a note', async () => {
    const image = bake('web-1.0.0-x');
    recordCreation(image.imageId);
    const report = await backfill({ lookup: false });
    expect(fake.countCalls('LookupEvents')).toBe(0);
    expect(fake.tagsOf(OWNER, REGION, image.imageId)?.['CreatedBy']).toBeUndefined();
    expect(report.results[0]?.notes.join(' ')).toContain('no creator');
  });

  it('a creator lookup CloudTrail refuses is a warning: the images are tagged without it', async () => {
    const image = bake('web-1.0.0-x');
    fake.failNext('LookupEvents', 'AccessDeniedException', { status: 400 });
    const report = await backfill();
    expect(report.summary).toMatchObject({ tagged: 1, failed: 0 });
    expect(report.summary.warnings.join(' ')).toContain('AccessDeniedException');
    expect(fake.tagsOf(OWNER, REGION, image.imageId)).toMatchObject({ ManagedBy: 'ami-tagger' });
  });

  it('a reviewed plan: dry run writes nothing; apply writes it, and skips an image whose tags changed since', async () => {
    const kept = bake('web-1.0.0-x');
    const touched = bake('web-2.0.0-x');
    recordCreation(kept.imageId);
    const dry = await backfill({ dryRun: true });
    expect(fake.countCalls('CreateTags')).toBe(0);
    const plan: PlanFile = {
      kind: 'ami-tagger-backfill-plan',
      version: 1,
      createdAt: new Date().toISOString(),
      rulesDigest: rulesDigest(rules),
      images: dry.results.flatMap((result) => (result.planEntry ? [result.planEntry] : [])),
    };
    expect(plan.images).toHaveLength(2);
    fake.updateImage(OWNER, REGION, touched.imageId, { tags: { Owner: 'bob' } });
    fake.clearCalls();

    const applied = await backfill({ apply: plan, accounts: [], regions: [] });
    expect(applied.summary).toMatchObject({ tagged: 1, changedSincePlan: 1 });
    // The plan's creator, found at planning time: no lookup now.
    expect(fake.countCalls('LookupEvents')).toBe(0);
    const entry = plan.images.find((image) => image.imageId === kept.imageId);
    expect(fake.tagsOf(OWNER, REGION, kept.imageId)).toEqual(Object.fromEntries((entry?.writes[kept.imageId] ?? []).map((tag) => [tag.key, tag.value])));
    expect(fake.tagsOf(OWNER, REGION, touched.imageId)).toEqual({ Owner: 'bob' });
  });

  it('writes at the capped rate per account and region: N writes take (N - one second of burst) / rate seconds at least', async () => {
    for (let index = 0; index < 21; index += 1) bake(`web-1.0.${index}-x`);
    const clock = virtualClock();
    await backfill({ lookup: false, clock, rates: { write: 5 } });
    expect(fake.countCalls('CreateTags')).toBe(21);
    // 5 at once (one second's worth may be caught up), then one every 200 ms.
    expect(clock.elapsed()).toBeGreaterThanOrEqual(3_200);
    expect(clock.elapsed()).toBeLessThan(4_500);
  });

  it('meets real throttling (token buckets): backs off and ends with every image tagged, the throttled attempts counted', async () => {
    for (let index = 0; index < 12; index += 1) bake(`web-1.0.${index}-x`);
    fake.useTokenBuckets({ shapes: { CreateTags: { capacity: 2, refillPerSecond: 100 } } });
    const setup = aws();
    const report = await backfill({ lookup: false, clock: { now: () => Date.now(), sleep: () => Promise.resolve() }, rates: { write: 1000 }, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 10)) }, setup);
    expect(report.summary).toMatchObject({ tagged: 12, failed: 0 });
    expect(fake.countCalls('CreateTags', { throttled: true })).toBeGreaterThan(0);
    expect(report.summary.throttledAttempts).toBe(fake.countCalls('CreateTags', { throttled: true }));
  });

  it('one failing region does not stop the others; --regions all asks DescribeRegions', async () => {
    fake.setRegions([REGION, OTHER_REGION]);
    const ok = bake('web-1.0.0-x', { region: OTHER_REGION });
    bake('web-1.0.0-y', { region: REGION });
    fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const report = await backfill({ regions: 'all', lookup: false, concurrency: 1 });
    expect(fake.countCalls('DescribeRegions')).toBe(1);
    expect(report.summary.targets).toBe(2);
    expect(report.summary.failedTargets).toEqual([expect.objectContaining({ account: OWNER, error: expect.stringContaining('UnauthorizedOperation') })]);
    expect(report.summary.tagged).toBe(1);
    expect(fake.tagsOf(OWNER, report.summary.failedTargets[0]?.region === REGION ? OTHER_REGION : REGION, ok.imageId)).toBeDefined();
  });

  it('central mode: other accounts through the member role; an account off the allow-list fails alone', async () => {
    const member = bake('web-1.0.0-x', { account: MEMBER });
    const setup = aws({ roleName: 'ami-tagger-member', accounts: { kind: 'accounts', accounts: [MEMBER] } });
    const report = await backfill({ accounts: [MEMBER, STRANGER], lookup: false }, setup);
    expect(fake.countCalls('AssumeRole')).toBeGreaterThan(0);
    expect(fake.tagsOf(MEMBER, REGION, member.imageId)).toMatchObject({ ManagedBy: 'ami-tagger' });
    expect(report.summary.failedTargets).toEqual([expect.objectContaining({ account: STRANGER, error: expect.stringContaining('may not act in') })]);
  });

  it('an interrupted run stops starting new chunks; the rerun does the rest and redoes nothing', async () => {
    for (let index = 0; index < 1100; index += 1) bake(`web-1.0.${index}-x`);
    const controller = new AbortController();
    // Ctrl-C as soon as the first images are done.
    const first = await backfill({ lookup: false, signal: controller.signal }, aws(), (event) => {
      if (event.kind === 'image') controller.abort();
    });
    expect(first.summary.tagged).toBeGreaterThan(0);
    expect(first.summary.interrupted).toBe(1100 - first.summary.tagged);
    const writesBefore = fake.countCalls('CreateTags');
    const second = await backfill({ lookup: false });
    expect(second.summary).toMatchObject({ tagged: first.summary.interrupted, alreadyComplete: first.summary.tagged });
    expect(fake.countCalls('CreateTags') - writesBefore).toBe(first.summary.interrupted);
  });

  it('shared images: the allowed target account gets the tags on its view (not on the snapshots); the others are reported', async () => {
    const image = bake('web-1.0.0-x', { tags: { appversion: 'web-1.0.0-h1.abc1234/job/1' } });
    fake.shareImage(OWNER, REGION, image.imageId, {
      accounts: [MEMBER, STRANGER],
      public: true,
      organizationArns: ['arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5'],
    });
    const scope: AccountScope = { kind: 'accounts', accounts: [MEMBER] };
    const report = await backfill(
      { lookup: false, shareTargets: true, unreachableBecause: (account) => (account === MEMBER ? undefined : 'not on the allow-list (--accounts)') },
      aws({ roleName: 'ami-tagger-member', accounts: scope }),
    );
    const ownerTags = fake.tagsOf(OWNER, REGION, image.imageId) ?? {};
    const { ['ami-tagger:guesses']: _marker, ...travelling } = ownerTags;
    expect(fake.tagsOf(MEMBER, REGION, image.imageId)).toEqual(travelling);
    expect(fake.tagsOf(STRANGER, REGION, image.imageId)).toEqual({});
    expect(report.summary.shares).toMatchObject({
      tagged: 1,
      unreachable: [{ account: STRANGER, imageId: image.imageId, reason: 'not on the allow-list (--accounts)' }],
      noAccount: [
        { imageId: image.imageId, share: 'public (group: all)' },
        { imageId: image.imageId, share: 'organization arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5' },
      ],
    });
    // A rerun finds the target complete.
    const again = await backfill(
      { lookup: false, shareTargets: true, unreachableBecause: (account) => (account === MEMBER ? undefined : 'not on the allow-list (--accounts)') },
      aws({ roleName: 'ami-tagger-member', accounts: scope }),
    );
    expect(again.summary.shares).toMatchObject({ tagged: 0, upToDate: 1 });
  });
});
