import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ReceivedMessage, ReplayQueue } from '../replay/replay';
import { clientDefaults, type ClientTuning } from './clients';

/** A dead-letter queue for `ami-tagger replay`: ReceiveMessage and DeleteMessage, with the caller's credentials. */
export class SqsReplayQueue implements ReplayQueue {
  private readonly sqs: SQSClient;

  constructor(
    private readonly url: string,
    region: string,
    tuning: ClientTuning = {},
  ) {
    this.sqs = new SQSClient({ region, ...clientDefaults(tuning) });
  }

  async receive(max: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage[]> {
    // Long polling of 1 s asks every SQS server (short polling samples some, and may answer empty
    // while messages wait); an empty answer then ends the replay.
    const answer = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.url, MaxNumberOfMessages: max, VisibilityTimeout: visibilityTimeoutSeconds, WaitTimeSeconds: 1 }));
    return (answer.Messages ?? []).flatMap((message) =>
      message.MessageId && message.ReceiptHandle ? [{ messageId: message.MessageId, receiptHandle: message.ReceiptHandle, body: message.Body ?? '' }] : [],
    );
  }

  async delete(receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: receiptHandle }));
  }
}
