/**
 * `sls package` with and without `--param reconcile=RATE`: the scheduled function, its own
 * least-privilege role, the alarm on its failures; nothing of it by default; a bad schedule refused;
 * and the event function's bundle free of the CloudTrail client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resourceNamed, roleStatements, type Template } from './cloudformation';
import { PACKAGING_TIMEOUT_MS, packagedTemplate, slsPackage as packageStack } from './packaging';
import { readZipEntries } from './zip-archive';

const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ami-tagger-alarms';
const scratch = mkdtempSync(path.join(tmpdir(), 'ami-tagger-reconcile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const slsPackage = (name: string, params: string[]) => packageStack(scratch, name, params);
const templateOf = packagedTemplate;

describe('reconcile in the stack', () => {
  let template: Template;
  let directory: string;
  beforeAll(() => {
    const packaging = slsPackage('reconcile', ['reconcile=rate(6 hours)', `alarmTopicArn=${ALARM_TOPIC}`]);
    template = templateOf(packaging);
    directory = packaging.directory;
  }, PACKAGING_TIMEOUT_MS);

  it('runs handlers/reconcile on the schedule, 15 minutes at most, one at a time, no async retries', () => {
    const fn = resourceNamed(template, 'ReconcileLambdaFunction').Properties;
    expect(fn).toMatchObject({ Handler: 'handlers/reconcile.handler', Timeout: 900, ReservedConcurrentExecutions: 1, Role: { 'Fn::GetAtt': ['ReconcileRole', 'Arn'] } });
    expect(resourceNamed(template, 'ReconcileEventsRuleSchedule1').Properties).toMatchObject({ ScheduleExpression: 'rate(6 hours)', State: 'ENABLED' });
    expect(resourceNamed(template, 'ReconcileLambdaEvConf').Properties).toMatchObject({ MaximumRetryAttempts: 0 });
  });

  it('has a role for exactly what it calls: describe, tag, LookupEvents, its own logs; no AssumeRole', () => {
    const statements = roleStatements(resourceNamed(template, 'ReconcileRole'));
    const actions = statements.flatMap((statement) => statement.Action).sort();
    expect(actions).toEqual(['cloudtrail:LookupEvents', 'ec2:CreateTags', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const createTags = statements.find((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(JSON.stringify(createTags?.Resource)).toContain('image/*');
    expect(JSON.stringify(statements.find((statement) => statement.Action.includes('logs:PutLogEvents'))?.Resource)).toContain('/aws/lambda/ami-tagger-test-reconcile:*');
  });

  it('alarms on any failed run, to the alarm topic', () => {
    expect(resourceNamed(template, 'ReconcileFailureAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'ami-tagger-test-reconcile' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ALARM_TOPIC],
    });
  });

  it('bundles the CloudTrail client into reconcile only: the event function does not carry it', () => {
    const reconcile = readZipEntries(path.join(directory, 'reconcile.zip'));
    const tagImage = readZipEntries(path.join(directory, 'tagImage.zip'));
    const text = (entries: typeof reconcile): string => entries.map((entry) => entry.read().toString('utf8')).join('\n');
    expect(text(reconcile)).toContain('CloudTrail_20131101');
    expect(text(tagImage)).not.toContain('CloudTrail_20131101');
  });
});

describe('reconcile off or mistyped', () => {
  it('is not in the stack by default', () => {
    const template = templateOf(slsPackage('default', []));
    expect(Object.keys(template.Resources).filter((id) => id.startsWith('Reconcile'))).toEqual([]);
  }, PACKAGING_TIMEOUT_MS);

  it('refuses a schedule that is not one, before building anything', () => {
    const packaging = slsPackage('bad-schedule', ['reconcile=every 6 hours']);
    expect(packaging.status).not.toBe(0);
    expect(packaging.output).toContain('Parameter "reconcile" is "every 6 hours": expected a schedule such as "rate(6 hours)"');
  }, PACKAGING_TIMEOUT_MS);
});
