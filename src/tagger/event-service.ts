import { isInputError } from '../errors';
import { parseEventBridgeEvent } from '../events/eventbridge';
import type { EventLog } from '../log';
import { tagImage, type EngineOptions, type TagOutcome } from './engine';
import { eventMetric } from './metrics';
import { outcomeSummary } from './summary';

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
  let outcome;
  try {
    outcome = await tagImage(parsed.ref, options);
  } catch (error) {
    // The one line about this event still gets written, with the error, before the invocation
    // fails (and Lambda retries it, then the dead-letter queue holds it).
    const { ref } = parsed;
    log.error('image failed', { imageId: ref.imageId, account: ref.account, region: ref.region, trigger: ref.trigger, error: describeError(error), ...eventMetric('failed') });
    throw error;
  }
  log.info(`image ${outcome.status}`, { ...outcomeSummary(outcome), ...eventMetric(outcome.status) });
  return outcome;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
