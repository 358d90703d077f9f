import type { TargetFailure } from '../estate/summary';
import type { PageRecord, RunItems, RunRecord } from './ports';

/**
 * `backfill status`: a run's record and its pages' results, summed. Each page holds its latest
 * attempt (SQS may try a page several times), and the ids of every image any attempt tagged, so
 * that an image tagged by a try that then failed on another image still counts as tagged once,
 * and not again as "already complete" on the next try.
 */

export interface RunStatus {
  runId: string;
  /** `unknown`: pages were recorded but the run's own record is gone (expired) or was never written. */
  state: RunRecord['state'] | 'unknown';
  run?: RunRecord;
  pages: {
    /** Pages the command sent (counted as it sends). */
    sent: number;
    done: number;
    /** Failed on their latest try; SQS tries them again. */
    retrying: number;
    /** Failed on their last try: in the dead-letter queue (ami-tagger replay). */
    deadLettered: number;
    cancelled: number;
    /** Sent and not yet recorded by the worker: waiting in the queue, or being worked on. */
    waiting: number;
  };
  images: {
    /** Images in the pages sent. */
    sent: number;
    tagged: number;
    alreadyComplete: number;
    wouldTag: number;
    failed: number;
    notFound: number;
    notReached: number;
    creatorsFromHistory: number;
  };
  resourcesWritten: number;
  apiCalls: Record<string, number>;
  throttledAttempts: number;
  failures: Array<{ page: string; account: string; region: string; imageId?: string; error: string; deadLettered: boolean }>;
  /** Failures beyond those the pages keep. */
  failuresNotShown: number;
  targetFailures: TargetFailure[];
  warnings: string[];
  /** Every page sent has an end: done, cancelled or in the dead-letter queue. */
  complete: boolean;
}

const count = (page: PageRecord, outcome: string): number => page.outcomes[outcome] ?? 0;

export function summarizeRun(runId: string, items: RunItems): RunStatus {
  const pages = items.pages;
  const run = items.run;
  const status: RunStatus = {
    runId,
    state: run?.state ?? 'unknown',
    ...(run ? { run } : {}),
    pages: { sent: run?.pages ?? pages.length, done: 0, retrying: 0, deadLettered: 0, cancelled: 0, waiting: 0 },
    images: { sent: run?.images ?? pages.reduce((sum, page) => sum + page.images, 0), tagged: 0, alreadyComplete: 0, wouldTag: 0, failed: 0, notFound: 0, notReached: 0, creatorsFromHistory: 0 },
    resourcesWritten: 0,
    apiCalls: {},
    throttledAttempts: 0,
    failures: [],
    failuresNotShown: 0,
    targetFailures: items.targetFailures,
    warnings: [],
    complete: false,
  };
  for (const page of pages) {
    if (page.state === 'done') status.pages.done += 1;
    else if (page.state === 'cancelled') status.pages.cancelled += 1;
    else if (page.lastAttempt) status.pages.deadLettered += 1;
    else status.pages.retrying += 1;
    const taggedEver = page.taggedIds.length;
    status.images.tagged += taggedEver;
    // Images an earlier try tagged are up to date on this one: they count as tagged, not as complete.
    status.images.alreadyComplete += Math.max(0, count(page, 'up-to-date') - (taggedEver - count(page, 'tagged')));
    status.images.wouldTag += count(page, 'dry-run');
    status.images.failed += count(page, 'failed');
    status.images.notFound += count(page, 'image-not-found');
    status.images.notReached += count(page, 'interrupted');
    status.images.creatorsFromHistory += page.creatorsFromHistory;
    status.resourcesWritten += page.resourcesWritten;
    status.throttledAttempts += page.throttledAttempts;
    for (const [kind, calls] of Object.entries(page.apiCalls)) status.apiCalls[kind] = (status.apiCalls[kind] ?? 0) + calls;
    if (page.state === 'failed') {
      for (const failure of page.failures) status.failures.push({ page: page.page, account: page.account, region: page.region, ...(failure.imageId ? { imageId: failure.imageId } : {}), error: failure.error, deadLettered: page.lastAttempt });
      status.failuresNotShown += Math.max(0, page.failureCount - page.failures.length);
    }
    status.warnings.push(...page.warnings.map((warning) => `${page.page}: ${warning}`));
  }
  status.apiCalls = Object.fromEntries(Object.entries(status.apiCalls).sort(([a], [b]) => a.localeCompare(b)));
  const ended = status.pages.done + status.pages.cancelled + status.pages.deadLettered;
  status.pages.waiting = Math.max(0, status.pages.sent - ended - status.pages.retrying);
  // A cancelled run ends when nothing is being worked on any more; its waiting pages will be dropped.
  status.complete = (status.state === 'sent' && ended >= status.pages.sent) || (status.state === 'cancelled' && status.pages.retrying === 0 && status.pages.waiting === 0);
  return status;
}

/** A run whose pages failed (their images, or whole account-regions) needs a person. */
export function runHasFailures(status: RunStatus): boolean {
  return status.failures.length + status.failuresNotShown > 0 || status.targetFailures.length > 0;
}
