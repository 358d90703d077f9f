/**
 * The backfill fan-out's names, in one place: the stack outputs the command reads (written by
 * serverless/backfill-worker.cjs, which loads this module), the run id, the message group of an
 * account and region, a page's key and its deduplication id. Pure: no AWS, no environment.
 */

/** Stack outputs of the optional worker (`--param backfillWorker=true`). */
export const WORKER_OUTPUTS = {
  /** The FIFO queue the command sends pages to. */
  queueUrl: 'BackfillWorkerQueueUrl',
  /** Where a page lands after its last try; `ami-tagger replay --queue` reads it. */
  deadLetterQueueUrl: 'BackfillWorkerDeadLetterQueueUrl',
  /** The DynamoDB table of runs and their results. */
  table: 'BackfillRunsTableName',
  /** The stack's allow-list (deploy parameter `accounts`, as src/account-scope.ts formats it). */
  accounts: 'BackfillWorkerAccounts',
  /** The member role the worker assumes in other accounts ('' in single-account mode). */
  memberRoleName: 'BackfillWorkerMemberRoleName',
  /** The worker's role: central mode's member roles must trust it (TaggerRoleArns). */
  roleArn: 'BackfillWorkerRoleArn',
} as const;

/** The queue and table names the stack gives them (the outputs above carry the real ones). */
export function workerResourceNames(service: string, stage: string): { functionName: string; queue: string; deadLetterQueue: string; table: string } {
  const prefix = `${service}-${stage}`;
  return { functionName: `${prefix}-backfill-worker`, queue: `${prefix}-backfill.fifo`, deadLetterQueue: `${prefix}-backfill-dlq.fifo`, table: `${prefix}-backfill-runs` };
}

/**
 * SQS tries a page this many times (the first and four retries) before it moves it to the
 * dead-letter queue: Lambda's documentation asks for at least 5 on a queue that a function reads.
 */
export const MAX_RECEIVE_COUNT = 5;
/** The worker's timeout: a page of 1000 images takes about 200 s of writes at the default rate. */
export const WORKER_TIMEOUT_SECONDS = 600;
/** Lambda's documentation asks for a visibility timeout of six times the function's timeout. */
export const QUEUE_VISIBILITY_SECONDS = 6 * WORKER_TIMEOUT_SECONDS;
/** Worker copies at once, over all account-regions, unless `--param backfillWorkerConcurrency=N` (2 to 1000). */
export const DEFAULT_WORKER_CONCURRENCY = 10;
/** How long a run's results are kept (DynamoDB TTL on `expiresAt`). */
export const RUN_RETENTION_DAYS = 30;

/** Run ids: `YYYYMMDD-HHMMSS-` and six hex digits (UTC), sortable and short enough to type. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now: Date, random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  return `${stamp}-${suffix}`;
}

/** One message group per account and region: SQS hands out one page of a group at a time. */
export function messageGroupId(account: string, region: string): string {
  return `${account}/${region}`;
}

/** A page of a run: its account, region and number (1-based, zero-padded so keys sort). */
export function pageKey(account: string, region: string, page: number): string {
  return `${account}/${region}/${String(page).padStart(5, '0')}`;
}

/** SQS drops a second message with the same id within five minutes: a resent page is sent once. */
export function deduplicationId(runId: string, page: string): string {
  return `${runId}/${page}`;
}
