import { InputError } from '../errors';
import type { ImageRef } from '../model/image-ref';
import { runBackfill, type BackfillDeps, type BackfillReport } from '../estate/backfill';
import { CREATION_LOOKBACK_MS } from '../estate/creators';
import type { EstateGateway, ImagePage, ImageQuery, TrailGateway } from '../estate/ports';
import { DEFAULT_RATES, type Clock } from '../estate/rate';
import type { ImageResult } from '../estate/summary';
import { parseQueueMessage, type BackfillRunInfo } from '../replay/messages';
import type { Rules } from '../rules/rules';
import type { Ec2Gateway } from '../tagger/ec2-port';
import type { ImageDescription, TagMap } from '../model/facts';
import { RUN_RETENTION_DAYS } from './names';
import type { PageRecord, PageStore } from './ports';

/**
 * The worker's half of the fan-out: one page (one SQS message) of one account and region, through
 * the same engine as every backfill (runBackfill: tagImages through the estate's paced gateway,
 * the creator from CloudTrail's history), with the page's write rate. SQS's FIFO queue hands out
 * one page of an account and region at a time, so the pacing inside one invocation is the pacing
 * of that account and region: EC2's buckets see at most `maxRate` CreateTags a second from it.
 *
 * Before each page it reads the run: a cancelled run's pages are recorded as cancelled and
 * dropped. After it, the page's results go to the run's record. A page with a failed image (or
 * whose account and region could not be read, or that the timeout cut short) fails, so that SQS
 * tries it again later and, after its last try, moves it to the dead-letter queue, where
 * `ami-tagger replay` takes it. Tags written stay written: a later try writes only what is missing.
 */

/** What backfill runs on for one page: made anew for each page, so that its call counts are the page's. */
export interface WorkerAws {
  ec2: Ec2Gateway;
  estate: EstateGateway;
  trail?: TrailGateway;
  meter?: BackfillDeps['meter'];
}

export interface WorkerDeps {
  rules: Rules;
  /** The stack's table; undefined: results are only logged. */
  store?: PageStore;
  aws: () => WorkerAws;
  /** The stack's own dry run (AMI_TAGGER_DRY_RUN): every page is planned only. */
  dryRun?: boolean;
  /** SQS's maxReceiveCount: the try after which a failed page is in the dead-letter queue. */
  maxReceives: number;
  /** The benchmark runs EC2's clock faster, and the rates with it. */
  rateScale?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface PageAttempt {
  /** SQS's ApproximateReceiveCount. */
  receiveCount: number;
  /** Aborted when the function is about to time out: work not started is left for the next try. */
  signal?: AbortSignal;
}

export interface PageOutcome {
  state: PageRecord['state'];
  record: PageRecord;
  run?: BackfillRunInfo;
  /** The page failed: this says why, for the invocation's error. */
  error?: string;
}

/** Failures kept per page in the table (an item holds 400 KB); the count says how many there were. */
export const MAX_RECORDED_FAILURES = 50;
const MAX_RECORDED_WARNINGS = 10;
const MAX_ERROR_LENGTH = 500;
const DAY_SECONDS = 86_400;

/**
 * Backfill's estate reads, watching the creation dates that discovery sees: the CloudTrail lookup
 * of a page then reads the history up to its newest image only (the creating call comes before
 * the image's CreationDate), not up to now. Pages are cut newest first, so each page's lookup reads
 * a stretch of time of its own instead of everything newer than it.
 */
class WindowedEstate implements EstateGateway {
  newestCreated = Number.NEGATIVE_INFINITY;
  constructor(private readonly inner: EstateGateway) {}

  async *ownImages(account: string, region: string, query: ImageQuery): AsyncIterable<ImagePage> {
    for await (const page of this.inner.ownImages(account, region, query)) {
      for (const image of page.images) {
        const created = image.creationDate === undefined ? Number.NaN : Date.parse(image.creationDate);
        if (created > this.newestCreated) this.newestCreated = created;
      }
      yield page;
    }
  }

  snapshotTags(account: string, region: string, snapshotIds: readonly string[]): Promise<Record<string, TagMap>> {
    return this.inner.snapshotTags(account, region, snapshotIds);
  }

