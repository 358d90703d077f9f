import { isInputError } from '../errors';
import type { ImageRef, Tag } from '../model/image-ref';
import { parseQueueMessage, refsOf } from '../replay/messages';
import type { EngineOptions, TagOutcome } from '../tagger/engine';
import type { ImageDescription } from '../model/facts';
import type { SkippedTag } from '../tagger/plan';
import { reportedSkips } from '../tagger/summary';
import { tagImages } from '../tagger/tag-images';
import { deployCommand } from './region-checks';
import { LOGICAL_IDS, QUEUE_LOGICAL_IDS, type QueueKind, type StackNames } from './names';
import type { RegionReads, StackInfo } from './reads';

/** The function's logs are kept 30 days (serverless.yml logRetentionInDays): no use looking further. */
export const LOG_RETENTION_DAYS = 30;
/** Log lines shown for one image: its events are a handful; more means something repeats. */
export const MAX_LOG_LINES = 50;
/** Messages looked at per dead-letter queue. */
export const MAX_PEEKED_MESSAGES = 100;

export interface FunctionLogLine {
  time: string;
  message: string;
  status?: string;
  detail?: string;
}

export interface QueueSighting {
  queue: QueueKind;
  url: string;
  /** Messages looked at (none taken, none deleted). */
  looked: number;
  /** The messages about this image. */
  messageIds: string[];
  error?: string;
}

export interface ImageDiagnosis {
  account: string;
  region: string;
  imageId: string;
  /** `ok`: every tag the rules give is there, and no failed event waits. `finding`: see verdict. */
  status: 'ok' | 'finding';
  verdict: string;
  fix?: string;
  image?: Pick<ImageDescription, 'name' | 'state' | 'creationDate' | 'tags'>;
  /** The engine's dry run: what the rules would write now, by resource. */
  wouldWrite: Record<string, Tag[]>;
  skipped: SkippedTag[];
  /** From the event found in a dead-letter queue, or from the image alone (as the "available" event). */
  plannedFrom: string;
  stack?: string;
  /** Where the stack, its log and its queues were looked for. */
  stackRegion: string;
  /** undefined: the function's log could not be read (no stack, no log group, a refusal: see logNote). */
  logLines?: FunctionLogLine[];
  logNote?: string;
  queues: QueueSighting[];
  notes: string[];
}

export interface ImageDoctorInput {
  /** Reads in the region of the tagger's stack: the image's own, or in central mode the central region. */
  reads: RegionReads;
  /** The image's region; the stack's (reads.region) when not given. */
  region?: string;
  engine: EngineOptions;
  names: StackNames;
  account: string;
  imageId: string;
  now: number;
}

const asText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A log line of the function: Powertools' JSON (message, status, error), or the text as it is. */
export function readLogLine(timestamp: number, text: string): FunctionLogLine {
  const line: FunctionLogLine = { time: new Date(timestamp).toISOString(), message: text.trim() };
  const start = text.indexOf('{');
  if (start < 0) return line;
  try {
    const json = JSON.parse(text.slice(start)) as Record<string, unknown>;
    if (typeof json.message === 'string') line.message = json.message;
    if (typeof json.status === 'string') line.status = json.status;
    const detail = typeof json.error === 'string' ? json.error : typeof json.reason === 'string' ? json.reason : undefined;
    if (detail !== undefined) line.detail = detail;
  } catch {
    // Not JSON after all: the text as it is.
  }
  return line;
}

async function lookInQueues(reads: RegionReads, stack: StackInfo, imageId: string): Promise<{ sightings: QueueSighting[]; ref?: ImageRef }> {
  const sightings: QueueSighting[] = [];
  let found: ImageRef | undefined;
  for (const queue of ['rule-dlq', 'failed-events'] as QueueKind[]) {
    const url = stack.resources[QUEUE_LOGICAL_IDS[queue]];
    if (!url) continue;
    try {
      const messages = await reads.peekMessages(url, MAX_PEEKED_MESSAGES);
      const about = messages.filter((message) => {
        try {
          const ref = refsOf(parseQueueMessage(message.body)).find((candidate) => candidate.imageId === imageId);
          found ??= ref;
          return ref !== undefined;
        } catch (error) {
          if (!isInputError(error)) throw error;
          return message.body.includes(imageId);
        }
      });
      sightings.push({ queue, url, looked: messages.length, messageIds: about.map((message) => message.messageId) });
    } catch (error) {
      sightings.push({ queue, url, looked: 0, messageIds: [], error: asText(error) });
    }
  }
  return { sightings, ...(found ? { ref: found } : {}) };
}

/**
 * `ami-tagger doctor --image ID`: for one image, on one screen, its tags now, what the rules
 * would write (the engine's own dry run), what they leave out and why, whether its events reached
 * the function (the function's log, searched by image id), and whether one waits in a
 * dead-letter queue (looked at with a visibility timeout of 0: nothing taken, nothing deleted).
 */
