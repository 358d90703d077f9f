import type { LogFields } from '../log';
import type { TagOutcome } from './engine';

/** The one log line per image: what was written, what was skipped and why. */
export function outcomeSummary(outcome: TagOutcome): LogFields {
  return {
    imageId: outcome.imageId,
    account: outcome.account,
    region: outcome.region,
    trigger: outcome.trigger,
    status: outcome.status,
    written: outcome.written,
    // Tags whose facts this kind of event never has (Spinnaker's, a copy source) are only counted.
    skipped: outcome.skipped.filter((skip) => skip.reason !== 'not-applicable').map((skip) => ({ key: skip.key, resource: skip.resource, reason: skip.reason, detail: skip.detail })),
    notApplicable: outcome.skipped.filter((skip) => skip.reason === 'not-applicable').length,
    snapshotIds: outcome.snapshotIds,
    createTagsCalls: outcome.plan?.calls.length ?? 0,
    notes: outcome.notes,
  };
}
