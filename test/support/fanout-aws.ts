/**
 * The backfill fan-out's AWS, in memory, for tests and the benchmark: served to the real SDK
 * clients through aws-sdk-client-mock, so the adapters (src/aws/fanout-*.ts) run as they do
 * against AWS; EC2, STS and CloudTrail stay the local stand-in (test/support/fake-aws).
 *
 * - FifoQueue: SQS's FIFO delivery. Per message group, only the oldest message is handed out, and
 *   only while no message of its group is in flight and it is visible; a failed message is hidden
 *   for the visibility timeout, and after `maxReceives` tries moves to the dead-letter queue.
 *   Deduplication ids are remembered (a page sent twice arrives once).
 * - runWorkerFromQueue: Lambda's event source mapping over it: one message a batch, at most
 *   `maxConcurrency` invocations at once, the handler called in this process; a message is deleted
 *   when the handler returns and comes back when it throws.
 * - MiniDynamo: DynamoDB's PutItem, UpdateItem, GetItem and Query over one table, with the
 *   expressions the adapters write (SET, ADD, attribute_exists, attribute_not_exists, =, <>, OR).
 * - CloudFormation's DescribeStacks (the worker's outputs) and Organizations' ListAccounts.
 */
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { AccessDeniedException, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { WORKER_OUTPUTS } from '../../src/fanout/names';
import type { SqsEvent, WorkerContext } from '../../src/fanout/lambda';

export interface QueuedMessage {
  id: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  receiveCount: number;
  visibleAt: number;
  inFlight: boolean;
  receiptHandle?: string;
}

let messageCounter = 0;

export class FifoQueue {
  readonly messages: QueuedMessage[] = [];
  private readonly seen = new Set<string>();
  /** Messages sent (duplicates not counted), and SendMessageBatch calls. */
  sent = 0;
  batches = 0;

  constructor(
    readonly url: string,
    readonly options: { maxReceives: number; visibilityMs: number; deadLetter?: FifoQueue },
  ) {}

  send(entry: { body: string; groupId: string; deduplicationId: string }): string {
    const id = `m-${(messageCounter += 1)}`;
    if (this.seen.has(entry.deduplicationId)) return id;
    this.seen.add(entry.deduplicationId);
    this.messages.push({ id, ...entry, receiveCount: 0, visibleAt: 0, inFlight: false });
    this.sent += 1;
    return id;
  }

  /** The next message SQS would hand out: the oldest of a group with nothing in flight, if visible. */
  take(now = performance.now()): QueuedMessage | undefined {
    const heads = new Map<string, QueuedMessage>();
    for (const message of this.messages) if (!heads.has(message.groupId)) heads.set(message.groupId, message);
    for (const head of heads.values()) {
      if (head.inFlight || head.visibleAt > now) continue;
      head.inFlight = true;
      head.receiveCount += 1;
      head.receiptHandle = `${head.id}-${head.receiveCount}`;
      return head;
    }
    return undefined;
  }

  /** When the next hidden message becomes visible, or undefined when none is hidden. */
  nextVisible(): number | undefined {
    const hidden = this.messages.filter((message) => !message.inFlight).map((message) => message.visibleAt);
    return hidden.length > 0 ? Math.min(...hidden) : undefined;
  }

  delete(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  /** The consumer failed: hidden for the visibility timeout, or moved to the dead-letter queue after the last try. */
  failed(message: QueuedMessage, now = performance.now()): void {
    message.inFlight = false;
    message.visibleAt = now + this.options.visibilityMs;
    if (message.receiveCount >= this.options.maxReceives && this.options.deadLetter) {
      this.delete(message);
      this.options.deadLetter.messages.push({ ...message, receiveCount: 0, visibleAt: 0, inFlight: false });
    }
  }
}

export interface PollFigures {
  invocations: number;
  failedInvocations: number;
  /** Most invocations at once, over all groups. */
  maxConcurrent: number;
  /** Most invocations of one message group at once (FIFO: 1). */
  maxConcurrentPerGroup: number;
}

/** Lambda's SQS event source mapping, in this process: until the queue is empty. */
export async function runWorkerFromQueue(
  queue: FifoQueue,
  handler: (event: SqsEvent, context?: WorkerContext) => Promise<unknown>,
  options: { maxConcurrency: number; functionArn: string; timeoutMs?: number; onError?: (error: unknown) => void },
): Promise<PollFigures> {
  const figures: PollFigures = { invocations: 0, failedInvocations: 0, maxConcurrent: 0, maxConcurrentPerGroup: 0 };
  const running = new Set<Promise<void>>();
  const perGroup = new Map<string, number>();
  const invoke = (message: QueuedMessage): Promise<void> => {
    figures.invocations += 1;
    perGroup.set(message.groupId, (perGroup.get(message.groupId) ?? 0) + 1);
    figures.maxConcurrentPerGroup = Math.max(figures.maxConcurrentPerGroup, perGroup.get(message.groupId) ?? 0);
    const started = performance.now();
    const event: SqsEvent = { Records: [{ messageId: message.id, body: message.body, attributes: { ApproximateReceiveCount: String(message.receiveCount), MessageGroupId: message.groupId } }] };
    const context: WorkerContext = { invokedFunctionArn: options.functionArn, getRemainingTimeInMillis: () => (options.timeoutMs ?? 600_000) - (performance.now() - started) };
    return handler(event, context).then(
      () => queue.delete(message),
      (error: unknown) => {
        figures.failedInvocations += 1;
        options.onError?.(error);
        queue.failed(message);
      },
    ).finally(() => perGroup.set(message.groupId, (perGroup.get(message.groupId) ?? 1) - 1));
  };
  for (;;) {
    while (running.size < options.maxConcurrency) {
      const message = queue.take();
      if (!message) break;
      const run: Promise<void> = invoke(message).finally(() => running.delete(run));
      running.add(run);
      figures.maxConcurrent = Math.max(figures.maxConcurrent, running.size);
    }
    if (running.size > 0) {
      await Promise.race(running);
      continue;
    }
    const next = queue.nextVisible();
    if (next === undefined) return figures;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, next - performance.now())));
  }
}

