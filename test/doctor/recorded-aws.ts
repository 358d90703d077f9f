/**
 * Recorded AWS answers for doctor, per region, served to the real SDK clients through
 * aws-sdk-client-mock: the adapter (src/aws/doctor-reads.ts) runs as it does against AWS, only
 * the answers are canned. Each answer has the shape AWS gives (DescribeStacks' Stacks[0].Outputs,
 * DescribeRule's EventPattern as JSON text, GetQueueAttributes' numbers as strings, ...), and every
 * call is counted by region and action.
 */
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, CloudTrailServiceException, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type EventSelector } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CloudWatchLogsServiceException, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, EventBridgeServiceException, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { IMAGE_CREATED_PATTERN } from '../../src/events/event-patterns';
import { stackNames, VERSION_OUTPUT } from '../../src/doctor/names';
import { packageVersion } from '../../src/cli/package-files';

export const ACCOUNT = '111122223333';
export const STAGE = 'prod';
export const VERSION = packageVersion();
export const NAMES = stackNames(STAGE);

export interface RecordedRule {
  state: string;
  pattern: unknown;
  targets: Array<{ Id: string; Arn: string; DeadLetterConfig?: { Arn: string }; RoleArn?: string }>;
}

export interface RecordedTrail {
  name: string;
  homeRegion: string;
  organization?: boolean;
  logging: boolean;
  selectors: EventSelector[];
  /** GetTrailStatus answers this error (an organization trail seen from a member account). */
  statusError?: string;
}

export interface RecordedRegion {
  stack?: { status: string; outputs: Record<string, string>; environment?: Record<string, string> };
  rules: Record<string, RecordedRule>;
  /** Queue URL -> its attributes. */
  queues: Record<string, { visible: number; inFlight: number; arn: string }>;
  metrics: { invocations: number[]; errors: number[]; ages: Record<string, number[]> };
  trails: RecordedTrail[];
  busPolicy?: string;
  /** Log group -> lines. */
  logs: Record<string, Array<{ timestamp: number; message: string }>>;
  /** Queue URL -> message bodies (ReceiveMessage). */
  messages: Record<string, Array<{ id: string; body: string }>>;
}

export interface RecordedWorld {
  regions: Record<string, RecordedRegion>;
  /** Role ARNs that AssumeRole accepts from the caller. */
  assumable: string[];
  /** Actions refused to the caller (AccessDeniedException), e.g. `DescribeRule`. */
  denied?: string[];
}

export const queueUrl = (region: string, name: string, account = ACCOUNT): string => `https://sqs.${region}.amazonaws.com/${account}/${name}`;
export const queueArn = (region: string, name: string, account = ACCOUNT): string => `arn:aws:sqs:${region}:${account}:${name}`;
export const functionArn = (region: string, account = ACCOUNT): string => `arn:aws:lambda:${region}:${account}:function:${NAMES.functionName}`;

/** A region where everything is as it should be. */
export function healthyRegion(region: string, account = ACCOUNT): RecordedRegion {
  const ruleDlq = queueUrl(region, NAMES.queues['rule-dlq'], account);
  const failedEvents = queueUrl(region, NAMES.queues['failed-events'], account);
  const target = (kind: string) => ({ Id: `${NAMES.rules['image-created']}-${kind}-target`, Arn: functionArn(region, account), DeadLetterConfig: { Arn: queueArn(region, NAMES.queues['rule-dlq'], account) } });
  return {
    stack: {
      status: 'UPDATE_COMPLETE',
      outputs: {
        [VERSION_OUTPUT]: VERSION,
        TaggerRoleArn: `arn:aws:iam::${account}:role/ami-tagger-${STAGE}-${region}-lambdaRole`,
        TagImageLambdaFunctionQualifiedArn: `${functionArn(region, account)}:7`,
      },
      environment: { AMI_TAGGER_RULES_FILE: '.build/ami-tagger.rules.json', AMI_TAGGER_DRY_RUN: 'false', AMI_TAGGER_ROLE_NAME: '', AMI_TAGGER_ACCOUNTS: '', AMI_TAGGER_EXTERNAL_ID: '' },
    },
    rules: {
      [NAMES.rules['image-created']]: { state: 'ENABLED', pattern: IMAGE_CREATED_PATTERN, targets: [target('created')] },
      // EventBridge keeps a pattern as it was given; a list in another order is the same pattern.
      [NAMES.rules['image-available']]: { state: 'ENABLED', pattern: { 'detail-type': ['EC2 AMI State Change'], source: ['aws.ec2'], detail: { State: ['failed', 'available'] } }, targets: [target('available')] },
    },
    queues: {
      [ruleDlq]: { visible: 0, inFlight: 0, arn: queueArn(region, NAMES.queues['rule-dlq'], account) },
      [failedEvents]: { visible: 0, inFlight: 0, arn: queueArn(region, NAMES.queues['failed-events'], account) },
    },
    metrics: { invocations: [14], errors: [0], ages: {} },
    trails: [{ name: 'management-events', homeRegion: 'us-east-1', logging: true, selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }],
    logs: {},
    messages: {},
  };
}

