/**
 * How fast backfill and reconcile may call AWS, per account and region. They share EC2's request
 * buckets with the live event path (EC2 Developer Guide, "Request throttling for the Amazon EC2
 * API": one bucket per account, region and action), so they take a part of each refill rate and
 * leave the rest, and the whole burst, to the event path.
 */

/**
 * CreateTags: EC2's bucket holds 100 and refills 10 a second. Backfill writes at most 5 a second by
 * default: half the refill, so that a burst of new images on the event path still finds a full
 * bucket and 5 more a second. `--max-rate` changes it.
 */
export const CREATE_TAGS_REFILL_PER_SECOND = 10;
export const DEFAULT_MAX_WRITE_RATE = CREATE_TAGS_REFILL_PER_SECOND / 2;
/** DescribeImages (and the other non-mutating calls) refill 20 a second: reads take half. */
export const DESCRIBE_REFILL_PER_SECOND = 20;
export const DEFAULT_READ_RATE = DESCRIBE_REFILL_PER_SECOND / 2;
/** CloudTrail LookupEvents: 2 calls a second per account and region (CloudTrail API reference, LookupEvents; aws-facts.md). */
export const LOOKUP_EVENTS_PER_SECOND = 2;

/** The rates backfill keeps to, per account and region, in calls per second. */
export interface Rates {
  /** CreateTags. */
  write: number;
  /** DescribeImages, DescribeSnapshots, DescribeImageAttribute, DescribeRegions. */
  read: number;
  /** CloudTrail LookupEvents. */
  lookup: number;
}

export const DEFAULT_RATES: Rates = { write: DEFAULT_MAX_WRITE_RATE, read: DEFAULT_READ_RATE, lookup: LOOKUP_EVENTS_PER_SECOND };

/**
 * After a throttled call, the writes of that account and region pause this long on top of the
 * SDK's own backoff: someone else (the event path, another tool) is using the bucket.
 */
export const THROTTLED_PAUSE_MS = 1_000;

/** Time, for pacing: tests and the benchmark pass one that does not wait for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Paces calls per key (account and region) at `ratePerSecond`, evenly: a call may start once the
 * previous one's slot has passed (the generic cell rate algorithm: each `take` reserves the next
 * slot at once, so concurrent callers queue up in order). `burst` slots may be used at once.
 */
export class RateLimiter {
  private readonly nextSlot = new Map<string, number>();
  private readonly intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: Clock = REAL_CLOCK,
    private readonly burst = 1,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`a rate must be a positive number, not ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves when a call for `key` may start. */
  async take(key: string): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(this.nextSlot.get(key) ?? now, now);
    this.nextSlot.set(key, slot + this.intervalMs);
    const wait = slot - (this.burst - 1) * this.intervalMs - now;
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** No call for `key` starts in the next `ms` (after a throttled call). */
  pause(key: string, ms: number): void {
    const now = this.clock.now();
    this.nextSlot.set(key, Math.max(this.nextSlot.get(key) ?? now, now) + ms);
  }
}

/** Runs `work` on every item, at most `limit` at a time; the results in the items' order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}
