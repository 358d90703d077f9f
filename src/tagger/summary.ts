import type { LogFields } from '../log';
import type { TagOutcome } from './engine';
import type { SkippedTag } from './plan';

/**
 * The skipped tags worth telling someone about. Tags whose facts this kind of event never has
 * (Spinnaker's, a copy source) are only counted.
 */
export function reportedSkips(outcome: TagOutcome): { reported: SkippedTag[]; notApplicable: number } {
  const reported = outcome.skipped.filter((skip) => skip.reason !== 'not-applicable');
  return { reported, notApplicable: outcome.skipped.length - reported.length };
}

/** The one log line per image: what was written, what was skipped and why. */
export function outcomeSummary(outcome: TagOutcome): LogFields {
  const { reported, notApplicable } = reportedSkips(outcome);
  return {
    imageId: outcome.imageId,
    account: outcome.account,
    region: outcome.region,
    trigger: outcome.trigger,
    status: outcome.status,
    // In a dry run nothing was written: the same tags are what would be.
    ...(outcome.status === 'dry-run' ? { wouldWrite: outcome.written } : { written: outcome.written }),
    ...(outcome.error ? { error: outcome.error } : {}),
    skipped: reported.map((skip) => ({ key: skip.key, resource: skip.resource, reason: skip.reason, detail: skip.detail })),
    notApplicable,
    snapshotIds: outcome.snapshotIds,
    createTagsCalls: outcome.createTagsCalls,
    changedUnderUs: outcome.changedUnderUs,
    notes: outcome.notes,
  };
}
