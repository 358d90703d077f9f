import { isInputError } from '../errors';
import { parseEventBridgeEvent } from '../events/eventbridge';
import type { EventLog } from '../log';
import type { EngineOptions, TagOutcome } from './engine';
import { eventMetric } from './metrics';
import { outcomeSummary } from './summary';
import { tagImages } from './tag-images';

export type EventResult =
  | { status: 'ignored'; reason: string }
  | { status: 'rejected'; error: string }
  | TagOutcome;

/**
 * Handles one EventBridge event end to end and logs one line about it. A malformed event is
 * rejected (logged, not thrown: retrying it cannot help). AWS failures that survive the SDK's
 * retries are thrown, so the invocation fails and the event ends in the dead-letter queue.
 */
export async function handleImageEvent(event: unknown, options: EngineOptions, log: EventLog): Promise<EventResult> {
  let parsed;
  try {
    parsed = parseEventBridgeEvent(event);
  } catch (error) {
    if (!isInputError(error)) throw error;
    log.error('event rejected', { error: error.message, where: error.where, hint: error.hint, event, ...eventMetric('rejected') });
    return { status: 'rejected', error: error.message };
  }
  if (parsed.kind === 'ignored') {
    const { kind: _kind, ...fields } = parsed;
    // A failed image is worth counting: a bake that broke, or snapshots that could not be made.
    log.info('event ignored', { ...fields, ...eventMetric(parsed.state === 'failed' ? 'image-failed' : 'ignored') });
    return { status: 'ignored', reason: parsed.reason };
  }
  const [outcome] = (await tagImages([parsed.ref], options)) as [TagOutcome];
  if (outcome.status === 'failed' && isInputError(outcome.cause)) {
    // Configuration refuses it (an account outside the allow-list): retrying cannot help.
    const error = outcome.cause;
    log.error('event rejected', { ...outcomeSummary(outcome), error: error.message, where: error.where, hint: error.hint, ...eventMetric('rejected') });
    return { status: 'rejected', error: error.message };
  }
  if (outcome.status === 'failed') {
    // The one line about this event still gets written, with the error, before the invocation
    // fails (and Lambda retries it, then the dead-letter queue holds it).
    log.error('image failed', { ...outcomeSummary(outcome), error: outcome.error, ...eventMetric('failed') });
    throw outcome.cause;
  }
  log.info(`image ${outcome.status}`, { ...outcomeSummary(outcome), ...eventMetric(outcome.status) });
  return outcome;
}
