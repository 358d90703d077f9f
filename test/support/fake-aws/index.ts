/**
 * A local stand-in for EC2, STS and CloudTrail that speaks their real protocols (query for EC2
 * and STS, JSON 1.1 for CloudTrail), for integration tests, the demo and the benchmarks. Point
 * the real AWS SDK v3 clients at `url` (client option `endpoint`, or the SDK's own
 * `AWS_ENDPOINT_URL_EC2` / `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL_CLOUDTRAIL` variables)
 * with any credentials: serialization, pagination and retries are then the SDK's real ones.
 *
 * - One server answers every region and every service: the SigV4 credential scope in the
 *   `Authorization` header says which (signatures are not checked).
 * - The caller's account comes from its access key id: keys named in `accessKeys` belong to
 *   their account, keys handed out by AssumeRole to the role's account, any other key to
 *   `defaultAccount` (111122223333).
 * - State is kept per account and region: each account has its own view of an image, as tags
 *   do not travel with shared AMIs (`shareImage` gives the target accounts theirs).
 * - EC2: DescribeImages, DescribeSnapshots, CreateTags, DescribeRegions, DescribeImageAttribute.
 *   STS: AssumeRole, GetCallerIdentity. CloudTrail: LookupEvents over an event history that
 *   tests fill with `recordTrailEvent`. Any other action answers InvalidAction naming it.
 * - Throttling: planned (`throttle`, `throttleEvery`), or EC2-like token buckets per account,
 *   region and action with a clock a benchmark can speed up (`useTokenBuckets`).
 *
 * @example
 *   const fake = await startFakeAws();
 *   const image = fake.seedImage({ region: 'eu-west-1', name: 'web-1.2.3', snapshotCount: 2 });
 *   const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: fake.url, credentials: TEST_CREDENTIALS });
 *   ...
 *   await fake.close();
 */
import type { AddressInfo } from 'node:net';
import { statusForCode } from './api-error';
import {
  DEFAULT_ACCOUNT,
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
import { NO_OPT_IN_REGIONS } from './regions';
import { createFakeAwsServer } from './server';
import { FakeAwsState } from './state';
import type { TokenBucketOptions } from './token-buckets';

export { DEFAULT_ACCOUNT, DEFAULT_REGION } from './model';
export type {
  BlockDeviceMapping,
  CallRecord,
  FakeImage,
  FakeSnapshot,
  ImageChange,
  ImageSeed,
  ImageState,
  LaunchPermission,
  ServiceName,
  ShareTargets,
  SnapshotSeed,
  TrailEvent,
  TrailEventSeed,
} from './model';
export { cloudTrailRecord } from './cloudtrail';
export type { BucketShape, TokenBucketOptions } from './token-buckets';
export { CREATE_TAGS_BUCKET, LOOKUP_EVENTS_BUCKET, NON_MUTATING_BUCKET } from './token-buckets';
export { NO_OPT_IN_REGIONS, OPT_IN_REGIONS } from './regions';

/** Dummy long-term credentials for test clients; their key id belongs to the default account. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIAAMITAGGERTEST001', secretAccessKey: 'ami-tagger-test-secret' } as const;

export interface FakeAwsOptions {
  /** Port to listen on (loopback only). Default 0: a free port. */
  port?: number;
  /** The account of access keys it was not told about. Default DEFAULT_ACCOUNT (111122223333). */
  defaultAccount?: string;
  /** Access key id -> account id, for long-term keys of other accounts. */
  accessKeys?: Record<string, string>;
  /** Regions enabled in every account. Default NO_OPT_IN_REGIONS. */
  regions?: readonly string[];
  /** Told of every call as it arrives, e.g. to log it. */
  onCall?: (call: CallRecord) => void;
}

export interface FakeAws {
  /** `http://127.0.0.1:PORT`, for the client `endpoint` option or AWS_ENDPOINT_URL_*. */
  readonly url: string;
  readonly defaultAccount: string;
  /** Every request received, in order, throttled and failed ones included. */
  readonly calls: readonly CallRecord[];
  /** How many requests of an action were received (optionally only those from one account or region, or only the throttled ones). */
  countCalls(action: string, where?: { account?: string; region?: string; throttled?: boolean }): number;
  /** The environment variables that point SDK clients at this server. */
  endpointEnvironment(): { AWS_ENDPOINT_URL_EC2: string; AWS_ENDPOINT_URL_STS: string; AWS_ENDPOINT_URL_CLOUDTRAIL: string };

