import * as v from 'valibot';
import { InputError } from '../errors';
import { parseEventBridgeEvent, type ParsedEvent } from '../events/eventbridge';
import { unwrapFailureRecord } from '../events/failure-record';
import type { ImageRef } from '../model/image-ref';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN } from '../contract/aws-ids';
import { RUN_ID_PATTERN } from '../fanout/names';
import { parseOrThrow } from '../validation/parse';

/**
 * The messages a dead-letter queue of ami-tagger can hold, as `replay` and `doctor --image` read
 * them:
 *
 * - `event`: the rule dead-letter queue's message is the EventBridge event itself;
 * - `failure-record`: the failed-events queue's message is Lambda's on-failure record, the event
 *   in `requestPayload` and the error in `responsePayload`;
 * - `backfill`: a backfill worker's message, redriven to its dead-letter queue after its retries:
 *   `{ "kind": "ami-tagger/backfill", "refs": [ImageRef, ...], "run": {...} }`. The backfill fan-out
 *   (`backfill --on lambda`, src/fanout) sends this shape, one message per account, region and page
 *   of images, and the worker (handlers/backfill-worker.ts) reads it; `backfillMessage` builds it,
 *   so that both sides use the one definition. `run` (optional) says which run the page belongs to,
 *   where its results go, and how the run was asked for; a message without it is tagged as is.
 */
export const BACKFILL_MESSAGE_KIND = 'ami-tagger/backfill';

/** What a page of a fan-out run carries besides its images. */
export interface BackfillRunInfo {
  /** The run id (src/fanout/names.ts): the key of its results in the stack's table. */
  id: string;
  /** The page's key: ACCOUNT/REGION/NUMBER. */
  page: string;
  /** Plan only, write nothing. Replay leaves such a page alone: it has nothing to write. */
  dryRun: boolean;
  /** Fill missing creators from CloudTrail's event history (`--no-lookup`: false). */
  lookup: boolean;
  /** CreateTags calls per second for the page's account and region (`--max-rate`). */
  maxRate: number;
}

export interface BackfillMessage {
  kind: typeof BACKFILL_MESSAGE_KIND;
  refs: ImageRef[];
  run?: BackfillRunInfo;
}

/** The body of a backfill worker's message for these images (of one page of a run, when `run` is given). */
export function backfillMessage(refs: readonly ImageRef[], run?: BackfillRunInfo): string {
  const message: BackfillMessage = { kind: BACKFILL_MESSAGE_KIND, refs: [...refs], ...(run ? { run } : {}) };
  return JSON.stringify(message);
}

export type QueueMessageContent =
  | { shape: 'event'; parsed: ParsedEvent }
  | { shape: 'failure-record'; parsed: ParsedEvent; error?: string }
  | { shape: 'backfill'; refs: ImageRef[]; run?: BackfillRunInfo };

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
/** CreateTags refills 10 a second per account and region (src/estate/rate.ts): a page may not ask for more. */
const MAX_PAGE_RATE = 10;
const RunInfo = v.object({
  id: v.pipe(v.string(), v.regex(RUN_ID_PATTERN, 'must be a run id like "20261124-100000-3f9a2c"')),
  page: v.pipe(v.string(), v.regex(/^\d{12}\/[a-z]{2}(-[a-z]+)+-\d{1,2}\/\d{1,9}$/, 'must be ACCOUNT/REGION/NUMBER')),
  dryRun: v.optional(v.boolean(), false),
  lookup: v.optional(v.boolean(), true),
  maxRate: v.optional(v.pipe(v.number(), v.minValue(0.01), v.maxValue(MAX_PAGE_RATE)), MAX_PAGE_RATE / 2),
});
const BackfillSchema = v.object({ kind: v.literal(BACKFILL_MESSAGE_KIND), refs: v.pipe(v.array(Ref), v.minLength(1, 'must name at least one image')), run: v.optional(RunInfo) });

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
    return { shape: 'backfill', refs: message.refs.map(withoutUndefined), ...(message.run ? { run: message.run } : {}) };
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

/** The images a message is about to be tagged (none for an ignored event, nor for a dry run's page: it writes nothing). */
export function refsOf(content: QueueMessageContent): ImageRef[] {
  if (content.shape === 'backfill') return content.run?.dryRun ? [] : content.refs;
  return content.parsed.kind === 'image' ? [content.parsed.ref] : [];
}
