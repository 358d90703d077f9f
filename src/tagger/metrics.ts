import type { LogFields } from '../log';
import type { Outcome } from './outcome';

/**
 * Metrics ride in the one log line per event as CloudWatch Embedded Metric Format (EMF): CloudWatch
 * Logs turns the `_aws` block into a metric, with no metrics API call and no extra client in the
 * bundle. One metric, `Events`, counted by `Outcome`, so an alarm can watch rejected events or
 * failed images (AWS docs, "Embedded metric format specification").
 */
export const METRIC_NAMESPACE = 'ami-tagger';
export const EVENTS_METRIC = 'Events';

/** The metric's `Outcome` dimension: the one outcome vocabulary (outcome.ts). */
export type EventOutcome = Outcome;

export function eventMetric(outcome: EventOutcome, now: () => number = Date.now): LogFields {
  return {
    _aws: {
      Timestamp: now(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Outcome']], Metrics: [{ Name: EVENTS_METRIC, Unit: 'Count' }] }],
    },
    Outcome: outcome,
    [EVENTS_METRIC]: 1,
  };
}
