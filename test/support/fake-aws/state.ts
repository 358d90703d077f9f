/**
 * Everything the stand-in remembers: each account's view of each region (images, snapshots),
 * enabled regions, AssumeRole sessions, the calls received, and the faults a test planned.
 */
import { statusForCode } from './api-error';
import {
  DEFAULT_REGION,
  type CallRecord,
  type FakeImage,
  type FakeSnapshot,
  type ImageChange,
  type ImageSeed,
  type ShareTargets,
  type SnapshotSeed,
  type TrailEvent,
  type TrailEventSeed,
} from './model';
import { PrincipalBook } from './principals';
import { NO_OPT_IN_REGIONS } from './regions';
import { IdSequence, isWellFormedId, type ResourceKind } from './resource-ids';
import { TokenBuckets, type TokenBucketOptions } from './token-buckets';

/** One account's view of one region. */
export interface RegionView {
  images: Map<string, FakeImage>;
  snapshots: Map<string, FakeSnapshot>;
}

/** A planned failure: the next call of an action answers this instead. */
export interface PlannedFailure {
  code: string;
  message: string;
  status: number;
}

/** Device names CreateImage gives an image's volumes, in order: the root first. */
const DEVICE_NAMES = ['/dev/xvda', ...'bcdefghijklmnop'.split('').map((letter) => `/dev/xvd${letter}`)];

export class FakeAwsState {
  readonly calls: CallRecord[] = [];
  /** Told of every call as it arrives (the standalone launcher logs them). */
  onCall: ((call: CallRecord) => void) | undefined;
  readonly principals: PrincipalBook;
  private readonly views = new Map<string, RegionView>();
  private readonly ids = new IdSequence();
  private readonly throttles = new Map<string, number>();
  private readonly hangs = new Map<string, number>();
  /** Throttle one EC2 call in this many (of any action); 0: off. */
  private throttleEveryNth = 0;
  private callsSinceThrottle = 0;
  private readonly failures = new Map<string, PlannedFailure[]>();
  private readonly enabledByAccount = new Map<string, readonly string[]>();
  private defaultEnabled: readonly string[] = NO_OPT_IN_REGIONS;
  private readonly externalIds = new Map<string, string>();
  /** EC2-like token buckets per account, region and action; undefined: no rate limits. */
  private buckets: TokenBuckets | undefined;
  /** CloudTrail event history per account and region, oldest first. */
  private readonly trail = new Map<string, TrailEvent[]>();
  private trailEventCount = 0;

  constructor(
    readonly defaultAccount: string,
    accessKeys: Readonly<Record<string, string>>,
  ) {
    this.principals = new PrincipalBook(defaultAccount, accessKeys);
  }

  view(account: string, region: string): RegionView {
    const key = `${account}/${region}`;
    let view = this.views.get(key);
    if (!view) {
      view = { images: new Map(), snapshots: new Map() };
      this.views.set(key, view);
    }
    return view;
  }

  seedImage(seed: ImageSeed): FakeImage {
    const account = seed.account ?? this.defaultAccount;
    const view = this.view(account, seed.region ?? DEFAULT_REGION);
    const imageId = seed.imageId ?? this.newId('image');
    assertWellFormed('image', imageId);
    const ownerId = seed.ownerId ?? account;
    let mappings = seed.blockDeviceMappings;
    if (!mappings) {
      const snapshots = Array.from({ length: seed.snapshotCount ?? 0 }, () =>
        this.seedSnapshot({ account, region: seed.region, ownerId, description: `Created by CreateImage for ${imageId}` }),
      );
      mappings = snapshots.map((snapshot, index) => ({ deviceName: deviceName(index), snapshotId: snapshot.snapshotId }));
    }
    const image: FakeImage = {
      imageId,
      ownerId,
      name: seed.name ?? `image-${imageId}`,
      state: seed.state ?? 'available',
      creationDate: seed.creationDate ?? new Date().toISOString(),
      blockDeviceMappings: mappings.map((mapping) => ({ ...mapping })),
      tags: { ...seed.tags },
      ...(seed.description === undefined ? {} : { description: seed.description }),
      ...(seed.architecture === undefined ? {} : { architecture: seed.architecture }),
    };
    view.images.set(imageId, image);
    return structuredClone(image);
  }

