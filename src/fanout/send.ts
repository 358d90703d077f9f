import type { ImageDescription } from '../model/facts';
import { imageQuery, keptByFilter, type ImageFilter } from '../estate/filters';
import type { AccountGateway, EstateGateway } from '../estate/ports';
import { DEFAULT_RATES, mapConcurrently, RateLimiter, REAL_CLOCK, type Clock } from '../estate/rate';
import type { TargetFailure } from '../estate/summary';
import { newRunId, RUN_RETENTION_DAYS } from './names';
import { pagesOf } from './pages';
import type { FanoutQueue, OutgoingPage, RunStore } from './ports';

/**
 * `backfill --on lambda`: the command's half of the fan-out. Per account and region it lists the
 * own images (DescribeImages, a page of 1000 at a time, paced as backfill's reads are), keeps those
 * the filters keep, and then sends them as pages, one SQS message each, to the worker's FIFO queue
 * with one message group per account and region, the account-regions with the most pages first. Lambda then runs the worker on them, one page of
 * a group at a time; SQS retries a failed page and moves it to the dead-letter queue after its
 * last try. Nothing here waits for the work, schedules it or retries it: the run's record in the
 * stack's table says what was sent, and the worker adds what each page did.
 */

/** Account-regions listed at once. */
export const DEFAULT_SEND_CONCURRENCY = 4;
/** Pages counted and handed to the queue at a time (SendMessageBatch takes 10). */
const BATCH_PAGES = 10;
const DAY_SECONDS = 86_400;

export interface FanoutOptions {
  accounts: readonly string[];
  /** `all`: the regions enabled in each account (DescribeRegions). */
  regions: 'all' | readonly string[];
  filter: ImageFilter;
  dryRun: boolean;
  lookup: boolean;
  /** CreateTags calls per second per account and region, for the worker. */
  maxRate: number;
  /** The command line, for `backfill status`. */
  request: string;
  concurrency?: number;
  /** Stop starting new account-regions (Ctrl-C). */
  signal?: AbortSignal;
  /** Tests: a fixed run id and time. */
  runId?: string;
  now?: () => Date;
  /** Pacing of the reads (tests pass a virtual clock). */
  clock?: Clock;
}

export interface FanoutDeps {
  estate: EstateGateway;
  /** The regions of an account; needed for `all` only. */
  accounts?: AccountGateway;
  queue: FanoutQueue;
  store: RunStore;
}

export type FanoutEvent =
  | { kind: 'sent'; account: string; region: string; images: number; pages: number }
  | { kind: 'target-failed'; failure: TargetFailure };