export const ruleDlqUrl = (region: string): string => queueUrl(region, NAMES.queues['rule-dlq']);
export const failedEventsUrl = (region: string): string => queueUrl(region, NAMES.queues['failed-events']);

/** Calls received, as `region action`. */
export type CallLog = string[];

const GLOBAL = 'global';

function resourcesOf(region: string, account: string): Array<{ LogicalResourceId: string; PhysicalResourceId: string; ResourceType: string }> {
  return [
    { LogicalResourceId: 'TagImageLambdaFunction', PhysicalResourceId: NAMES.functionName, ResourceType: 'AWS::Lambda::Function' },
    { LogicalResourceId: 'TagImageLogGroup', PhysicalResourceId: NAMES.logGroup, ResourceType: 'AWS::Logs::LogGroup' },
    { LogicalResourceId: 'RuleDeadLetterQueue', PhysicalResourceId: queueUrl(region, NAMES.queues['rule-dlq'], account), ResourceType: 'AWS::SQS::Queue' },
    { LogicalResourceId: 'InvocationFailureQueue', PhysicalResourceId: queueUrl(region, NAMES.queues['failed-events'], account), ResourceType: 'AWS::SQS::Queue' },
    { LogicalResourceId: 'AmitaggerprodtagImagerule1EventBridgeRule', PhysicalResourceId: NAMES.rules['image-created'], ResourceType: 'AWS::Events::Rule' },
    { LogicalResourceId: 'AmitaggerprodtagImagerule2EventBridgeRule', PhysicalResourceId: NAMES.rules['image-available'], ResourceType: 'AWS::Events::Rule' },
  ];
}

