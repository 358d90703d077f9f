import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  ReadFailedError,
  type AssumeRoleCheck,
  type DoctorReads,
  type LogLine,
  type PeekedMessage,
  type QueueInfo,
  type RegionMetrics,
  type RegionReads,
  type RuleInfo,
  type StackInfo,
  type TrailInfo,
} from '../doctor/reads';
import { clientDefaults, STS_FALLBACK_REGION, type ClientTuning } from './clients';
import { filterPattern, functionEnvironment, isNamed, managementCoverage, read, serviceErrorName } from './doctor-answers';

/** At most this many pages of FilterLogEvents (a page may be empty while the search goes on). */
const MAX_LOG_PAGES = 10;
/** ReceiveMessage returns at most 10 messages a call. */
const RECEIVE_BATCH = 10;

class SdkRegionReads implements RegionReads {
  private readonly cloudFormation: CloudFormationClient;
  private readonly events: EventBridgeClient;
  private readonly sqs: SQSClient;
  private readonly cloudWatch: CloudWatchClient;
  private readonly logs: CloudWatchLogsClient;
  private readonly cloudTrail: CloudTrailClient;

  constructor(
    readonly region: string,
    tuning: ClientTuning,
    private readonly now: () => number,
  ) {
    this.cloudFormation = new CloudFormationClient({ region, ...clientDefaults(tuning) });
    this.events = new EventBridgeClient({ region, ...clientDefaults(tuning) });
    this.sqs = new SQSClient({ region, ...clientDefaults(tuning) });
    this.cloudWatch = new CloudWatchClient({ region, ...clientDefaults(tuning) });
    this.logs = new CloudWatchLogsClient({ region, ...clientDefaults(tuning) });
    this.cloudTrail = new CloudTrailClient({ region, ...clientDefaults(tuning) });
  }

