import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PageRecord, RunRecord, RunState } from '../fanout/ports';

/**
 * The run's record and its pages' results in the stack's DynamoDB table (pay per request, TTL on
 * `expiresAt`): one partition per run (`run` = the run id), one item per thing in it (`item`):
 *
 * - `run`: how it was asked for, its state (sending, sent, cancelled), pages and images sent;
 * - `target#ACCOUNT/REGION`: an account-region the command could not list or send;
 * - `page#ACCOUNT/REGION/NUMBER`: the latest try at a page (its outcomes and failures), with what
 *   adds up over tries: the ids of the images tagged (a string set), the resources written, the
 *   creators found, the AWS calls by kind (`calls:KIND`), throttled attempts and seconds.
 *
 * The worker reads the run (GetItem) and updates its pages (UpdateItem): src/aws/fanout-pages.ts;
 * the command creates the run (PutItem), counts what it sends and cancels (UpdateItem), and sums
 * it all (Query): src/aws/fanout-runs.ts. This file holds the items' shape, and sends nothing.
 */
export const RUN_ITEM = 'run';
export const PAGE_PREFIX = 'page#';
export const TARGET_PREFIX = 'target#';
export const CALLS_PREFIX = 'calls:';

export type Item = Record<string, AttributeValue>;

export const textAttr = (value: string): AttributeValue => ({ S: value });
export const numberAttr = (value: number): AttributeValue => ({ N: String(value) });
export const boolAttr = (value: boolean): AttributeValue => ({ BOOL: value });

export function text(item: Item, name: string): string | undefined {
  const value = item[name];
  return value && 'S' in value && typeof value.S === 'string' ? value.S : undefined;
}
export function num(item: Item, name: string): number {
  const value = item[name];
  return value && 'N' in value && typeof value.N === 'string' ? Number(value.N) : 0;
}
export function bool(item: Item, name: string): boolean {
  const value = item[name];
  return value !== undefined && 'BOOL' in value && value.BOOL === true;
}
export function json<T>(item: Item, name: string, fallback: T): T {
  const raw = text(item, name);
  if (raw === undefined) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export const RUN_STATES: readonly RunState[] = ['sending', 'sent', 'cancelled'];

export function runOf(item: Item): RunRecord {
  const state = text(item, 'state');
  const run: RunRecord = {
    runId: text(item, 'run') ?? '',
    state: RUN_STATES.includes(state as RunState) ? (state as RunState) : 'sending',
    createdAt: text(item, 'createdAt') ?? '',
    dryRun: bool(item, 'dryRun'),
    lookup: bool(item, 'lookup'),
    maxRate: num(item, 'maxRate'),
    request: text(item, 'request') ?? '',
    pages: num(item, 'pages'),
    images: num(item, 'images'),
    targets: num(item, 'targets'),
    expiresAt: num(item, 'expiresAt'),
  };
  const sentAt = text(item, 'sentAt');
  const cancelledAt = text(item, 'cancelledAt');
  if (sentAt) run.sentAt = sentAt;
  if (cancelledAt) run.cancelledAt = cancelledAt;
  return run;
}

export function pageOf(item: Item): PageRecord {
  const state = text(item, 'state');
  const apiCalls: Record<string, number> = {};
  for (const name of Object.keys(item).filter((key) => key.startsWith(CALLS_PREFIX)).sort()) apiCalls[name.slice(CALLS_PREFIX.length)] = num(item, name);
  const tagged = item.taggedIds;
  return {
    page: (text(item, 'item') ?? '').slice(PAGE_PREFIX.length),
    account: text(item, 'account') ?? '',
    region: text(item, 'region') ?? '',
    images: num(item, 'images'),
    state: state === 'done' || state === 'cancelled' ? state : 'failed',
    attempt: num(item, 'attempt'),
    lastAttempt: bool(item, 'lastAttempt'),
    outcomes: json<Record<string, number>>(item, 'outcomes', {}),
    taggedIds: tagged && 'SS' in tagged && Array.isArray(tagged.SS) ? [...tagged.SS].sort() : [],
    resourcesWritten: num(item, 'resourcesWritten'),
    creatorsFromHistory: num(item, 'creatorsFromHistory'),
    failures: json<PageRecord['failures']>(item, 'failures', []),
    failureCount: num(item, 'failureCount'),
    warnings: json<string[]>(item, 'warnings', []),
    apiCalls,
    throttledAttempts: num(item, 'throttledAttempts'),
    seconds: num(item, 'seconds'),
    at: text(item, 'at') ?? '',
  };
}

/** An UpdateItem's expression from named SET and ADD values: `SET #a0 = :a0, ... ADD #b0 :b0, ...`. */
export function updateOf(set: Record<string, AttributeValue>, add: Record<string, AttributeValue>): { UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, AttributeValue> } {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const part = (entries: Array<[string, AttributeValue]>, prefix: string, joiner: string): string[] =>
    entries.map(([name, value], index) => {
      names[`#${prefix}${index}`] = name;
      values[`:${prefix}${index}`] = value;
      return `#${prefix}${index}${joiner}:${prefix}${index}`;
    });
  const sets = part(Object.entries(set), 's', ' = ');
  const adds = part(Object.entries(add), 'a', ' ');
  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', adds.length > 0 ? `ADD ${adds.join(', ')}` : ''].filter(Boolean).join(' ');
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** The key of an item of a run. */
export function keyOf(runId: string, item: string): Item {
  return { run: textAttr(runId), item: textAttr(item) };
}

/** The UpdateItem of one attempt at a page: the latest try's fields SET, what adds up over tries ADDed. */
export function pageUpdate(page: PageRecord, expiresAt: number): ReturnType<typeof updateOf> & { ConditionExpression?: string } {
  const set: Record<string, AttributeValue> = {
    account: textAttr(page.account),
    region: textAttr(page.region),
    images: numberAttr(page.images),
    state: textAttr(page.state),
    attempt: numberAttr(page.attempt),
    lastAttempt: boolAttr(page.lastAttempt),
    outcomes: textAttr(JSON.stringify(page.outcomes)),
    failures: textAttr(JSON.stringify(page.failures)),
    failureCount: numberAttr(page.failureCount),
    warnings: textAttr(JSON.stringify(page.warnings)),
    at: textAttr(page.at),
    expiresAt: numberAttr(expiresAt),
  };
  const add: Record<string, AttributeValue> = {
    resourcesWritten: numberAttr(page.resourcesWritten),
    creatorsFromHistory: numberAttr(page.creatorsFromHistory),
    throttledAttempts: numberAttr(page.throttledAttempts),
    seconds: numberAttr(Math.round(page.seconds * 1000) / 1000),
    ...Object.fromEntries(Object.entries(page.apiCalls).map(([kind, calls]) => [`${CALLS_PREFIX}${kind}`, numberAttr(calls)])),
    // A string set may not be empty: no tagged image, nothing added.
    ...(page.taggedIds.length > 0 ? { taggedIds: { SS: [...new Set(page.taggedIds)] } } : {}),
  };
  const update = updateOf(set, add);
  if (page.state !== 'cancelled') return update;
  // A cancelled page never replaces a done one (a page may be delivered again after it was done).
  return {
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: 'attribute_not_exists(#state) OR #state <> :done',
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#state': 'state' },
    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':done': textAttr('done') },
  };
}