const awsError = <E>(Exception: new (options: { name: string; $fault: 'client'; $metadata: object; message: string }) => E, name: string, message: string): E =>
  new Exception({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

export interface RecordedAws {
  calls: CallLog;
  /** Calls per region (global ones under "global"), by action. */
  callsByRegion(): Record<string, Record<string, number>>;
  restore(): void;
}

/**
 * Serves `world` to every SDK client doctor makes, until `restore()`. With `ec2: false` the EC2
 * client is left alone (to reach the local EC2 stand-in for the images themselves).
 */
export function serveRecordedAws(world: RecordedWorld, options: { account?: string; ec2?: boolean } = {}): RecordedAws {
  const account = options.account ?? ACCOUNT;
  const calls: CallLog = [];
  const stubs: Array<{ restore(): void }> = [];
  const regionOf = async (getClient: () => { config: { region: unknown } }): Promise<string> => {
    const region = getClient().config.region;
    return typeof region === 'function' ? String(await (region as () => Promise<string>)()) : String(region);
  };
  const recorded = (region: string): RecordedRegion => {
    const found = world.regions[region];
    if (!found) throw new Error(`no recording for region ${region}`);
    return found;
  };
  // One stub per client class serves all its commands: mockClient resets a class's stub when called again.
  const cloudFormation = mockClient(CloudFormationClient);
  const events = mockClient(EventBridgeClient);
  const sqs = mockClient(SQSClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const logs = mockClient(CloudWatchLogsClient);
  const cloudTrail = mockClient(CloudTrailClient);
  const ec2 = options.ec2 === false ? undefined : mockClient(EC2Client);
  const sts = mockClient(STSClient);
  stubs.push(cloudFormation, events, sqs, cloudWatch, logs, cloudTrail, sts, ...(ec2 ? [ec2] : []));

  type Fake<TInput> = (input: TInput, getClient: () => { config: { region: unknown } }) => Promise<unknown>;
  const on = <TInput extends object>(stub: { on(command: never): unknown }, command: abstract new (...args: never[]) => { input: TInput }, action: string, answer: (input: TInput, region: string) => unknown, global = false): void => {
    (stub.on(command as never) as { callsFake(fn: Fake<TInput>): void }).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      calls.push(`${global ? GLOBAL : region} ${action}`);
      if (world.denied?.includes(action)) throw Object.assign(new Error(`User is not authorized to perform ${action}`), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      return answer(input, region);
    });
  };
  const stackOf = (region: string, name: string | undefined) => {
    const stack = recorded(region).stack;
    if (!stack || name !== NAMES.stack) throw awsError(CloudFormationServiceException, 'ValidationError', `Stack with id ${name} does not exist`);
    return stack;
  };

  on(cloudFormation, DescribeStacksCommand, 'DescribeStacks', (input, region) => {
    const stack = stackOf(region, input.StackName);
    return { Stacks: [{ StackName: NAMES.stack, StackStatus: stack.status, CreationTime: new Date(0), Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
  });
  on(cloudFormation, ListStackResourcesCommand, 'ListStackResources', (input, region) => {
    stackOf(region, input.StackName);
    return { StackResourceSummaries: resourcesOf(region, account).map((resource) => ({ ...resource, ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date(0) })) };
  });
  on(cloudFormation, GetTemplateCommand, 'GetTemplate', (input, region) => {
    const stack = stackOf(region, input.StackName);
    const template = { AWSTemplateFormatVersion: '2010-09-09', Resources: { TagImageLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: NAMES.functionName, Environment: { Variables: { ...stack.environment, POWERTOOLS_LOG_LEVEL: { Ref: 'Unresolved' } } } } } } };
    return { TemplateBody: JSON.stringify(template) };
  });

  const ruleOf = (region: string, name: string | undefined): RecordedRule => {
    const rule = recorded(region).rules[name ?? ''];
    if (!rule) throw awsError(EventBridgeServiceException, 'ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`);
    return rule;
  };
  on(events, DescribeRuleCommand, 'DescribeRule', (input, region) => {
    const rule = ruleOf(region, input.Name);
    return { Name: input.Name, Arn: `arn:aws:events:${region}:${account}:rule/${input.Name}`, State: rule.state, EventPattern: JSON.stringify(rule.pattern), EventBusName: 'default' };
  });
  on(events, ListTargetsByRuleCommand, 'ListTargetsByRule', (input, region) => ({ Targets: ruleOf(region, input.Rule).targets }));
  on(events, ListRuleNamesByTargetCommand, 'ListRuleNamesByTarget', (input, region) => ({
    RuleNames: Object.entries(recorded(region).rules)
      .filter(([, rule]) => rule.targets.some((target) => target.Arn === input.TargetArn))
      .map(([name]) => name),
  }));
  on(events, DescribeEventBusCommand, 'DescribeEventBus', (_input, region) => ({ Name: 'default', Arn: `arn:aws:events:${region}:${account}:event-bus/default`, ...(recorded(region).busPolicy !== undefined ? { Policy: recorded(region).busPolicy } : {}) }));

  on(sqs, GetQueueAttributesCommand, 'GetQueueAttributes', (input, region) => {
    const queue = recorded(region).queues[input.QueueUrl ?? ''];
    if (!queue) throw new Error(`no recorded queue ${input.QueueUrl}`);
    return { Attributes: { ApproximateNumberOfMessages: String(queue.visible), ApproximateNumberOfMessagesNotVisible: String(queue.inFlight), QueueArn: queue.arn } };
  });
  on(sqs, ReceiveMessageCommand, 'ReceiveMessage', (input, region) => {
    if (input.VisibilityTimeout !== 0) throw new Error('doctor must look at messages with a visibility timeout of 0');
    const messages = recorded(region).messages[input.QueueUrl ?? ''] ?? [];
    return { Messages: messages.slice(0, input.MaxNumberOfMessages ?? 1).map((message) => ({ MessageId: message.id, ReceiptHandle: `handle-${message.id}`, Body: message.body, Attributes: { SentTimestamp: '1790000000000', ApproximateReceiveCount: '1' } })) };
  });

  on(cloudWatch, GetMetricDataCommand, 'GetMetricData', (input, region) => {
    const metrics = recorded(region).metrics;
    const valuesOf = (query: MetricDataQuery): number[] => {
      const metric = query.MetricStat?.Metric;
      if (metric?.MetricName === 'Invocations') return metrics.invocations;
      if (metric?.MetricName === 'Errors') return metrics.errors;
      return metrics.ages[metric?.Dimensions?.[0]?.Value ?? ''] ?? [];
    };
    return { MetricDataResults: (input.MetricDataQueries ?? []).map((query) => ({ Id: query.Id, Values: valuesOf(query), Timestamps: valuesOf(query).map(() => new Date(0)), StatusCode: 'Complete' })) };
  });

  on(logs, FilterLogEventsCommand, 'FilterLogEvents', (input, region) => {
    const lines = recorded(region).logs[input.logGroupName ?? ''];
    if (!lines) throw awsError(CloudWatchLogsServiceException, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const terms = [...(input.filterPattern ?? '').matchAll(/"([^"]*)"/g)].map((match) => match[1] ?? '');
    const matching = lines.filter((line) => line.timestamp >= (input.startTime ?? 0) && terms.every((term) => line.message.includes(term)));
    return { events: matching.slice(0, input.limit ?? 10000).map((line, index) => ({ eventId: String(index), timestamp: line.timestamp, message: line.message, logStreamName: 'stream' })) };
  });

  const trailOf = (region: string, arn: string | undefined): RecordedTrail => {
    const trail = recorded(region).trails.find((candidate) => trailArn(candidate, account) === arn);
    if (!trail) throw awsError(CloudTrailServiceException, 'TrailNotFoundException', `Unknown trail: ${arn}`);
    return trail;
  };
  on(cloudTrail, DescribeTrailsCommand, 'DescribeTrails', (_input, region) => ({
    trailList: recorded(region).trails.map((trail) => ({ Name: trail.name, TrailARN: trailArn(trail, account), HomeRegion: trail.homeRegion, IsMultiRegionTrail: true, IsOrganizationTrail: trail.organization === true })),
  }));
  on(cloudTrail, GetTrailStatusCommand, 'GetTrailStatus', (input, region) => {
    const trail = trailOf(region, input.Name);
    if (trail.statusError) throw awsError(CloudTrailServiceException, trail.statusError, 'not authorized for this trail');
    return { IsLogging: trail.logging };
  });
  on(cloudTrail, GetEventSelectorsCommand, 'GetEventSelectors', (input, region) => ({ TrailARN: input.TrailName, EventSelectors: trailOf(region, input.TrailName).selectors }));

  if (ec2) on(ec2, DescribeRegionsCommand, 'DescribeRegions', () => ({ Regions: Object.keys(world.regions).map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })) }), true);
  on(sts, GetCallerIdentityCommand, 'GetCallerIdentity', () => ({ Account: account, Arn: `arn:aws:sts::${account}:assumed-role/Admin/jane`, UserId: 'AROAEXAMPLE:jane' }), true);
  on(
    sts,
    AssumeRoleCommand,
    'AssumeRole',
    (input) => {
      if (!world.assumable.includes(input.RoleArn ?? '')) {
        throw awsError(STSServiceException, 'AccessDenied', `User: arn:aws:sts::${account}:assumed-role/Admin/jane is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
      }
      return { Credentials: { AccessKeyId: 'ASIATEST', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) } };
    },
    true,
  );

  return {
    calls,
    callsByRegion() {
      const byRegion: Record<string, Record<string, number>> = {};
      for (const call of calls) {
        const [region = '', action = ''] = call.split(' ');
        const actions = (byRegion[region] ??= {});
        actions[action] = (actions[action] ?? 0) + 1;
      }
      return byRegion;
    },
    restore() {
      for (const stub of stubs) stub.restore();
    },
  };
}

export function trailArn(trail: RecordedTrail, account = ACCOUNT): string {
  return `arn:aws:cloudtrail:${trail.homeRegion}:${account}:trail/${trail.name}`;
}

/** The total of calls of one region. */
export const total = (actions: Record<string, number> | undefined): number => Object.values(actions ?? {}).reduce((sum, count) => sum + count, 0);

