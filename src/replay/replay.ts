import { isInputError } from '../errors';
import type { ImageRef } from '../model/image-ref';
import type { EngineOptions, TagOutcome } from '../tagger/engine';
import { tagImages } from '../tagger/tag-images';
import { parseQueueMessage, refsOf, type QueueMessageShape } from './messages';

/** One message as received: its receipt handle is what deletes it. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

/** The queue replay reads: ReceiveMessage and DeleteMessage (src/aws/doctor-sqs.ts). */
export interface ReplayQueue {
  receive(max: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
}

/**
 * How long a message received by replay stays hidden from other readers: long enough to tag its
 * images (a backfill message may name a page of them), short enough that a replay that dies
 * leaves the messages to the next one soon.
 */
export const REPLAY_VISIBILITY_SECONDS = 300;
/** A dry run hides each message it read this long, so that it reads each one once; it deletes none. */
export const DRY_RUN_VISIBILITY_SECONDS = 60;
export const DEFAULT_MAX_MESSAGES = 1000;
const RECEIVE_BATCH = 10;

/** What happened to one message. */
export type MessageResult =
  /** Its images were tagged (or up to date, or gone): the message was deleted (a dry run: would be). */
  | 'replayed'
  /** A well-formed event that is not an image to tag (a failed call, a state other than available): deleted. */
  | 'ignored'
  /** Not one of the three shapes, or malformed: kept, replaying cannot fix it. */
  | 'rejected'
  /** Tagging failed for at least one of its images: kept, to be replayed again. */
  | 'failed';

export interface ReplayedMessage {
  messageId: string;
  shape?: QueueMessageShape;
  imageIds: string[];
  result: MessageResult;
  /** Whether the message was deleted; a dry run deletes nothing. */
  deleted: boolean;
  detail: string;
  outcomes: TagOutcome[];
}

export interface ReplayReport {
  dryRun: boolean;
  messages: ReplayedMessage[];
  counts: Record<MessageResult, number>;
  deleted: number;
}

export interface ReplayOptions {
  engine: EngineOptions;
  dryRun: boolean;
  max?: number;
}

/** The same image named twice in one message is tagged once. */
function distinct(refs: readonly ImageRef[]): ImageRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.account}/${ref.region}/${ref.imageId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function replayOne(message: ReceivedMessage, queue: ReplayQueue, options: ReplayOptions): Promise<ReplayedMessage> {
  const base = { messageId: message.messageId, imageIds: [] as string[], deleted: false, outcomes: [] as TagOutcome[] };
  let content;
  try {
    content = parseQueueMessage(message.body);
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { ...base, result: 'rejected', detail: `kept: ${error.message}` };
  }
  const refs = distinct(refsOf(content));
  const shaped = { ...base, shape: content.shape, imageIds: refs.map((ref) => ref.imageId) };
  let result: ReplayedMessage;
  if (refs.length === 0) {
    const reason = content.shape !== 'backfill' && content.parsed.kind === 'ignored' ? content.parsed.reason : 'nothing to tag';
    result = { ...shaped, result: 'ignored', detail: reason };
  } else {
    // The one use case, as the event function and backfill run it.
    const outcomes = await tagImages(refs, { ...options.engine, dryRun: options.dryRun || options.engine.dryRun === true });
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    if (failed.length > 0) {
      return { ...shaped, outcomes, result: 'failed', detail: `kept: ${failed.map((outcome) => `${outcome.imageId}: ${outcome.error ?? 'failed'}`).join('; ')}` };
    }
    result = { ...shaped, outcomes, result: 'replayed', detail: outcomes.map((outcome) => `${outcome.imageId}: ${outcome.status}`).join(', ') };
  }
  if (options.dryRun) return { ...result, detail: `${result.detail} (dry run: nothing written, message kept)` };
  try {
    await queue.delete(message.receiptHandle);
    return { ...result, deleted: true };
  } catch (error) {
    return { ...result, detail: `${result.detail}; could not delete the message: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
}

/**
 * `ami-tagger replay`: takes a dead-letter queue's messages through the same use case as the
 * event function (tagImages) and deletes each one only after its images were tagged (or were
 * found up to date, or gone). A dry run plans and deletes nothing. Stops when the queue has no
 * message it has not seen, or after `max` messages.
 */
export async function replayQueue(queue: ReplayQueue, options: ReplayOptions): Promise<ReplayReport> {
  const max = options.max ?? DEFAULT_MAX_MESSAGES;
  const visibility = options.dryRun ? DRY_RUN_VISIBILITY_SECONDS : REPLAY_VISIBILITY_SECONDS;
  const seen = new Set<string>();
  const messages: ReplayedMessage[] = [];
  while (messages.length < max) {
    const batch = await queue.receive(Math.min(RECEIVE_BATCH, max - messages.length), visibility);
    const fresh = batch.filter((message) => !seen.has(message.messageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.messageId);
      messages.push(await replayOne(message, queue, options));
    }
  }
  const counts: Record<MessageResult, number> = { replayed: 0, ignored: 0, rejected: 0, failed: 0 };
  for (const message of messages) counts[message.result] += 1;
  return { dryRun: options.dryRun, messages, counts, deleted: messages.filter((message) => message.deleted).length };
}
