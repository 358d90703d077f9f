/**
 * `sls package` with and without `--param backfillWorker=true`: the worker function, its FIFO
 * queue (one message group per account and region, its dead-letter queue after five tries), the
 * table of runs, the event source mapping with a bound on the total, a role for exactly what the
 * worker's code calls and what Lambda calls for it, alarms on its failures and its dead-letter
 * queue; nothing of it by default; a bad concurrency refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_RECEIVE_COUNT, QUEUE_VISIBILITY_SECONDS, WORKER_OUTPUTS, WORKER_TIMEOUT_SECONDS } from '../../src/fanout/names';
import { arnText, field, resourceNamed, roleStatements, type Template } from './cloudformation';
import { filesReachedFrom, REPO_DIR, scanCode } from './code-actions';
import { PACKAGING_TIMEOUT_MS, packagedTemplate, slsPackage as packageStack } from './packaging';
import { readZipEntries } from './zip-archive';

const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ami-tagger-alarms';
const MEMBER = '444455556666';
const FUNCTION_NAME = 'ami-tagger-test-backfill-worker';
const scratch = mkdtempSync(path.join(tmpdir(), 'ami-tagger-fanout-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const slsPackage = (name: string, params: string[]) => packageStack(scratch, name, params);
const templateOf = packagedTemplate;

const unique = (items: string[]): string[] => [...new Set(items)].sort();

/** What Lambda calls with the worker's role: its logs, and the event source mapping's polling. */
const LAMBDA_CALLS_FOR_IT = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];

