/**
 * What the backfill fan-out needs from AWS beyond the estate's reads (src/estate/ports.ts): a FIFO
 * queue to send pages to, the stack's table of runs and results, the organisation's accounts and
 * the worker's stack outputs. Defined here, implemented with the SDK in src/aws/fanout-*.ts.
 */
import type { AccountScope } from '../account-scope';
import type { TargetFailure } from '../estate/summary';

/** One page on its way to the worker's queue. */
export interface OutgoingPage {
  /** The page's key (src/fanout/names.ts pageKey). */
  page: string;
  /** Images the page names. */
  images: number;
  body: string;
  /** One group per account and region. */
  groupId: string;
  deduplicationId: string;
}

export interface FanoutQueue {
  /**
   * Sends pages (SendMessageBatch, as many a call as SQS takes); resolves with the pages that could
   * not be sent and why. Never throws for one page: a call that fails fails every page in it.
   */
  send(pages: readonly OutgoingPage[]): Promise<Array<{ page: string; error: string }>>;
}

/** Where a run stands: being sent, all sent, or cancelled (the worker drops what is left). */
export type RunState = 'sending' | 'sent' | 'cancelled';

/** How a run was asked for, as `backfill status` shows it. */
export interface RunRecord {
  runId: string;
  state: RunState;
  createdAt: string;
  sentAt?: string;
  cancelledAt?: string;
  dryRun: boolean;
  lookup: boolean;
  maxRate: number;
  /** The filters and places as given on the command line, for people. */
  request: string;
  /** Counted as pages are sent. */
  pages: number;
  images: number;
  targets: number;
  /** Epoch seconds after which DynamoDB deletes the item (TTL). */
  expiresAt: number;
}

/** What one attempt at one page did, as the worker records it (the latest attempt wins, tagged ids add up). */
export interface PageRecord {
  page: string;
  account: string;
  region: string;
  /** Images the message named. */
  images: number;
  state: 'done' | 'failed' | 'cancelled';
  /** SQS's receive count of the message: 1 for the first try. */
  attempt: number;
  /** No try is left: a failed page is in the dead-letter queue now. */
  lastAttempt: boolean;
  /** Images by outcome (the engine's, and `interrupted`), in this attempt. */
  outcomes: Record<string, number>;
  /** Images this attempt wrote tags to: the store keeps the union over attempts. */
  taggedIds: string[];
  resourcesWritten: number;
  creatorsFromHistory: number;
  /** Why images (or the whole page) failed, at most MAX_RECORDED_FAILURES of them. */
  failures: Array<{ imageId?: string; error: string }>;
  failureCount: number;
  warnings: string[];
  /** AWS calls this attempt made, by kind. */
  apiCalls: Record<string, number>;
  throttledAttempts: number;
  seconds: number;
  at: string;
}

export interface RunItems {
  run?: RunRecord;
  /** Each page's latest attempt; its taggedIds are the union over every attempt. */
  pages: PageRecord[];
  /** Account-regions the command could not list or send (they have no page). */
  targetFailures: TargetFailure[];
}

/** What the command does with a run's record: create it, count what it sends, cancel it, sum it. */
export interface RunStore {
  /** A new run; refuses an id that exists. */
  createRun(run: RunRecord): Promise<void>;
  /** Counts pages sent; 'cancelled' when the run was cancelled meanwhile (then stop sending). */
  addSent(runId: string, counts: { pages: number; images: number; targets: number }): Promise<'ok' | 'cancelled'>;
  recordTargetFailure(runId: string, failure: TargetFailure, expiresAt: number): Promise<void>;
  /** Every page was sent; 'cancelled' when the run was cancelled meanwhile. */
  finishSending(runId: string, at: string): Promise<'ok' | 'cancelled'>;
  /** Marks the run cancelled; undefined when there is no such run. */
  cancel(runId: string, at: string): Promise<RunRecord | undefined>;
  /** Everything recorded for the run. */
  items(runId: string): Promise<RunItems>;
}

/**
 * What the worker does with it: read the run before a page, record the page after. A port of its
 * own, so that the worker's code reaches only these two calls and its role allows only them.
 */
export interface PageStore {
  /** The run as it stands now (a consistent read), or undefined. */
  run(runId: string): Promise<RunRecord | undefined>;
  /** One attempt at one page. A cancelled page never replaces a done one. */
  recordPage(runId: string, page: PageRecord, expiresAt: number): Promise<void>;
}

/** The worker's parts of a deployed stack, from its outputs. */
export interface WorkerStack {
  stackName: string;
  region: string;
  /** The stack's account (from its id). */
  account: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  table: string;
  /** The accounts the worker may act in besides its own. */
  accounts: AccountScope;
  memberRoleName: string;
}

/** The accounts of the caller's organisation (Organizations ListAccounts). */
export interface OrganizationGateway {
  /** Active accounts, every page. Throws OrganizationRefusal when the caller may not list them. */
  activeAccounts(): Promise<string[]>;
}

/** Organizations refused to list the accounts: not the management account nor a delegated administrator, or no organisation. */
export class OrganizationRefusal extends Error {
  override readonly name = 'OrganizationRefusal';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
