import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { FanoutQueue, OutgoingPage } from '../fanout/ports';
import { clientDefaults, type ClientTuning } from './clients';

/** SendMessageBatch takes at most 10 messages, together at most 256 KiB (SQS API reference). */
export const BATCH_MESSAGES = 10;
export const BATCH_BYTES = 256 * 1024;
/**
 * A page SQS did not take for a reason of its own (not the sender's fault) is sent again, at most
 * this many times more. Its deduplication id makes a page that did arrive count once.
 */
const RESENDS = 2;

/** Pages in SendMessageBatch calls: up to 10, and up to 256 KiB, a call. */
export function batchesOf(pages: readonly OutgoingPage[]): OutgoingPage[][] {
  const batches: OutgoingPage[][] = [];
  let current: OutgoingPage[] = [];
  let bytes = 0;
  for (const page of pages) {
    const size = Buffer.byteLength(page.body);
    if (current.length > 0 && (current.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(page);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The worker's FIFO queue, with the caller's credentials: sqs:SendMessage. */
export class SqsFanoutQueue implements FanoutQueue {
  private readonly sqs: SQSClient;

  constructor(
    private readonly url: string,
    region: string,
    tuning: ClientTuning = {},
  ) {
    this.sqs = new SQSClient({ region, ...clientDefaults(tuning) });
  }

  async send(pages: readonly OutgoingPage[]): Promise<Array<{ page: string; error: string }>> {
    const unsent: Array<{ page: string; error: string }> = [];
    for (const batch of batchesOf(pages)) {
      let pending = batch;
      for (let round = 0; pending.length > 0; round += 1) {
        const entries: SendMessageBatchRequestEntry[] = pending.map((page, index) => ({
          Id: `p${index}`,
          MessageBody: page.body,
          MessageGroupId: page.groupId,
          MessageDeduplicationId: page.deduplicationId,
        }));
        let answer;
        try {
          answer = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }));
        } catch (error) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          unsent.push(...pending.map((page) => ({ page: page.page, error: reason })));
          break;
        }
        const retry: OutgoingPage[] = [];
        for (const failed of answer.Failed ?? []) {
          const page = pending[Number((failed.Id ?? '').slice(1))];
          if (!page) continue;
          const reason = `${failed.Code ?? 'Failed'}: ${failed.Message ?? ''}`.trim();
          if (failed.SenderFault || round >= RESENDS) unsent.push({ page: page.page, error: reason });
          else retry.push(page);
        }
        pending = retry;
      }
    }
    return unsent;
  }
}