describe('the backfill worker in the stack (central mode, one member account)', () => {
  let template: Template;
  let directory: string;
  beforeAll(() => {
    const packaging = slsPackage('worker', ['backfillWorker=true', 'backfillWorkerConcurrency=25', 'memberRoleName=ami-tagger-member', `accounts=${MEMBER}`, `alarmTopicArn=${ALARM_TOPIC}`]);
    template = templateOf(packaging);
    directory = packaging.directory;
  }, PACKAGING_TIMEOUT_MS);

  it('runs handlers/backfill-worker with its own role, the table\'s name and the tries SQS gives a page', () => {
    const fn = resourceNamed(template, 'BackfillWorkerLambdaFunction').Properties;
    expect(fn).toMatchObject({ Handler: 'handlers/backfill-worker.handler', FunctionName: FUNCTION_NAME, Timeout: WORKER_TIMEOUT_SECONDS, Role: { 'Fn::GetAtt': ['BackfillWorkerRole', 'Arn'] } });
    expect(field(fn, 'Environment', 'Variables')).toMatchObject({
      AMI_TAGGER_BACKFILL_TABLE: 'ami-tagger-test-backfill-runs',
      AMI_TAGGER_BACKFILL_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
      AMI_TAGGER_ROLE_NAME: 'ami-tagger-member',
      AMI_TAGGER_ACCOUNTS: MEMBER,
    });
  });

  it('takes pages from a FIFO queue, one a batch, at most N copies in all; five tries, then a FIFO dead-letter queue', () => {
    expect(resourceNamed(template, 'BackfillWorkerQueue').Properties).toEqual({
      QueueName: 'ami-tagger-test-backfill.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: QUEUE_VISIBILITY_SECONDS,
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['BackfillWorkerDeadLetterQueue', 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    expect(QUEUE_VISIBILITY_SECONDS).toBe(6 * WORKER_TIMEOUT_SECONDS);
    expect(resourceNamed(template, 'BackfillWorkerDeadLetterQueue').Properties).toMatchObject({ QueueName: 'ami-tagger-test-backfill-dlq.fifo', FifoQueue: true, MessageRetentionPeriod: 1_209_600 });
    expect(resourceNamed(template, 'BackfillWorkerEventSourceMapping').Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': ['BackfillWorkerQueue', 'Arn'] },
      FunctionName: { Ref: 'BackfillWorkerLambdaFunction' },
      BatchSize: 1,
      Enabled: true,
      ScalingConfig: { MaximumConcurrency: 25 },
    });
    // No osls `sqs` event: it would grant the queue's actions to the event path's role too.
    const eventPath = roleStatements(resourceNamed(template, 'IamRoleLambdaExecution')).flatMap((statement) => statement.Action);
    expect(eventPath.filter((action) => action.startsWith('dynamodb:') || action === 'sqs:ReceiveMessage' || action === 'cloudtrail:LookupEvents')).toEqual([]);
  });

  it('keeps runs in a pay-per-request table keyed by run id, deleted by TTL', () => {
    expect(resourceNamed(template, 'BackfillRunsTable').Properties).toEqual({
      TableName: 'ami-tagger-test-backfill-runs',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'run', AttributeType: 'S' },
        { AttributeName: 'item', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'run', KeyType: 'HASH' },
        { AttributeName: 'item', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("grants the worker exactly what its code can send and what Lambda calls for it, each on its own resource", () => {
    const statements = roleStatements(resourceNamed(template, 'BackfillWorkerRole'));
    const granted = unique(statements.flatMap((statement) => statement.Action));
    const reached = filesReachedFrom([path.join(REPO_DIR, 'handlers', 'backfill-worker.ts')]);
    const sent = unique(scanCode().commands.filter((command) => reached.has(path.join(REPO_DIR, command.where.replace(/:\d+$/, '')))).map((command) => command.action));
    expect(sent).toEqual(['cloudtrail:LookupEvents', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'ec2:CreateTags', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'sts:AssumeRole', 'sts:GetCallerIdentity']);
    // GetCallerIdentity needs no permission (and the worker knows its account from its ARN).
    expect(granted).toEqual(unique([...sent.filter((action) => action !== 'sts:GetCallerIdentity'), ...LAMBDA_CALLS_FOR_IT]));
    const on = (action: string): string[] => statements.filter((statement) => statement.Action.includes(action)).flatMap((statement) => statement.Resource.map(arnText));
    expect(on('dynamodb:UpdateItem')).toEqual([JSON.stringify({ 'Fn::GetAtt': ['BackfillRunsTable', 'Arn'] })]);
    expect(on('sqs:ReceiveMessage')).toEqual([JSON.stringify({ 'Fn::GetAtt': ['BackfillWorkerQueue', 'Arn'] })]);
    expect(on('sts:AssumeRole')).toEqual([`arn:\${AWS::Partition}:iam::${MEMBER}:role/ami-tagger-member`]);
    expect(on('logs:PutLogEvents')).toEqual([`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${FUNCTION_NAME}:*`]);
    expect(on('ec2:CreateTags')).toEqual(['arn:${AWS::Partition}:ec2:*::image/*', 'arn:${AWS::Partition}:ec2:*::snapshot/*']);
    for (const statement of statements) if (statement.Resource.includes('*')) expect(statement.Action.every((action) => action.startsWith('ec2:Describe') || action === 'cloudtrail:LookupEvents')).toBe(true);
  });

  it('alarms on a failed page and on pages in the dead-letter queue, to the alarm topic', () => {
    expect(resourceNamed(template, 'BackfillWorkerFailureAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: FUNCTION_NAME }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ALARM_TOPIC],
    });
    expect(resourceNamed(template, 'BackfillWorkerDeadLetterAlarm').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['BackfillWorkerDeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      AlarmActions: [ALARM_TOPIC],
    });
  });

  it('tells the command where the queue, the dead-letter queue and the table are, and the allow-list and member role', () => {
    expect(field(template.Outputs, WORKER_OUTPUTS.queueUrl, 'Value')).toEqual({ Ref: 'BackfillWorkerQueue' });
    expect(field(template.Outputs, WORKER_OUTPUTS.deadLetterQueueUrl, 'Value')).toEqual({ Ref: 'BackfillWorkerDeadLetterQueue' });
    expect(field(template.Outputs, WORKER_OUTPUTS.table, 'Value')).toEqual({ Ref: 'BackfillRunsTable' });
    expect(field(template.Outputs, WORKER_OUTPUTS.roleArn, 'Value')).toEqual({ 'Fn::GetAtt': ['BackfillWorkerRole', 'Arn'] });
    expect(field(template.Outputs, WORKER_OUTPUTS.accounts, 'Value')).toBe(MEMBER);
    expect(field(template.Outputs, WORKER_OUTPUTS.memberRoleName, 'Value')).toBe('ami-tagger-member');
  });

  it('bundles the DynamoDB client into the worker only: the event function does not carry it', () => {
    const worker = readZipEntries(path.join(directory, 'backfillWorker.zip'));
    const tagImage = readZipEntries(path.join(directory, 'tagImage.zip'));
    expect(worker.map((entry) => entry.name).sort()).toEqual(['.build/ami-tagger.rules.json', 'handlers/backfill-worker.js']);
    const text = (entries: typeof worker): string => entries.map((entry) => entry.read().toString('utf8')).join('\n');
    expect(text(worker)).toContain('DynamoDB_20120810');
    expect(text(tagImage)).not.toContain('DynamoDB_20120810');
  });
});

describe('the backfill worker off or mistyped', () => {
  it('is not in the stack by default', () => {
    const template = templateOf(slsPackage('default', []));
    expect(Object.keys(template.Resources).filter((id) => id.startsWith('Backfill'))).toEqual([]);
    expect(Object.keys(template.Outputs).filter((id) => id.startsWith('Backfill'))).toEqual([]);
  }, PACKAGING_TIMEOUT_MS);

  it('refuses a concurrency Lambda would not take, before building anything', () => {
    const packaging = slsPackage('bad-concurrency', ['backfillWorker=true', 'backfillWorkerConcurrency=1']);
    expect(packaging.status).not.toBe(0);
    expect(packaging.output).toContain('Parameter "backfillWorkerConcurrency" is "1": expected a whole number from 2 to 1000');
  }, PACKAGING_TIMEOUT_MS);
});
