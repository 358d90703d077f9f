import { isInputError } from '../errors';
import type { EventLog } from '../log';
import { workPage, type WorkerDeps } from './worker';

/**
 * The worker as Lambda runs it: SQS (the event source mapping of the FIFO queue, one message a
 * batch) hands it a page; it works the page and returns, and Lambda deletes the message; or it
 * throws, and the message comes back after the queue's visibility timeout, until SQS moves it to
 * the dead-letter queue after its last try. Lambda and SQS do the scheduling and the retrying.
 */

export interface SqsRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string; MessageGroupId?: string };
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface WorkerContext {
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

/** Stop starting new work this long before the function's timeout: the page's results are then recorded. */
export const WORKER_STOP_MARGIN_MS = 60_000;

export interface PageSummary {
  messageId: string;
  page: string;
  state: string;
}

/**
 * A Lambda handler over `deps` (made once per container, on the first message). Records are worked
 * in order; the first that fails fails the invocation, so that no later page of a message group
 * runs before it.
 */
export function backfillWorkerHandler(deps: (context: WorkerContext) => WorkerDeps, log: EventLog): (event: SqsEvent, context?: WorkerContext) => Promise<{ pages: PageSummary[] }> {
  let made: WorkerDeps | undefined;
  return async (event, context = {}) => {
    made ??= deps(context);
    const pages: PageSummary[] = [];
    for (const record of event.Records ?? []) {
      const controller = new AbortController();
      const remaining = context.getRemainingTimeInMillis?.();
      const timer = remaining !== undefined ? setTimeout(() => controller.abort(), Math.max(0, remaining - WORKER_STOP_MARGIN_MS)) : undefined;
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
      try {
        const outcome = await workPage(record.body, { receiveCount, signal: controller.signal }, made);
        const fields = {
          messageId: record.messageId,
          runId: outcome.run?.id,
          page: outcome.record.page,
          state: outcome.state,
          attempt: receiveCount,
          images: outcome.record.images,
          outcomes: outcome.record.outcomes,
          failures: outcome.record.failures.slice(0, 5),
          failureCount: outcome.record.failureCount,
          apiCalls: outcome.record.apiCalls,
          throttledAttempts: outcome.record.throttledAttempts,
          seconds: outcome.record.seconds,
        };
        if (outcome.error) {
          log.error('backfill page failed', { ...fields, lastAttempt: outcome.record.lastAttempt });
          throw new Error(`${outcome.error}${outcome.record.lastAttempt ? ' (last try: SQS moves the page to the dead-letter queue)' : ' (SQS tries the page again)'}`);
        }
        log.info('backfill page done', fields);
        pages.push({ messageId: record.messageId, page: outcome.record.page, state: outcome.state });
      } catch (error) {
        if (isInputError(error)) log.error('backfill page rejected', { messageId: record.messageId, error: error.describe() });
        throw error;
      } finally {
        if (timer) clearTimeout(timer);
      }
    }
    return { pages };
  };
}