  seedSnapshot(seed: SnapshotSeed): FakeSnapshot {
    const account = seed.account ?? this.defaultAccount;
    const view = this.view(account, seed.region ?? DEFAULT_REGION);
    const snapshotId = seed.snapshotId ?? this.newId('snapshot');
    assertWellFormed('snapshot', snapshotId);
    const snapshot: FakeSnapshot = {
      snapshotId,
      ownerId: seed.ownerId ?? account,
      tags: { ...seed.tags },
      ...(seed.description === undefined ? {} : { description: seed.description }),
    };
    view.snapshots.set(snapshotId, snapshot);
    return structuredClone(snapshot);
  }

  updateImage(account: string, region: string, imageId: string, change: ImageChange): FakeImage {
    const image = this.view(account, region).images.get(imageId);
    if (!image) throw new Error(`no image ${imageId} in account ${account}, region ${region}: seed it first`);
    Object.assign(image, structuredClone(change));
    return structuredClone(image);
  }

  /**
   * Shares an image of `owner` (launch permissions) and gives each target account its own view of
   * it: same id, owner and snapshots, none of the owner's tags (tags do not travel with a share).
   */
  shareImage(owner: string, region: string, imageId: string, targets: ShareTargets): FakeImage {
    const image = this.view(owner, region).images.get(imageId);
    if (!image) throw new Error(`no image ${imageId} in account ${owner}, region ${region}: seed it first`);
    const permissions = image.launchPermissions ?? [];
    const add = (entry: NonNullable<FakeImage['launchPermissions']>[number]): void => {
      if (!permissions.some((known) => JSON.stringify(known) === JSON.stringify(entry))) permissions.push(entry);
    };
    for (const account of targets.accounts ?? []) {
      add({ userId: account });
      const { launchPermissions: _owners, ...shared } = structuredClone(image);
      this.view(account, region).images.set(imageId, { ...shared, tags: {} });
    }
    if (targets.public) add({ group: 'all' });
    for (const organizationArn of targets.organizationArns ?? []) add({ organizationArn });
    for (const organizationalUnitArn of targets.organizationalUnitArns ?? []) add({ organizationalUnitArn });
    image.launchPermissions = permissions;
    return structuredClone(image);
  }