type Item = Record<string, AttributeValue>;

function valueKey(value: AttributeValue | undefined): string {
  return JSON.stringify(value ?? null);
}

/** One DynamoDB table (key `run` + `item`), with the expressions the adapters use. */
export class MiniDynamo {
  readonly items = new Map<string, Item>();
  readonly calls: Record<string, number> = {};
  /** Query answers this many items a page (DynamoDB: 1 MB), so that paging is exercised. */
  pageSize = 7;

  constructor(readonly table: string) {}

  private key(item: Item): string {
    return `${item.run?.S ?? ''}\u0000${item.item?.S ?? ''}`;
  }

  private count(action: string): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
  }

  private checkTable(name: string | undefined): void {
    if (name !== this.table) throw new Error(`no table ${name}`);
  }

  private static resolveName(token: string, names: Record<string, string> | undefined): string {
    return token.startsWith('#') ? (names?.[token] ?? token) : token;
  }

  private static holds(item: Item | undefined, expression: string | undefined, names: Record<string, string> | undefined, values: Record<string, AttributeValue> | undefined): boolean {
    if (!expression) return true;
    return expression.split(/\s+OR\s+/).some((alternative) =>
      alternative.split(/\s+AND\s+/).every((atom) => {
        const trimmed = atom.trim();
        const exists = /^attribute_(not_)?exists\((#?\w+)\)$/.exec(trimmed);
        if (exists) {
          const present = item !== undefined && MiniDynamo.resolveName(exists[2] ?? '', names) in item;
          return exists[1] ? !present : present;
        }
        const comparison = /^(#?\w+)\s*(=|<>)\s*(:\w+)$/.exec(trimmed);
        if (!comparison) throw new Error(`MiniDynamo does not read the condition ${JSON.stringify(trimmed)}`);
        const actual = valueKey(item?.[MiniDynamo.resolveName(comparison[1] ?? '', names)]);
        const expected = valueKey(values?.[comparison[3] ?? '']);
        return comparison[2] === '=' ? actual === expected : actual !== expected;
      }),
    );
  }

  private static apply(item: Item, expression: string, names: Record<string, string> | undefined, values: Record<string, AttributeValue> | undefined): void {
    const clauses = expression.split(/\b(SET|ADD)\b/).map((part) => part.trim()).filter(Boolean);
    for (let index = 0; index < clauses.length; index += 2) {
      const verb = clauses[index];
      const body = clauses[index + 1] ?? '';
      for (const action of body.split(',').map((part) => part.trim())) {
        if (verb === 'SET') {
          const [name = '', value = ''] = action.split('=').map((part) => part.trim());
          const assigned = values?.[value];
          if (!assigned) throw new Error(`MiniDynamo: no value ${value}`);
          item[MiniDynamo.resolveName(name, names)] = structuredClone(assigned);
        } else if (verb === 'ADD') {
          const [name = '', value = ''] = action.split(/\s+/);
          const attribute = MiniDynamo.resolveName(name, names);
          const added = values?.[value];
          const current = item[attribute];
          if (added && 'N' in added && added.N !== undefined) item[attribute] = { N: String(Number(current && 'N' in current ? current.N : 0) + Number(added.N)) };
          else if (added && 'SS' in added && added.SS !== undefined) item[attribute] = { SS: [...new Set([...(current && 'SS' in current ? (current.SS ?? []) : []), ...added.SS])] };
          else throw new Error(`MiniDynamo: ADD takes numbers and string sets, not ${JSON.stringify(added)}`);
        } else {
          throw new Error(`MiniDynamo does not read ${verb}`);
        }
      }
    }
  }

  private static conditionFailed(): ConditionalCheckFailedException {
    return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  }

  put(input: { TableName?: string; Item?: Item; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> }): object {
    this.count('PutItem');
    this.checkTable(input.TableName);
    const item = structuredClone(input.Item ?? {});
    if (!MiniDynamo.holds(this.items.get(this.key(item)), input.ConditionExpression, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) throw MiniDynamo.conditionFailed();
    this.items.set(this.key(item), item);
    return {};
  }

  update(input: { TableName?: string; Key?: Item; UpdateExpression?: string; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue>; ReturnValues?: string }): object {
    this.count('UpdateItem');
    this.checkTable(input.TableName);
    const key = structuredClone(input.Key ?? {});
    const existing = this.items.get(this.key(key));
    if (!MiniDynamo.holds(existing, input.ConditionExpression, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) throw MiniDynamo.conditionFailed();
    const item = structuredClone(existing ?? key);
    MiniDynamo.apply(item, input.UpdateExpression ?? '', input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    this.items.set(this.key(item), item);
    return input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(item) } : {};
  }

  get(input: { TableName?: string; Key?: Item }): object {
    this.count('GetItem');
    this.checkTable(input.TableName);
    const item = this.items.get(this.key(input.Key ?? {}));
    return item ? { Item: structuredClone(item) } : {};
  }

  query(input: { TableName?: string; KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue>; ExclusiveStartKey?: Item }): object {
    this.count('Query');
    this.checkTable(input.TableName);
    const match = /^(#?\w+)\s*=\s*(:\w+)$/.exec(input.KeyConditionExpression ?? '');
    if (!match) throw new Error(`MiniDynamo does not read the key condition ${input.KeyConditionExpression}`);
    const partition = input.ExpressionAttributeValues?.[match[2] ?? '']?.S;
    const all = [...this.items.values()].filter((item) => item.run?.S === partition).sort((a, b) => (a.item?.S ?? '').localeCompare(b.item?.S ?? ''));
    const after = input.ExclusiveStartKey?.item?.S;
    const rest = after === undefined ? all : all.filter((item) => (item.item?.S ?? '') > after);
    const page = rest.slice(0, this.pageSize);
    const last = page[page.length - 1];
    return { Items: page.map((item) => structuredClone(item)), ...(rest.length > page.length && last ? { LastEvaluatedKey: { run: structuredClone(last.run ?? { S: '' }), item: structuredClone(last.item ?? { S: '' }) } } : {}) };
  }
}

export interface FanoutWorld {
  queue: FifoQueue;
  deadLetter: FifoQueue;
  dynamo: MiniDynamo;
  /** The stack's outputs; delete one to play a stack without the worker. */
  outputs: Record<string, string>;
  /** The organisation's accounts (ListAccounts), or the error it answers. */
  organization: { accounts: Array<{ Id: string; State: string }>; refuse?: 'AccessDeniedException' };
  /** Calls by client and command. */
  calls: Record<string, number>;
  restore(): void;
}

/**
 * Installs the fan-out's AWS for the stack `stackName` in `region` of `account`. The queue's
 * visibility timeout is `visibilityMs` (milliseconds, not SQS's minutes: a test waits for it).
 */
export function installFanoutAws(options: { account: string; region: string; stackName: string; visibilityMs?: number; maxReceives?: number; outputs?: Record<string, string> }): FanoutWorld {
  const base = `https://sqs.${options.region}.amazonaws.com/${options.account}/${options.stackName}`;
  const deadLetter = new FifoQueue(`${base}-backfill-dlq.fifo`, { maxReceives: Number.MAX_SAFE_INTEGER, visibilityMs: 60_000 });
  const queue = new FifoQueue(`${base}-backfill.fifo`, { maxReceives: options.maxReceives ?? 5, visibilityMs: options.visibilityMs ?? 10, deadLetter });
  const dynamo = new MiniDynamo(`${options.stackName}-backfill-runs`);
  const calls: Record<string, number> = {};
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const world: FanoutWorld = {
    queue,
    deadLetter,
    dynamo,
    outputs: {
      [WORKER_OUTPUTS.queueUrl]: queue.url,
      [WORKER_OUTPUTS.deadLetterQueueUrl]: deadLetter.url,
      [WORKER_OUTPUTS.table]: dynamo.table,
      [WORKER_OUTPUTS.roleArn]: `arn:aws:iam::${options.account}:role/${options.stackName}-BackfillWorkerRole`,
      ...options.outputs,
    },
    organization: { accounts: [] },
    calls,
    restore: () => undefined,
  };

  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageBatchCommand).callsFake((input: { QueueUrl?: string; Entries?: Array<{ Id?: string; MessageBody?: string; MessageGroupId?: string; MessageDeduplicationId?: string }> }) => {
    count('sqs:SendMessageBatch');
    if (input.QueueUrl !== queue.url) throw new Error(`no queue ${input.QueueUrl}`);
    queue.batches += 1;
    const entries = input.Entries ?? [];
    if (entries.length > 10) throw new Error('SendMessageBatch takes at most 10 entries');
    return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: queue.send({ body: entry.MessageBody ?? '', groupId: entry.MessageGroupId ?? '', deduplicationId: entry.MessageDeduplicationId ?? '' }) })), Failed: [] };
  });
  // The dead-letter queue, as `ami-tagger replay` reads it.
  sqs.on(ReceiveMessageCommand).callsFake((input: { QueueUrl?: string; MaxNumberOfMessages?: number; VisibilityTimeout?: number }) => {
    count('sqs:ReceiveMessage');
    if (input.QueueUrl !== deadLetter.url) throw new Error(`no queue ${input.QueueUrl}`);
    const handed: QueuedMessage[] = [];
    while (handed.length < (input.MaxNumberOfMessages ?? 1)) {
      const taken = deadLetter.take();
      if (!taken) break;
      handed.push(taken);
    }
    // Handed out: hidden for their visibility timeout (not in flight, as SQS sees it).
    for (const message of handed) {
      message.inFlight = false;
      message.visibleAt = performance.now() + (input.VisibilityTimeout ?? 30) * 1000;
    }
    return { Messages: handed.map((message) => ({ MessageId: message.id, ReceiptHandle: message.receiptHandle, Body: message.body })) };
  });
  sqs.on(DeleteMessageCommand).callsFake((input: { QueueUrl?: string; ReceiptHandle?: string }) => {
    count('sqs:DeleteMessage');
    const message = deadLetter.messages.find((candidate) => candidate.receiptHandle === input.ReceiptHandle);
    if (!message) throw new Error(`receipt handle ${input.ReceiptHandle} is not valid`);
    deadLetter.delete(message);
    return {};
  });

  const ddb = mockClient(DynamoDBClient);
  ddb.on(PutItemCommand).callsFake((input: Parameters<MiniDynamo['put']>[0]) => dynamo.put(input));
  ddb.on(UpdateItemCommand).callsFake((input: Parameters<MiniDynamo['update']>[0]) => dynamo.update(input));
  ddb.on(GetItemCommand).callsFake((input: Parameters<MiniDynamo['get']>[0]) => dynamo.get(input));
  ddb.on(QueryCommand).callsFake((input: Parameters<MiniDynamo['query']>[0]) => dynamo.query(input));

  const cloudFormation = mockClient(CloudFormationClient);
  cloudFormation.on(DescribeStacksCommand).callsFake(async (input: { StackName?: string }, getClient: () => CloudFormationClient) => {
    count('cloudformation:DescribeStacks');
    const region = await getClient().config.region();
    if (input.StackName !== options.stackName || region !== options.region) {
      throw new CloudFormationServiceException({ name: 'ValidationError', message: `Stack with id ${input.StackName} does not exist`, $fault: 'client', $metadata: {} });
    }
    return {
      Stacks: [
        {
          StackName: options.stackName,
          StackId: `arn:aws:cloudformation:${options.region}:${options.account}:stack/${options.stackName}/0a1b2c3d`,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: Object.entries(world.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
  });

  const organizations = mockClient(OrganizationsClient);
  organizations.on(ListAccountsCommand).callsFake((input: { MaxResults?: number; NextToken?: string }) => {
    count('organizations:ListAccounts');
    if (world.organization.refuse) throw new AccessDeniedException({ message: "You don't have permissions to access this resource.", $metadata: {} });
    const size = Math.min(input.MaxResults ?? 20, 20);
    const start = Number(input.NextToken ?? '0');
    const page = world.organization.accounts.slice(start, start + size);
    return { Accounts: page.map((account) => ({ Id: account.Id, State: account.State, Name: `account ${account.Id}` })), ...(start + size < world.organization.accounts.length ? { NextToken: String(start + size) } : {}) };
  });

  world.restore = () => {
    sqs.restore();
    ddb.restore();
    cloudFormation.restore();
    organizations.restore();
  };
  return world;
}