export async function diagnoseImage(input: ImageDoctorInput): Promise<ImageDiagnosis> {
  const { reads, engine, names, account, imageId, now } = input;
  const region = input.region ?? reads.region;
  const notes: string[] = [];
  const base = { account, region, stackRegion: reads.region, imageId, wouldWrite: {}, skipped: [], queues: [] as QueueSighting[], notes };

  const image = await engine.ec2.describeImage(account, region, imageId);
  if (!image) {
    return {
      ...base,
      status: 'finding',
      plannedFrom: 'nothing: the image is not there',
      verdict: `EC2 does not know ${imageId} in ${account}/${region}: deregistered, in another account or region, or not visible to these credentials`,
      fix: 'check the id, the region (--region) and the account of your credentials',
    };
  }
  const shown = { name: image.name, state: image.state, creationDate: image.creationDate, tags: image.tags };

  let stack: StackInfo | undefined;
  try {
    stack = await reads.stack(names.stack);
  } catch (error) {
    notes.push(`the stack could not be read: ${asText(error)}`);
  }

  const { sightings, ref: queuedRef } = stack ? await lookInQueues(reads, stack, imageId) : { sightings: [] as QueueSighting[], ref: undefined };
  const ref: ImageRef = queuedRef ?? { account, region, imageId, trigger: 'ImageAvailable' };
  const plannedFrom = queuedRef ? `the ${queuedRef.trigger} event waiting in a dead-letter queue` : 'the image alone, as the "available" event gives it (no caller: CreatedBy needs the CloudTrail event)';
  const [outcome] = (await tagImages([ref], { ...engine, dryRun: true })) as [TagOutcome];
  if (outcome.status === 'failed') notes.push(`the dry run failed: ${outcome.error ?? ''}`);
  notes.push(...outcome.notes);

  let logLines: FunctionLogLine[] | undefined;
  let logNote: string | undefined;
  if (stack) {
    const logGroup = stack.resources[LOGICAL_IDS.logGroup] ?? names.logGroup;
    const created = image.creationDate ? Date.parse(image.creationDate) : Number.NaN;
    const since = Math.max(now - LOG_RETENTION_DAYS * 24 * 3600 * 1000, Number.isFinite(created) ? created - 3600 * 1000 : 0);
    try {
      const lines = await reads.logLines(logGroup, [imageId], since, MAX_LOG_LINES);
      if (lines === undefined) logNote = `the log group ${logGroup} does not exist: the function never ran`;
      else logLines = lines.map((line) => readLogLine(line.timestamp, line.message));
      if (lines !== undefined) logNote = `${logGroup}, since ${new Date(since).toISOString()}`;
    } catch (error) {
      logNote = `the function's log could not be read: ${asText(error)}`;
    }
  } else {
    logNote = `no stack ${names.stack} in ${reads.region}: no function to look at`;
  }

  const { reported } = reportedSkips(outcome);
  const diagnosis: ImageDiagnosis = {
    ...base,
    image: shown,
    wouldWrite: outcome.written,
    skipped: reported,
    plannedFrom,
    ...(stack ? { stack: stack.name } : {}),
    ...(logLines ? { logLines } : {}),
    ...(logNote ? { logNote } : {}),
    queues: sightings,
    status: 'finding',
    verdict: '',
  };
  return { ...diagnosis, ...verdictOf(diagnosis, outcome, names, stack !== undefined) };
}

/** The one sentence that answers "why is it not tagged?", and what to do. */
function verdictOf(diagnosis: ImageDiagnosis, outcome: TagOutcome, names: StackNames, hasStack: boolean): Pick<ImageDiagnosis, 'status' | 'verdict' | 'fix'> {
  const { region, imageId } = diagnosis;
  const waiting = diagnosis.queues.find((queue) => queue.messageIds.length > 0);
  const lines = diagnosis.logLines ?? [];
  const last = lines.at(-1);
  const missing = Object.values(outcome.written).reduce((count, tags) => count + tags.length, 0);
  const tagNow = `tag it now: \`npx ami-tagger backfill --image-ids ${imageId} --region ${region}\``;
  if (waiting) {
    return {
      status: 'finding',
      verdict: `an event about it waits in the ${waiting.queue} queue (${waiting.messageIds.length} message(s)): the tagger could not finish it`,
      fix: `see and replay it: \`npx ami-tagger replay --queue ${waiting.url} --dry-run\`, then without --dry-run`,
    };
  }
  if (outcome.status === 'failed') return { status: 'finding', verdict: `the dry run failed: ${outcome.error ?? ''}`, fix: 'see the error; doctor --regions shows what else is wrong in the region' };
  if (missing === 0) {
    const seen = lines.length > 0 ? `; the function saw it (${lines.length} log line(s), last: ${last?.message ?? ''})` : '';
    return { status: 'ok', verdict: `tagged: every tag the rules give is there${seen}` };
  }
  if (!hasStack) return { status: 'finding', verdict: `no tagger stack ${names.stack} in ${diagnosis.stackRegion}: no event about this image was handled there`, fix: `\`${deployCommand(diagnosis.stackRegion, names.stage)}\` (in central mode, give the central region: --stack-region); then ${tagNow}` };
  if (lines.length === 0) {
    return {
      status: 'finding',
      verdict: `no event about it reached the function: ${missing} tag(s) missing`,
      fix: `look for the cause with \`npx ami-tagger doctor --regions ${region}\` (rules, trail, forwarding in central mode); ${tagNow}`,
    };
  }
  const failed = [...lines].reverse().find((line) => line.status === 'failed' || /fail|error/i.test(line.message));
  if (last?.status === 'dry-run') return { status: 'finding', verdict: 'the function saw it but runs in dry-run mode: it writes nothing', fix: `deploy with \`--param dryRun=false\`; then ${tagNow}` };
  if (failed && failed === last) return { status: 'finding', verdict: `the function failed on it: ${failed.detail ?? failed.message}`, fix: `fix the cause; the event went to the failed-events queue and may have been replayed or expired; ${tagNow}` };
  return {
    status: 'finding',
    verdict: `the function saw it (last: ${last?.message ?? ''}), but ${missing} tag(s) the rules give now are missing: the rules changed since, or the value was not known then`,
    fix: tagNow,
  };
}
