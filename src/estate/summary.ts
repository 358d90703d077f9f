import type { Tag } from '../model/image-ref';
import type { SkippedTag } from '../tagger/plan';
import type { ImageOutcome } from '../tagger/outcome';
import type { PlanEntry } from './plan-file';
import type { ShareReport } from './share-targets';

/**
 * What a backfill says about each image and in sum. Image statuses are the engine's outcome
 * vocabulary (src/tagger/outcome.ts) plus two of backfill's own: an image of a reviewed plan whose
 * tags changed since the plan (skipped), and images an interrupted run did not reach.
 */
export const BACKFILL_ONLY_OUTCOMES = {
  'changed-since-plan': 'skipped: its tags changed since the plan was made',
  interrupted: 'not reached: the run was interrupted (run it again: nothing done is redone)',
} as const;

export type BackfillStatus = ImageOutcome | keyof typeof BACKFILL_ONLY_OUTCOMES;

export interface ImageResult {
  account: string;
  region: string;
  imageId: string;
  name?: string;
  status: BackfillStatus;
  /** What was written (or, in a dry run, would be), by resource id. */
  written: Record<string, Tag[]>;
  /** Rule tags left out, worth telling (not those whose facts backfill never has). */
  skipped: SkippedTag[];
  createTagsCalls: number;
  notes: string[];
  /** The creator came from CloudTrail's event history. */
  creatorFromHistory?: boolean;
  error?: string;
  /** A dry run's entry for the plan file (`--out`), when there is something to write. */
  planEntry?: PlanEntry;
}

export interface TargetFailure {
  account: string;
  /** `*` when the account's regions could not be listed. */
  region: string;
  error: string;
}

export interface BackfillSummary {
  /** Images that matched the filters (or the plan's images, with --apply). */
  scanned: number;
  tagged: number;
  alreadyComplete: number;
  /** Dry run: images that would get tags. */
  wouldTag: number;
  failed: number;
  notFound: number;
  changedSincePlan: number;
  interrupted: number;
  /** Creators found in CloudTrail's event history. */
  creatorsFromHistory: number;
  /** Account-regions scanned, and those that failed as a whole (the others went on). */
  targets: number;
  failedTargets: TargetFailure[];
  /** Things worth knowing that are not failures (a creator lookup that was refused, ...). */
  warnings: string[];
  shares?: {
    tagged: number;
    upToDate: number;
    unreachable: ShareReport['unreachable'];
    noAccount: ShareReport['noAccount'];
  };
  /** AWS calls by kind (DescribeImages, DescribeSnapshots, CreateTags, LookupEvents, ...), retries included. */
  apiCalls: Record<string, number>;
  /** Attempts AWS throttled (each was retried or counted as a failure). */
  throttledAttempts: number;
  seconds: number;
}

export function summarize(
  results: readonly ImageResult[],
  context: { targets: number; failedTargets: TargetFailure[]; warnings: string[]; shares: readonly ShareReport[] | undefined; apiCalls: Record<string, number>; throttledAttempts: number; seconds: number },
): BackfillSummary {
  const count = (status: BackfillStatus): number => results.filter((result) => result.status === status).length;
  const summary: BackfillSummary = {
    scanned: results.length,
    tagged: count('tagged'),
    alreadyComplete: count('up-to-date'),
    wouldTag: count('dry-run'),
    failed: count('failed'),
    notFound: count('image-not-found'),
    changedSincePlan: count('changed-since-plan'),
    interrupted: count('interrupted'),
    creatorsFromHistory: results.filter((result) => result.creatorFromHistory).length,
    targets: context.targets,
    failedTargets: context.failedTargets,
    warnings: context.warnings,
    apiCalls: context.apiCalls,
    throttledAttempts: context.throttledAttempts,
    seconds: context.seconds,
  };
  if (context.shares) {
    summary.shares = {
      tagged: context.shares.reduce((sum, report) => sum + report.tagged.length, 0),
      upToDate: context.shares.reduce((sum, report) => sum + report.upToDate.length, 0),
      unreachable: context.shares.flatMap((report) => report.unreachable),
      noAccount: context.shares.flatMap((report) => report.noAccount),
    };
  }
  return summary;
}

/** Something went wrong that a person should look at: an image or a whole account-region failed, or a share target was unreachable. */
export function hasFailures(summary: BackfillSummary): boolean {
  return summary.failed > 0 || summary.failedTargets.length > 0;
}

/** Findings short of failure: images not found (named by --image-ids), skipped since the plan, not reached, share targets not tagged. */
export function hasFindings(summary: BackfillSummary): boolean {
  return summary.notFound > 0 || summary.changedSincePlan > 0 || summary.interrupted > 0 || (summary.shares?.unreachable.length ?? 0) > 0;
}