  imagesById(account: string, region: string, imageIds: readonly string[]): Promise<ImageDescription[]> {
    return this.inner.imagesById(account, region, imageIds);
  }
}

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 3)}...` : text;
}

/** References by account and region (a fan-out page has one; a message written by hand may have more). */
function byPlace(refs: readonly ImageRef[]): Array<{ account: string; region: string; imageIds: string[] }> {
  const places = new Map<string, { account: string; region: string; imageIds: string[] }>();
  for (const ref of refs) {
    const key = `${ref.account}/${ref.region}`;
    const place = places.get(key) ?? { account: ref.account, region: ref.region, imageIds: [] };
    if (!place.imageIds.includes(ref.imageId)) place.imageIds.push(ref.imageId);
    places.set(key, place);
  }
  return [...places.values()];
}

function emptyRecord(page: string, account: string, region: string, images: number, attempt: PageAttempt, maxReceives: number, at: string): PageRecord {
  return {
    page,
    account,
    region,
    images,
    state: 'done',
    attempt: attempt.receiveCount,
    lastAttempt: attempt.receiveCount >= maxReceives,
    outcomes: {},
    taggedIds: [],
    resourcesWritten: 0,
    creatorsFromHistory: 0,
    failures: [],
    failureCount: 0,
    warnings: [],
    apiCalls: {},
    throttledAttempts: 0,
    seconds: 0,
    at,
  };
}

/** One page: checked against its run, tagged, recorded. Throws InputError for a message that is not a page. */
export async function workPage(body: string, attempt: PageAttempt, deps: WorkerDeps): Promise<PageOutcome> {
  const content = parseQueueMessage(body);
  if (content.shape !== 'backfill') {
    throw new InputError(`the backfill worker takes backfill pages, not ${content.shape === 'event' ? 'an EventBridge event' : "Lambda's on-failure records"}`, { where: 'message body' });
  }
  const wallNow = deps.now ?? Date.now;
  const run = content.run;
  const first = content.refs[0] as ImageRef;
  const pageName = run?.page ?? `${first.account}/${first.region}/-`;
  const record = emptyRecord(pageName, first.account, first.region, content.refs.length, attempt, deps.maxReceives, new Date(wallNow()).toISOString());
  const runRecord = run && deps.store ? await deps.store.run(run.id) : undefined;
  const expiresAt = runRecord?.expiresAt ?? Math.floor(wallNow() / 1000) + RUN_RETENTION_DAYS * DAY_SECONDS;

  if (runRecord?.state === 'cancelled') {
    record.state = 'cancelled';
    if (run && deps.store) await deps.store.recordPage(run.id, record, expiresAt);
    return { state: 'cancelled', record, ...(run ? { run } : {}) };
  }

  const scale = deps.rateScale ?? 1;
  const aws = deps.aws();
  const dryRun = deps.dryRun === true || run?.dryRun === true;
  const results: ImageResult[] = [];
  const reports: BackfillReport[] = [];
  const started = (deps.clock ?? { now: Date.now }).now();
  for (const place of byPlace(content.refs)) {
    if (attempt.signal?.aborted) {
      // Not started (the timeout is near): every image of it is left for the next try.
      for (const imageId of place.imageIds) results.push({ account: place.account, region: place.region, imageId, status: 'interrupted', written: {}, skipped: [], createTagsCalls: 0, notes: [] });
      continue;
    }
    const estate = new WindowedEstate(aws.estate);
    const report = await runBackfill(
      {
        rules: deps.rules,
        accounts: [place.account],
        regions: [place.region],
        filter: { imageIds: place.imageIds },
        dryRun,
        lookup: run?.lookup ?? true,
        shareTargets: false,
        rates: { write: (run?.maxRate ?? DEFAULT_RATES.write) * scale, read: DEFAULT_RATES.read * scale, lookup: DEFAULT_RATES.lookup * scale },
        concurrency: 1,
        ...(attempt.signal ? { signal: attempt.signal } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        // The lookup's window ends at the page's newest image (read after discovery, which sets it).
        now: () => (Number.isFinite(estate.newestCreated) ? Math.min(wallNow(), estate.newestCreated + CREATION_LOOKBACK_MS) : wallNow()),
      },
      { ec2: aws.ec2, estate, ...(aws.trail ? { trail: aws.trail } : {}), ...(aws.meter ? { meter: aws.meter } : {}) },
    );
    reports.push(report);
    results.push(...report.results);
  }

  for (const result of results) record.outcomes[result.status] = (record.outcomes[result.status] ?? 0) + 1;
  record.taggedIds = results.filter((result) => result.status === 'tagged').map((result) => result.imageId);
  record.resourcesWritten = dryRun ? 0 : results.reduce((sum, result) => sum + Object.keys(result.written).length, 0);
  const failures: Array<{ imageId?: string; error: string }> = [
    ...reports.flatMap((report) => report.summary.failedTargets.map((failure) => ({ error: clip(`${failure.account}/${failure.region}: ${failure.error}`) }))),
    ...results.filter((result) => result.status === 'failed').map((result) => ({ imageId: result.imageId, error: clip(result.error ?? 'failed') })),
  ];
  const interrupted = results.filter((result) => result.status === 'interrupted').length;
  if (interrupted > 0) failures.push({ error: `${interrupted} image(s) not reached before the function's timeout: SQS tries the page again` });
  record.failures = failures.slice(0, MAX_RECORDED_FAILURES);
  record.failureCount = failures.length;
  record.state = failures.length > 0 ? 'failed' : 'done';
  record.creatorsFromHistory = reports.reduce((sum, report) => sum + report.summary.creatorsFromHistory, 0);
  record.warnings = reports.flatMap((report) => report.summary.warnings).slice(0, MAX_RECORDED_WARNINGS).map(clip);
  // The meter counts the page's calls (it is made anew per page); the last report has them all.
  const last = reports[reports.length - 1];
  record.apiCalls = last?.summary.apiCalls ?? {};
  record.throttledAttempts = last?.summary.throttledAttempts ?? 0;
  record.seconds = ((deps.clock ?? { now: Date.now }).now() - started) / 1000;
  if (run && deps.store) await deps.store.recordPage(run.id, record, expiresAt);
  const outcome: PageOutcome = { state: record.state, record, ...(run ? { run } : {}) };
  if (record.state === 'failed') outcome.error = `${record.failureCount} failure(s) in page ${record.page}: ${record.failures[0]?.imageId ? `${record.failures[0].imageId}: ` : ''}${record.failures[0]?.error ?? ''}`;
  return outcome;
}
