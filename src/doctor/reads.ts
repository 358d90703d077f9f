/**
 * What doctor needs to read, as plain data. Doctor defines it; src/aws/doctor-reads.ts implements
 * it with the SDK (every call a read: Describe*, List*, Get*, FilterLogEvents, and an AssumeRole
 * whose credentials are thrown away), and tests give recorded answers. Every method of
 * `RegionReads` is about one region.
 */

export interface StackInfo {
  name: string;
  /** CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_IN_PROGRESS, ROLLBACK_COMPLETE, ... */
  status: string;
  outputs: Record<string, string>;
  /** Logical id -> physical id (a function's name, a queue's URL, a rule's name). */
  resources: Record<string, string>;
  /** The deployed template's function settings, when the template could be read (central mode is read from them). */
  functionEnvironment?: Record<string, string>;
}

export interface RuleTarget {
  id: string;
  arn: string;
  deadLetterArn?: string;
  roleArn?: string;
}

export interface RuleInfo {
  name: string;
  arn: string;
  /** ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS */
  state: string;
  /** As EventBridge stores it: JSON text. */
  eventPattern?: string;
  targets: RuleTarget[];
}

export interface QueueInfo {
  url: string;
  arn?: string;
  /** Messages waiting (ApproximateNumberOfMessages). */
  visible: number;
  /** Messages received by someone and not yet deleted (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
}

export interface RegionMetrics {
  /** Over the window asked for; undefined when CloudWatch has no data point. */
  invocations?: number;
  errors?: number;
  /** Queue name -> ApproximateAgeOfOldestMessage (seconds), the latest data point. */
  oldestMessageAge: Record<string, number | undefined>;
}

/** How much of the management events a trail logs. */
export type ManagementCoverage = 'write' | 'read-only' | 'none';

export interface TrailInfo {
  name: string;
  arn: string;
  homeRegion?: string;
  multiRegion: boolean;
  organization: boolean;
  /** undefined: the status could not be read (an organization trail seen from a member account, a refusal). */
  logging?: boolean;
  /** undefined: the event selectors could not be read. */
  management?: ManagementCoverage;
  /** Why a status or selector could not be read. */
  unreadable?: string;
}

export interface LogLine {
  timestamp: number;
  message: string;
}

export interface PeekedMessage {
  messageId: string;
  body: string;
  sentTimestamp?: number;
  receiveCount?: number;
}

export type AssumeRoleCheck = { ok: true } | { ok: false; code: string; message: string };

export interface RegionReads {
  readonly region: string;
  /** DescribeStacks, ListStackResources, GetTemplate. undefined: no such stack. */
  stack(name: string): Promise<StackInfo | undefined>;
  /** DescribeRule and ListTargetsByRule. undefined: no such rule. */
  rule(name: string): Promise<RuleInfo | undefined>;
  /** ListRuleNamesByTarget: the rules of the default bus that send to `targetArn`. */
  rulesTargeting(targetArn: string): Promise<string[]>;
  /** GetQueueAttributes. */
  queue(url: string): Promise<QueueInfo>;
  /** GetMetricData: the function's invocations and errors over `hours`, and each queue's oldest message. */
  metrics(functionName: string | undefined, queueNames: string[], hours: number): Promise<RegionMetrics>;
  /** DescribeTrails (shadow trails included: the trails that log this region), GetTrailStatus, GetEventSelectors. */
  trails(): Promise<TrailInfo[]>;
  /** DescribeEventBus (default): its resource policy, JSON text; undefined when it has none. */
  busPolicy(): Promise<string | undefined>;
  /** FilterLogEvents: lines of `logGroup` that hold every term, since `since`, at most `limit`. undefined: no such log group. */
  logLines(logGroup: string, terms: string[], since: number, limit: number): Promise<LogLine[] | undefined>;
  /** ReceiveMessage with a visibility timeout of 0: the messages are looked at, not taken; never deleted. */
  peekMessages(url: string, max: number): Promise<PeekedMessage[]>;
}

export interface DoctorReads {
  forRegion(region: string): RegionReads;
  /** DescribeRegions: the regions enabled in the account. */
  enabledRegions(): Promise<string[]>;
  /** AssumeRole into `roleArn`; the credentials are thrown away at once. */
  tryAssumeRole(roleArn: string, externalId: string | undefined): Promise<AssumeRoleCheck>;
}

/**
 * A read that AWS refused or that failed: the IAM action it needed and AWS's answer, so that a
 * finding can say "could not check: grant events:DescribeRule".
 */
export class ReadFailedError extends Error {
  override readonly name = 'ReadFailedError';
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
  ) {
    super(`${action}: ${code}: ${message}`);
  }
}
