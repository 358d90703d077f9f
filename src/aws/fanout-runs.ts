import { DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TargetFailure } from '../estate/summary';
import type { RunItems, RunRecord, RunStore } from '../fanout/ports';
import { clientDefaults, type ClientTuning } from './clients';
import { boolAttr, isConditionFailure, keyOf, numberAttr, PAGE_PREFIX, pageOf, RUN_ITEM, runOf, TARGET_PREFIX, text, textAttr, updateOf, type Item } from './fanout-items';

/**
 * The command's side of the stack's table of runs (src/aws/fanout-items.ts), with the caller's
 * credentials: `backfill --on lambda` creates the run (PutItem) and counts what it sends
 * (UpdateItem, refused once the run is cancelled), `backfill cancel` marks it cancelled
 * (UpdateItem), `backfill status` reads all of it (Query).
 */
export class DynamoDbRunStore implements RunStore {
  private readonly dynamo: DynamoDBClient;

  constructor(
    private readonly table: string,
    region: string,
    tuning: ClientTuning = {},
  ) {
    this.dynamo = new DynamoDBClient({ region, ...clientDefaults(tuning) });
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          ...keyOf(run.runId, RUN_ITEM),
          state: textAttr(run.state),
          createdAt: textAttr(run.createdAt),
          dryRun: boolAttr(run.dryRun),
          lookup: boolAttr(run.lookup),
          maxRate: numberAttr(run.maxRate),
          request: textAttr(run.request),
          pages: numberAttr(run.pages),
          images: numberAttr(run.images),
          targets: numberAttr(run.targets),
          expiresAt: numberAttr(run.expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(#run)',
        ExpressionAttributeNames: { '#run': 'run' },
      }),
    );
  }

  /** An update of the run item while it is being sent: 'cancelled' when someone cancelled it. */
  private async whileSending(runId: string, set: Record<string, AttributeValue>, add: Record<string, AttributeValue>): Promise<'ok' | 'cancelled'> {
    const update = updateOf(set, add);
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(runId, RUN_ITEM),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#state': 'state' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':sending': textAttr('sending') },
        }),
      );
      return 'ok';
    } catch (error) {
      if (isConditionFailure(error)) return 'cancelled';
      throw error;
    }
  }

  addSent(runId: string, counts: { pages: number; images: number; targets: number }): Promise<'ok' | 'cancelled'> {
    return this.whileSending(runId, {}, { pages: numberAttr(counts.pages), images: numberAttr(counts.images), targets: numberAttr(counts.targets) });
  }

  finishSending(runId: string, at: string): Promise<'ok' | 'cancelled'> {
    return this.whileSending(runId, { state: textAttr('sent'), sentAt: textAttr(at) }, {});
  }

  async recordTargetFailure(runId: string, failure: TargetFailure, expiresAt: number): Promise<void> {
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...keyOf(runId, `${TARGET_PREFIX}${failure.account}/${failure.region}`), account: textAttr(failure.account), region: textAttr(failure.region), error: textAttr(failure.error), expiresAt: numberAttr(expiresAt) },
      }),
    );
  }

  async cancel(runId: string, at: string): Promise<RunRecord | undefined> {
    try {
      const answer = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(runId, RUN_ITEM),
          UpdateExpression: 'SET #state = :cancelled, #at = :at',
          ConditionExpression: 'attribute_exists(#run)',
          ExpressionAttributeNames: { '#state': 'state', '#at': 'cancelledAt', '#run': 'run' },
          ExpressionAttributeValues: { ':cancelled': textAttr('cancelled'), ':at': textAttr(at) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return answer.Attributes ? runOf(answer.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async items(runId: string): Promise<RunItems> {
    const items: RunItems = { pages: [], targetFailures: [] };
    let start: Item | undefined;
    do {
      const answer = await this.dynamo.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#run = :run',
          ExpressionAttributeNames: { '#run': 'run' },
          ExpressionAttributeValues: { ':run': textAttr(runId) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of answer.Items ?? []) {
        const name = text(item, 'item') ?? '';
        if (name === RUN_ITEM) items.run = runOf(item);
        else if (name.startsWith(PAGE_PREFIX)) items.pages.push(pageOf(item));
        else if (name.startsWith(TARGET_PREFIX)) items.targetFailures.push({ account: text(item, 'account') ?? '', region: text(item, 'region') ?? '', error: text(item, 'error') ?? '' });
      }
      start = answer.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