  /** Adds a past call to an account's CloudTrail event history in a region. */
  recordTrailEvent(seed: TrailEventSeed): TrailEvent {
    const account = seed.account ?? this.defaultAccount;
    const region = seed.region ?? DEFAULT_REGION;
    this.trailEventCount += 1;
    const { account: _account, region: _region, ...given } = seed;
    const imageId = typeof seed.responseElements?.['imageId'] === 'string' ? seed.responseElements['imageId'] : undefined;
    const event: TrailEvent = {
      eventId: `00000000-0000-4000-8000-${this.trailEventCount.toString(16).padStart(12, '0')}`,
      eventSource: 'ec2.amazonaws.com',
      eventTime: new Date().toISOString(),
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/someone`, accountId: account, userName: 'someone' },
      requestParameters: null,
      responseElements: null,
      readOnly: false,
      resources: imageId ? [{ resourceType: 'AWS::EC2::Ami', resourceName: imageId }] : [],
      ...given,
      awsRegion: region,
      recipientAccountId: account,
    };
    const key = `${account}/${region}`;
    const history = this.trail.get(key) ?? [];
    history.push(event);
    this.trail.set(key, history);
    return structuredClone(event);
  }

  trailEvents(account: string, region: string): readonly TrailEvent[] {
    return this.trail.get(`${account}/${region}`) ?? [];
  }

  /** Turns the token buckets on (fresh and full) with these options, or off with undefined. */
  useTokenBuckets(options: TokenBucketOptions | undefined): void {
    this.buckets = options === undefined ? undefined : new TokenBuckets(options);
  }

  /** False when the call's token bucket is empty (the call is then throttled); always true when buckets are off. */
  takeToken(service: string, account: string, region: string, action: string, params: Readonly<Record<string, string>>): boolean {
    return this.buckets?.take(service, account, region, action, params) ?? true;
  }

  record(call: CallRecord): void {
    this.calls.push(call);
    this.onCall?.(call);
  }

  throttle(action: string, times: number): void {
    this.throttles.set(action, (this.throttles.get(action) ?? 0) + times);
  }

  /** From now on, every `nth` call (of any action) is throttled; 0 turns it off. */
  throttleEvery(nth: number): void {
    this.throttleEveryNth = nth;
    this.callsSinceThrottle = 0;
  }

  /** The next `times` calls of `action` get no answer at all: the connection stays open, silent. */
  hang(action: string, times: number): void {
    this.hangs.set(action, (this.hangs.get(action) ?? 0) + times);
  }

  takeHang(action: string): boolean {
    const left = this.hangs.get(action) ?? 0;
    if (left <= 0) return false;
    this.hangs.set(action, left - 1);
    return true;
  }

  /** True when this call of `action` is to be throttled (and counts it off). */
  takeThrottle(action: string): boolean {
    if (this.throttleEveryNth > 0) {
      this.callsSinceThrottle += 1;
      if (this.callsSinceThrottle >= this.throttleEveryNth) {
        this.callsSinceThrottle = 0;
        return true;
      }
    }
    const left = this.throttles.get(action) ?? 0;
    if (left <= 0) return false;
    this.throttles.set(action, left - 1);
    return true;
  }

  failNext(action: string, code: string, message: string, status: number = statusForCode(code)): void {
    const queue = this.failures.get(action) ?? [];
    queue.push({ code, message, status });
    this.failures.set(action, queue);
  }

  takeFailure(action: string): PlannedFailure | undefined {
    return this.failures.get(action)?.shift();
  }

  /** Enables exactly these regions, for one account or (no account) for every account without its own list. */
  setEnabledRegions(regions: readonly string[], account?: string): void {
    if (account === undefined) this.defaultEnabled = [...regions];
    else this.enabledByAccount.set(account, [...regions]);
  }

  enabledRegions(account: string): readonly string[] {
    return this.enabledByAccount.get(account) ?? this.defaultEnabled;
  }

  requireExternalId(roleArn: string, externalId: string): void {
    this.externalIds.set(roleArn, externalId);
  }

  requiredExternalId(roleArn: string): string | undefined {
    return this.externalIds.get(roleArn);
  }

  /** Back to an empty server: no resources, calls, faults, sessions or custom regions. */
  reset(): void {
    this.calls.length = 0;
    this.views.clear();
    this.throttles.clear();
    this.hangs.clear();
    this.throttleEveryNth = 0;
    this.failures.clear();
    this.enabledByAccount.clear();
    this.defaultEnabled = NO_OPT_IN_REGIONS;
    this.externalIds.clear();
    this.principals.clear();
    this.buckets = undefined;
    this.trail.clear();
  }

  private newId(kind: ResourceKind): string {
    return this.ids.take(kind, (id) => [...this.views.values()].some((view) => view.images.has(id) || view.snapshots.has(id)));
  }
}

function deviceName(index: number): string {
  const name = DEVICE_NAMES[index];
  if (!name) throw new Error(`an image seed can have at most ${DEVICE_NAMES.length} snapshots`);
  return name;
}

function assertWellFormed(kind: ResourceKind, id: string): void {
  if (!isWellFormedId(kind, id)) throw new Error(`seed ${kind} id ${id} is not a well-formed EC2 id (prefix and 8 or 17 lowercase hex digits)`);
}