  async stack(name: string): Promise<StackInfo | undefined> {
    const described = await read('cloudformation:DescribeStacks', async () => {
      try {
        return await this.cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
      } catch (error) {
        // CloudFormation answers a stack that does not exist with a ValidationError.
        if (isNamed(error, 'ValidationError') && /does not exist/.test(error instanceof Error ? error.message : '')) return undefined;
        throw error;
      }
    });
    const stack = described?.Stacks?.[0];
    if (!stack) return undefined;
    const summaries: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await read('cloudformation:ListStackResources', () => this.cloudFormation.send(new ListStackResourcesCommand({ StackName: name, NextToken: token })));
      summaries.push(...(page.StackResourceSummaries ?? []));
      token = page.NextToken;
    } while (token);
    const template = await read('cloudformation:GetTemplate', () => this.cloudFormation.send(new GetTemplateCommand({ StackName: name })));
    const environment = functionEnvironment(template.TemplateBody);
    return {
      name,
      status: stack.StackStatus ?? 'UNKNOWN',
      outputs: Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue]] : []))),
      resources: Object.fromEntries(summaries.flatMap((summary) => (summary.LogicalResourceId && summary.PhysicalResourceId ? [[summary.LogicalResourceId, summary.PhysicalResourceId]] : []))),
      ...(environment ? { functionEnvironment: environment } : {}),
    };
  }

  async rule(name: string): Promise<RuleInfo | undefined> {
    const rule = await read('events:DescribeRule', async () => {
      try {
        return await this.events.send(new DescribeRuleCommand({ Name: name }));
      } catch (error) {
        if (isNamed(error, 'ResourceNotFoundException')) return undefined;
        throw error;
      }
    });
    if (!rule) return undefined;
    const targets = await read('events:ListTargetsByRule', () => this.events.send(new ListTargetsByRuleCommand({ Rule: name })));
    return {
      name,
      arn: rule.Arn ?? '',
      state: rule.State ?? 'UNKNOWN',
      ...(rule.EventPattern !== undefined ? { eventPattern: rule.EventPattern } : {}),
      targets: (targets.Targets ?? []).map((target) => ({
        id: target.Id ?? '',
        arn: target.Arn ?? '',
        ...(target.DeadLetterConfig?.Arn ? { deadLetterArn: target.DeadLetterConfig.Arn } : {}),
        ...(target.RoleArn ? { roleArn: target.RoleArn } : {}),
      })),
    };
  }

  async rulesTargeting(targetArn: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await read('events:ListRuleNamesByTarget', () => this.events.send(new ListRuleNamesByTargetCommand({ TargetArn: targetArn, NextToken: token })));
      names.push(...(page.RuleNames ?? []));
      token = page.NextToken;
    } while (token);
    return names;
  }

  async queue(url: string): Promise<QueueInfo> {
    const answer = await read('sqs:GetQueueAttributes', () =>
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'] })),
    );
    const attributes = answer.Attributes ?? {};
    return {
      url,
      ...(attributes.QueueArn ? { arn: attributes.QueueArn } : {}),
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  async metrics(functionName: string | undefined, queueNames: string[], hours: number): Promise<RegionMetrics> {
    const end = this.now();
    const lambda = (id: string, metric: string): MetricDataQuery => ({
      Id: id,
      MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: functionName }] }, Period: hours * 3600, Stat: 'Sum' },
    });
    const queries: MetricDataQuery[] = [
      ...(functionName ? [lambda('invocations', 'Invocations'), lambda('errors', 'Errors')] : []),
      ...queueNames.map((queue, index): MetricDataQuery => ({
        Id: `age${index}`,
        // SQS sends its metrics every five minutes.
        MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queue }] }, Period: 300, Stat: 'Maximum' },
      })),
    ];
    if (queries.length === 0) return { oldestMessageAge: {} };
    const answer = await read('cloudwatch:GetMetricData', () =>
      this.cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(end - hours * 3600 * 1000), EndTime: new Date(end), ScanBy: 'TimestampDescending' })),
    );
    const values = (id: string): number[] => answer.MetricDataResults?.find((result) => result.Id === id)?.Values ?? [];
    const sum = (id: string): number | undefined => (values(id).length > 0 ? values(id).reduce((total, value) => total + value, 0) : undefined);
    const invocations = sum('invocations');
    const errors = sum('errors');
    return {
      ...(invocations !== undefined ? { invocations } : {}),
      ...(errors !== undefined ? { errors } : {}),
      oldestMessageAge: Object.fromEntries(queueNames.map((queue, index) => [queue, values(`age${index}`)[0]])),
    };
  }

  async trails(): Promise<TrailInfo[]> {
    const described = await read('cloudtrail:DescribeTrails', () => this.cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
    const trails: TrailInfo[] = [];
    for (const trail of described.trailList ?? []) {
      const arn = trail.TrailARN ?? trail.Name ?? '';
      const info: TrailInfo = {
        name: trail.Name ?? arn,
        arn,
        ...(trail.HomeRegion ? { homeRegion: trail.HomeRegion } : {}),
        multiRegion: trail.IsMultiRegionTrail === true,
        organization: trail.IsOrganizationTrail === true,
      };
      try {
        info.logging = (await this.cloudTrail.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging === true;
        info.management = managementCoverage(await this.cloudTrail.send(new GetEventSelectorsCommand({ TrailName: arn })));
      } catch (error) {
        // An organization trail seen from a member account, or a refusal: this trail stays undecided.
        if (serviceErrorName(error) === undefined) throw new ReadFailedError('cloudtrail:GetTrailStatus', error instanceof Error ? error.name : 'Error', String(error));
        info.unreadable = `${serviceErrorName(error)}: ${error instanceof Error ? error.message : ''}`;
      }
      trails.push(info);
      // One trail that logs what the rule needs is enough: no more calls.
      if (info.logging === true && info.management === 'write') break;
    }
    return trails;
  }

  async busPolicy(): Promise<string | undefined> {
    const bus = await read('events:DescribeEventBus', () => this.events.send(new DescribeEventBusCommand({ Name: 'default' })));
    return bus.Policy;
  }

  async logLines(logGroup: string, terms: string[], since: number, limit: number): Promise<LogLine[] | undefined> {
    const lines: LogLine[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LOG_PAGES && lines.length < limit; page += 1) {
      const answer = await read('logs:FilterLogEvents', async () => {
        try {
          return await this.logs.send(new FilterLogEventsCommand({ logGroupName: logGroup, filterPattern: filterPattern(terms), startTime: since, limit: limit - lines.length, nextToken: token }));
        } catch (error) {
          if (isNamed(error, 'ResourceNotFoundException')) return undefined;
          throw error;
        }
      });
      if (!answer) return page === 0 ? undefined : lines;
      lines.push(...(answer.events ?? []).map((event) => ({ timestamp: event.timestamp ?? 0, message: event.message ?? '' })));
      token = answer.nextToken;
      if (!token) break;
    }
    return lines.slice(0, limit);
  }

  async peekMessages(url: string, max: number): Promise<PeekedMessage[]> {
    const seen = new Map<string, PeekedMessage>();
    // A receive with visibility timeout 0 takes nothing: each call may answer the same messages,
    // so read until a call brings nothing new (long polling of 1 s asks every SQS server). The queues have no redrive policy, so the receive
    // count that this raises moves nothing anywhere.
    for (let round = 0, idle = 0; seen.size < max && idle < 2 && round < Math.ceil(max / RECEIVE_BATCH) + 3; round += 1) {
      const answer = await read('sqs:ReceiveMessage', () =>
        this.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: RECEIVE_BATCH, VisibilityTimeout: 0, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'] }),
        ),
      );
      const fresh = (answer.Messages ?? []).filter((message) => message.MessageId && !seen.has(message.MessageId));
      idle = fresh.length === 0 ? idle + 1 : 0;
      for (const message of fresh) {
        const sent = Number(message.Attributes?.SentTimestamp);
        const count = Number(message.Attributes?.ApproximateReceiveCount);
        seen.set(message.MessageId as string, {
          messageId: message.MessageId as string,
          body: message.Body ?? '',
          ...(Number.isFinite(sent) ? { sentTimestamp: sent } : {}),
          ...(Number.isFinite(count) ? { receiveCount: count } : {}),
        });
      }
    }
    return [...seen.values()].slice(0, max);
  }
}