  /** Stores an image (defaults: default account, us-east-1, a new id, `available`, now). Returns a copy. */
  seedImage(seed?: ImageSeed): FakeImage;
  /** Stores a snapshot (defaults: default account, us-east-1, a new id). Returns a copy. */
  seedSnapshot(seed?: SnapshotSeed): FakeSnapshot;
  /** Changes a stored image, e.g. `{ state: 'available', blockDeviceMappings: [...] }`. Returns a copy. */
  updateImage(account: string, region: string, imageId: string, change: ImageChange): FakeImage;
  /** Deregisters an image (its snapshots stay, as EC2 leaves them). */
  deregisterImage(account: string, region: string, imageId: string): void;
  /** A copy of one image as an account sees it in a region, or undefined. */
  image(account: string, region: string, imageId: string): FakeImage | undefined;
  snapshot(account: string, region: string, snapshotId: string): FakeSnapshot | undefined;
  /** Copies of all images an account has in a region. */
  images(account: string, region: string): FakeImage[];
  /** A copy of the tags of an image or snapshot, or undefined when there is no such resource. */
  tagsOf(account: string, region: string, resourceId: string): Record<string, string> | undefined;
  /**
   * Shares an image (launch permissions on the owner's view); each target account gets its own
   * view of it without the owner's tags, as EC2 does. Returns a copy of the owner's image.
   */
  shareImage(owner: string, region: string, imageId: string, targets: ShareTargets): FakeImage;
  /** Adds a past call to an account's CloudTrail event history (default account and us-east-1 unless named). */
  recordTrailEvent(seed: TrailEventSeed): TrailEvent;
  /**
   * EC2-like token buckets per account, region and action (CreateTags 100 / 10 per second,
   * Describe* 100 / 20, LookupEvents 2 / 2, ...: token-buckets.ts), fresh and full; `timeScale`
   * makes them refill that many times faster. `false` turns them off (the default).
   */
  useTokenBuckets(options: TokenBucketOptions | false): void;

  /** The next `times` calls of `action` answer the service's throttling error (EC2: RequestLimitExceeded, HTTP 503). */
  throttle(action: string, times: number): void;
  /** From now on every `nth` call, whatever its action, is throttled (a third of all calls: 3); 0 stops it. */
  throttleEvery(nth: number): void;
  /** The next `times` calls of `action` are never answered (the connection stays open). */
  hang(action: string, times: number): void;
  /** The next call of `action` answers this error code (HTTP status from the code unless given). Repeated calls queue up. */
  failNext(action: string, code: string, options?: { message?: string; status?: number }): void;
  /** The enabled regions of one account, or of every account without its own list. */
  setRegions(regions: readonly string[], account?: string): void;
  /** AssumeRole into `roleArn` then needs this ExternalId (else AccessDenied). */
  requireExternalId(roleArn: string, externalId: string): void;

  /** Forgets the calls received, nothing else. */
  clearCalls(): void;
  /** Back to a fresh server: no resources, calls, faults, sessions; regions from the options. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const defaultAccount = options.defaultAccount ?? DEFAULT_ACCOUNT;
  const regions = options.regions ?? NO_OPT_IN_REGIONS;
  const state = new FakeAwsState(defaultAccount, options.accessKeys ?? {});
  state.setEnabledRegions(regions);
  state.onCall = options.onCall;
  const server = createFakeAwsServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    defaultAccount,
    calls: state.calls,
    countCalls: (action, where = {}) =>
      state.calls.filter(
        (call) =>
          call.action === action &&
          (where.account === undefined || call.account === where.account) &&
          (where.region === undefined || call.region === where.region) &&
          (where.throttled === undefined || (call.throttled === true) === where.throttled),
      ).length,
    endpointEnvironment: () => ({ AWS_ENDPOINT_URL_EC2: url, AWS_ENDPOINT_URL_STS: url, AWS_ENDPOINT_URL_CLOUDTRAIL: url }),
    seedImage: (seed = {}) => state.seedImage(seed),
    seedSnapshot: (seed = {}) => state.seedSnapshot(seed),
    updateImage: (account, region, imageId, change) => state.updateImage(account, region, imageId, change),
    deregisterImage: (account, region, imageId) => {
      state.view(account, region).images.delete(imageId);
    },
    image: (account, region, imageId) => copyOf(state.view(account, region).images.get(imageId)),
    snapshot: (account, region, snapshotId) => copyOf(state.view(account, region).snapshots.get(snapshotId)),
    images: (account, region) => [...state.view(account, region).images.values()].map((image) => structuredClone(image)),
    tagsOf: (account, region, resourceId) => {
      const view = state.view(account, region);
      return copyOf((view.images.get(resourceId) ?? view.snapshots.get(resourceId))?.tags);
    },
    shareImage: (owner, region, imageId, targets) => state.shareImage(owner, region, imageId, targets),
    recordTrailEvent: (seed) => state.recordTrailEvent(seed),
    useTokenBuckets: (options) => state.useTokenBuckets(options === false ? undefined : options),
    throttle: (action, times) => state.throttle(action, times),
    throttleEvery: (nth) => state.throttleEvery(nth),
    hang: (action, times) => state.hang(action, times),
    failNext: (action, code, failure = {}) =>
      state.failNext(action, code, failure.message ?? `${code} (planned failure of ${action})`, failure.status ?? statusForCode(code)),
    setRegions: (list, account) => state.setEnabledRegions(list, account),
    requireExternalId: (roleArn, externalId) => state.requireExternalId(roleArn, externalId),
    clearCalls: () => {
      state.calls.length = 0;
    },
    reset: () => {
      state.reset();
      state.setEnabledRegions(regions);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

function copyOf<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

