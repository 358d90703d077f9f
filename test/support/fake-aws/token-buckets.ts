/**
 * Request throttling as EC2 and CloudTrail do it: a token bucket per account, region and action
 * (or class of actions). A call takes one token; an empty bucket answers the service's throttling
 * error; tokens come back at a steady rate up to the bucket's size.
 *
 * Shapes (EC2 Developer Guide, "Request throttling for the Amazon EC2 API"): CreateTags 100 / 10 per second; DescribeImages and other
 * non-mutating actions 100 / 20; a Describe* call without ids, filters or paging ("unfiltered and
 * unpaginated") 50 / 5; other mutating actions 50 / 5. CloudTrail LookupEvents: 2 per second per
 * account and region (CloudTrail API reference, LookupEvents), modelled as a bucket of 2.
 *
 * The clock can run faster than real time (`timeScale`): the buckets keep their size and refill
 * `timeScale` times faster, so a run that would take minutes at real rates keeps its shape in
 * seconds. Off unless a test turns it on.
 */

export interface BucketShape {
  /** Tokens when full: the burst a caller may make. */
  capacity: number;
  /** Tokens added per (scaled) second. */
  refillPerSecond: number;
}

export const CREATE_TAGS_BUCKET: BucketShape = { capacity: 100, refillPerSecond: 10 };
export const NON_MUTATING_BUCKET: BucketShape = { capacity: 100, refillPerSecond: 20 };
export const UNFILTERED_UNPAGINATED_BUCKET: BucketShape = { capacity: 50, refillPerSecond: 5 };
export const MUTATING_BUCKET: BucketShape = { capacity: 50, refillPerSecond: 5 };
export const LOOKUP_EVENTS_BUCKET: BucketShape = { capacity: 2, refillPerSecond: 2 };

/** The bucket class of a call that names no ids, no filter and no page size. */
export const UNFILTERED_CLASS = 'unfiltered-unpaginated';

/** Which bucket a call draws from: its own action's, or its class's. */
export function bucketClass(service: string, action: string, params: Readonly<Record<string, string>>): string {
  if (service !== 'ec2' || !action.startsWith('Describe')) return action;
  const narrowed = Object.keys(params).some((key) => /^(ImageId|SnapshotId|Filter|MaxResults|RegionName)\b/.test(key));
  return narrowed || action === 'DescribeImageAttribute' ? action : UNFILTERED_CLASS;
}

/** The shape of a class's bucket unless the test set its own. */
export function defaultShape(service: string, bucket: string): BucketShape {
  if (service === 'cloudtrail') return LOOKUP_EVENTS_BUCKET;
  if (bucket === 'CreateTags') return CREATE_TAGS_BUCKET;
  if (bucket === UNFILTERED_CLASS) return UNFILTERED_UNPAGINATED_BUCKET;
  if (/^(Describe|Get|List)/.test(bucket)) return NON_MUTATING_BUCKET;
  return MUTATING_BUCKET;
}

/** Seconds since it started, times `scale`. */
export class ScaledClock {
  private readonly started = performance.now();
  constructor(readonly scale: number) {
    if (!(scale > 0)) throw new Error(`timeScale must be above 0, not ${scale}`);
  }

  seconds(): number {
    return ((performance.now() - this.started) / 1000) * this.scale;
  }
}

export interface TokenBucketOptions {
  /** How much faster than real time the buckets refill. Default 1. */
  timeScale?: number;
  /** Shapes by action (or `unfiltered-unpaginated`) replacing the defaults above. */
  shapes?: Readonly<Record<string, BucketShape>>;
}

interface Bucket {
  shape: BucketShape;
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: ScaledClock;
  /** Calls refused for want of a token, by bucket class. */
  readonly refused = new Map<string, number>();

  constructor(private readonly options: TokenBucketOptions = {}) {
    this.clock = new ScaledClock(options.timeScale ?? 1);
  }

  /** Takes a token for this call; false (and counted) when the bucket is empty. */
  take(service: string, account: string, region: string, action: string, params: Readonly<Record<string, string>>): boolean {
    const bucketName = bucketClass(service, action, params);
    const key = `${service}/${account}/${region}/${bucketName}`;
    const now = this.clock.seconds();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const shape = this.options.shapes?.[bucketName] ?? defaultShape(service, bucketName);
      bucket = { shape, tokens: shape.capacity, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(bucket.shape.capacity, bucket.tokens + (now - bucket.at) * bucket.shape.refillPerSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.refused.set(bucketName, (this.refused.get(bucketName) ?? 0) + 1);
    return false;
  }
}