export interface FanoutReport {
  runId: string;
  /** Account-regions listed (failed ones included). */
  targets: number;
  pages: number;
  images: number;
  failedTargets: TargetFailure[];
  /** Someone ran `backfill cancel` while pages were being sent: the rest were not. */
  cancelled: boolean;
  /** Ctrl-C: account-regions not reached are listed as failed targets. */
  interrupted: boolean;
  expiresAt: number;
  seconds: number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function startFanout(options: FanoutOptions, deps: FanoutDeps, onEvent: (event: FanoutEvent) => void = () => undefined): Promise<FanoutReport> {
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? REAL_CLOCK;
  const started = clock.now();
  const createdAt = now();
  const runId = options.runId ?? newRunId(createdAt);
  const expiresAt = Math.floor(createdAt.getTime() / 1000) + RUN_RETENTION_DAYS * DAY_SECONDS;
  const run = { dryRun: options.dryRun, lookup: options.lookup, maxRate: options.maxRate };
  await deps.store.createRun({ runId, state: 'sending', createdAt: createdAt.toISOString(), ...run, request: options.request, pages: 0, images: 0, targets: 0, expiresAt });

  const report: FanoutReport = { runId, targets: 0, pages: 0, images: 0, failedTargets: [], cancelled: false, interrupted: false, expiresAt, seconds: 0 };
  const fail = async (failure: TargetFailure): Promise<void> => {
    report.failedTargets.push(failure);
    onEvent({ kind: 'target-failed', failure });
    await deps.store.recordTargetFailure(runId, failure, expiresAt);
  };
  const reads = new RateLimiter(DEFAULT_RATES.read, clock);
  const stopped = (): boolean => report.cancelled || options.signal?.aborted === true;

  // The account-regions: the regions asked for, or each account's enabled ones.
  const perAccount = await mapConcurrently(options.accounts, options.concurrency ?? DEFAULT_SEND_CONCURRENCY, async (account): Promise<Array<{ account: string; region: string }>> => {
    const regions = options.regions;
    if (regions !== 'all') return regions.map((region) => ({ account, region }));
    try {
      if (!deps.accounts) throw new Error('no way to list the regions of an account was given');
      return (await deps.accounts.enabledRegions(account)).map((region) => ({ account, region }));
    } catch (error) {
      await fail({ account, region: '*', error: `its regions could not be listed: ${describeError(error)}` });
      return [];
    }
  });
  const targets = perAccount.flat();

  // First every account-region is listed, then the pages are sent, the account-regions with the
  // most pages first: a message group is worked one page at a time, so the longest chains of pages
  // are the run's critical path, and they should start first.
  const listed: Array<{ account: string; region: string; images: number; pages: OutgoingPage[] }> = [];
  await mapConcurrently(targets, options.concurrency ?? DEFAULT_SEND_CONCURRENCY, async ({ account, region }) => {
    if (stopped()) {
      await fail({ account, region, error: 'not sent: the command was interrupted (run it again for what is missing)' });
      return;
    }
    report.targets += 1;
    const images: ImageDescription[] = [];
    try {
      await reads.take(`${account}/${region}`);
      for await (const page of deps.estate.ownImages(account, region, imageQuery(options.filter))) {
        images.push(...page.images.filter((image) => keptByFilter(image, options.filter)));
        await reads.take(`${account}/${region}`);
      }
    } catch (error) {
      await fail({ account, region, error: `its images could not be listed: ${describeError(error)}` });
      return;
    }
    listed.push({ account, region, images: images.length, pages: pagesOf(account, region, images, { id: runId, ...run }) });
  });
  listed.sort((a, b) => b.pages.length - a.pages.length || b.images - a.images || `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`));

  // A few account-regions at a time, so that their pages share SendMessageBatch calls.
  for (let start = 0; start < listed.length && !report.cancelled; ) {
    const group: typeof listed = [];
    let pageCount = 0;
    while (start < listed.length && (group.length === 0 || pageCount + (listed[start]?.pages.length ?? 0) <= BATCH_PAGES)) {
      const next = listed[start] as (typeof listed)[number];
      group.push(next);
      pageCount += next.pages.length;
      start += 1;
    }
    const images = group.reduce((sum, target) => sum + target.images, 0);
    // Counted before sending, so that the worker never finishes more pages than the run says it has;
    // and refused once the run is cancelled, so that a cancel stops the sending too.
    if ((await deps.store.addSent(runId, { pages: pageCount, images, targets: group.length })) === 'cancelled') {
      report.cancelled = true;
      break;
    }
    const unsent = pageCount > 0 ? new Map((await deps.queue.send(group.flatMap((target) => target.pages))).map((failed) => [failed.page, failed.error])) : new Map<string, string>();
    for (const { account, region, pages, images: listedImages } of group) {
      const lost = pages.filter((page) => unsent.has(page.page));
      const lostImages = lost.reduce((sum, page) => sum + page.images, 0);
      if (lost.length > 0) {
        await deps.store.addSent(runId, { pages: -lost.length, images: -lostImages, targets: 0 });
        await fail({ account, region, error: `${lost.length} of its ${pages.length} page(s) could not be sent (${lostImages} images): ${unsent.get(lost[0]?.page ?? '') ?? ''}` });
      }
      report.pages += pages.length - lost.length;
      report.images += listedImages - lostImages;
      onEvent({ kind: 'sent', account, region, images: listedImages - lostImages, pages: pages.length - lost.length });
    }
  }

  if (!report.cancelled && (await deps.store.finishSending(runId, now().toISOString())) === 'cancelled') report.cancelled = true;
  report.interrupted = options.signal?.aborted === true;
  report.seconds = (clock.now() - started) / 1000;
  return report;
}
