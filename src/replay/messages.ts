import * as v from 'valibot';
import { InputError } from '../errors';
import { parseEventBridgeEvent, type ParsedEvent } from '../events/eventbridge';
import { unwrapFailureRecord } from '../events/failure-record';
import type { ImageRef } from '../events/image-ref';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN } from '../events/patterns';
import { parseOrThrow } from '../validation/parse';

/**
 * The messages a dead-letter queue of ami-tagger can hold, as `replay` and `doctor --image` read
 * them:
 *
 * - `event`: the rule dead-letter queue's message is the EventBridge event itself;
 * - `failure-record`: the failed-events queue's message is Lambda's on-failure record, the event
 *   in `requestPayload` and the error in `responsePayload`;
 * - `backfill`: a backfill worker's message, redriven to its dead-letter queue after its retries:
 *   `{ "kind": "ami-tagger/backfill", "refs": [ImageRef, ...] }`. The backfill fan-out
 *   (`backfill --on lambda`) will produce this shape, one message per account, region and page of
 *   images; `backfillMessage` builds it, so that both sides use the one definition.
 */
export const BACKFILL_MESSAGE_KIND = 'ami-tagger/backfill';

export interface BackfillMessage {
  kind: typeof BACKFILL_MESSAGE_KIND;
  refs: ImageRef[];
}

/** The body of a backfill worker's message for these images. */
export function backfillMessage(refs: readonly ImageRef[]): string {
  const message: BackfillMessage = { kind: BACKFILL_MESSAGE_KIND, refs: [...refs] };
  return JSON.stringify(message);
}

export type QueueMessageContent =
  | { shape: 'event'; parsed: ParsedEvent }
  | { shape: 'failure-record'; parsed: ParsedEvent; error?: string }
  | { shape: 'backfill'; refs: ImageRef[] };

export type QueueMessageShape = QueueMessageContent['shape'];

const TRIGGERS = ['CreateImage', 'CopyImage', 'RegisterImage', 'ImageAvailable', 'Spinnaker', 'Backfill'] as const;
const optionalText = v.optional(v.string());
const Ref = v.object({
  account: v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id')),
  region: v.pipe(v.string(), v.regex(REGION_PATTERN, 'must be an AWS region name like "us-east-1"')),
  imageId: v.pipe(v.string(), v.regex(IMAGE_ID_PATTERN, 'must be an AMI id like "ami-0123456789abcdef0"')),
  trigger: v.optional(v.picklist(TRIGGERS), 'Backfill'),
  eventTime: optionalText,
  name: optionalText,
  copiedFrom: v.optional(v.object({ region: v.pipe(v.string(), v.regex(REGION_PATTERN)), imageId: v.pipe(v.string(), v.regex(IMAGE_ID_PATTERN)) })),
  creator: v.optional(v.object({ principal: v.string(), type: v.string(), arn: optionalText, role: optionalText, session: optionalText, accountId: optionalText })),
});
const BackfillSchema = v.object({ kind: v.literal(BACKFILL_MESSAGE_KIND), refs: v.pipe(v.array(Ref), v.minLength(1, 'must name at least one image')) });

const HINT = 'a message of ami-tagger\'s rule dead-letter queue (an EventBridge event), of its failed-events queue (Lambda\'s on-failure record) or of a backfill worker ({"kind":"ami-tagger/backfill","refs":[...]})';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error Lambda recorded next to the event (`responsePayload.errorType: errorMessage`). */
function recordedError(record: Record<string, unknown>): string | undefined {
  const response = record.responsePayload;
  if (!isRecord(response)) return undefined;
  const type = typeof response.errorType === 'string' ? response.errorType : undefined;
  const message = typeof response.errorMessage === 'string' ? response.errorMessage : undefined;
  return type || message ? [type, message].filter(Boolean).join(': ') : undefined;
}

/** Reads one message body; a body that is none of the three shapes is an InputError naming what is wrong. */
export function parseQueueMessage(body: string): QueueMessageContent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InputError(`the message is not JSON: ${(error as Error).message}`, { where: 'message body', hint: HINT });
  }
  if (isRecord(json) && json.kind === BACKFILL_MESSAGE_KIND) {
    const message = parseOrThrow(BackfillSchema, json, 'backfill message', HINT, { where: 'message body' });
    return { shape: 'backfill', refs: message.refs.map(withoutUndefined) };
  }
  const unwrapped = unwrapFailureRecord(json);
  if (unwrapped !== json && isRecord(json)) {
    const error = recordedError(json);
    return { shape: 'failure-record', parsed: parseEventBridgeEvent(unwrapped), ...(error ? { error } : {}) };
  }
  if (!isRecord(json) || !('detail-type' in json || 'detail' in json || 'source' in json)) {
    throw new InputError('the message is neither an EventBridge event, nor a Lambda on-failure record, nor a backfill message', { where: 'message body', hint: HINT });
  }
  return { shape: 'event', parsed: parseEventBridgeEvent(json) };
}

/** An ImageRef with only the keys the message has. */
function withoutUndefined(ref: v.InferOutput<typeof Ref>): ImageRef {
  const { account, region, imageId, trigger, eventTime, name, copiedFrom, creator } = ref;
  return {
    account,
    region,
    imageId,
    trigger,
    ...(eventTime !== undefined ? { eventTime } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(copiedFrom !== undefined ? { copiedFrom } : {}),
    ...(creator !== undefined ? { creator: Object.fromEntries(Object.entries(creator).filter(([, value]) => value !== undefined)) as typeof creator } : {}),
  };
}

/** The images a message is about (none for an ignored event). */
export function refsOf(content: QueueMessageContent): ImageRef[] {
  if (content.shape === 'backfill') return content.refs;
  return content.parsed.kind === 'image' ? [content.parsed.ref] : [];
}