/** The real reads, with the caller's credentials; one set of clients per region, made on first use. */
export class SdkDoctorReads implements DoctorReads {
  private readonly regions = new Map<string, SdkRegionReads>();
  private readonly homeRegion: string;

  constructor(
    private readonly tuning: ClientTuning = {},
    private readonly now: () => number = Date.now,
  ) {
    this.homeRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || STS_FALLBACK_REGION;
  }

  forRegion(region: string): RegionReads {
    let reads = this.regions.get(region);
    if (!reads) {
      reads = new SdkRegionReads(region, this.tuning, this.now);
      this.regions.set(region, reads);
    }
    return reads;
  }

  async enabledRegions(): Promise<string[]> {
    const ec2 = new EC2Client({ region: this.homeRegion, ...clientDefaults(this.tuning) });
    const answer = await read('ec2:DescribeRegions', () => ec2.send(new DescribeRegionsCommand({})));
    return (answer.Regions ?? []).flatMap((region) => (region.RegionName ? [region.RegionName] : [])).sort();
  }

  async tryAssumeRole(roleArn: string, externalId: string | undefined): Promise<AssumeRoleCheck> {
    const sts = new STSClient({ region: this.homeRegion, ...clientDefaults(this.tuning) });
    try {
      // The shortest session STS gives; the credentials are not kept.
      await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ami-tagger-doctor', DurationSeconds: 900, ...(externalId !== undefined ? { ExternalId: externalId } : {}) }));
      return { ok: true };
    } catch (error) {
      const code = serviceErrorName(error);
      if (code === undefined) throw new ReadFailedError('sts:AssumeRole', error instanceof Error ? error.name : 'Error', String(error));
      return { ok: false, code, message: error instanceof Error ? error.message : String(error) };
    }
  }
}
