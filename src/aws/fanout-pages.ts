import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { PageRecord, PageStore, RunRecord } from '../fanout/ports';
import { clientDefaults, type ClientTuning } from './clients';
import { isConditionFailure, keyOf, pageUpdate, PAGE_PREFIX, RUN_ITEM, runOf } from './fanout-items';

/**
 * The worker's side of the stack's table of runs (src/aws/fanout-items.ts): the run's state before
 * a page (GetItem, a consistent read) and the page's results after it (UpdateItem). Nothing else:
 * the worker's role allows exactly these two on the table.
 */
export class DynamoDbPageStore implements PageStore {
  private readonly dynamo: DynamoDBClient;

  constructor(
    private readonly table: string,
    region: string,
    tuning: ClientTuning = {},
  ) {
    this.dynamo = new DynamoDBClient({ region, ...clientDefaults(tuning) });
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    const answer = await this.dynamo.send(new GetItemCommand({ TableName: this.table, Key: keyOf(runId, RUN_ITEM), ConsistentRead: true }));
    return answer.Item ? runOf(answer.Item) : undefined;
  }

  async recordPage(runId: string, page: PageRecord, expiresAt: number): Promise<void> {
    try {
      await this.dynamo.send(new UpdateItemCommand({ TableName: this.table, Key: keyOf(runId, `${PAGE_PREFIX}${page.page}`), ...pageUpdate(page, expiresAt) }));
    } catch (error) {
      // A cancelled page that was done already: it stays done.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
