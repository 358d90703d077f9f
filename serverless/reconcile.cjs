'use strict';
/**
 * Reconcile: a scheduled function that backfills its own account and region over a recent window
 * (handlers/reconcile.ts), to catch the images whose events were lost. Off unless
 * `--param reconcile=RATE` gives a schedule, e.g. `--param reconcile="rate(6 hours)"`; then these
 * resolvers add the function, its own least-privilege role and an alarm on its failures.
 *
 * Its role may do exactly what it calls: DescribeImages and DescribeSnapshots (which take no
 * resource-level permissions), CreateTags on images and snapshots (limited to the rules' keys when
 * they fix them, as the tagger's), CloudTrail LookupEvents (the creator from the event history;
 * it too takes no resource), and write its own logs. No sts:AssumeRole: it stays in its account.
 */
const { deployParameterError, readAlarmTopicArn } = require('./params.cjs');
const { lambdaRole, readTaggerAccess, taggerStatementsFor } = require('./iam.cjs');

const FUNCTION_KEY = 'reconcile';
const ROLE_LOGICAL_ID = 'ReconcileRole';
const ALARM_LOGICAL_ID = 'ReconcileFailureAlarm';
/** Lambda's longest timeout: a large window at the capped write rate takes minutes; the handler stops starting work a minute before. */
const RECONCILE_TIMEOUT_SECONDS = 900;
/** EventBridge schedule expressions: rate(N unit[s]) or cron(six fields). */
const SCHEDULE_PATTERN = /^(rate\(\s*[1-9]\d*\s+(minute|minutes|hour|hours|day|days)\s*\)|cron\(\s*\S+(\s+\S+){5}\s*\))$/;

const sub = (text) => ({ 'Fn::Sub': text });

/** The schedule, or '' when reconcile is off (the default). */
async function readReconcile(resolveVariable) {
  const raw = await resolveVariable("param:reconcile, ''");
  const value = raw == null ? '' : String(raw).trim();
  if (value === '' || value === 'false' || value === 'off') return '';
  if (!SCHEDULE_PATTERN.test(value)) {
    throw deployParameterError(
      `Parameter "reconcile" is ${JSON.stringify(value)}: expected a schedule such as "rate(6 hours)" or "cron(0 3 * * ? *)", or leave it out (reconcile off).`,
    );
  }
  return value;
}

async function functionName(resolveVariable) {
  return `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}-reconcile`;
}

async function functions({ resolveVariable }) {
  const schedule = await readReconcile(resolveVariable);
  if (schedule === '') return {};
  return {
    [FUNCTION_KEY]: {
      name: await functionName(resolveVariable),
      handler: 'handlers/reconcile.handler',
      description: 'ami-tagger reconcile - tags the recent images whose events were missed (backfill of its own account and region)',
      role: ROLE_LOGICAL_ID,
      timeout: RECONCILE_TIMEOUT_SECONDS,
      // The next scheduled run is the retry: a failed run alarms rather than running twice at once.
      maximumRetryAttempts: 0,
      // One run at a time: two would share (and halve) the write rate.
      reservedConcurrency: 1,
      events: [{ schedule: { rate: [schedule], description: 'ami-tagger reconcile' } }],
    },
  };
}

async function resources({ resolveVariable }) {
  const schedule = await readReconcile(resolveVariable);
  if (schedule === '') return {};
  const name = await functionName(resolveVariable);
  const access = await readTaggerAccess(resolveVariable);
  const statements = [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*`),
    },
    // The tagger's own statements, without the member role: reconcile stays in its account.
    ...taggerStatementsFor({ ...access, memberRoleName: '' }),
    {
      Sid: 'ReadEventHistory',
      Effect: 'Allow',
      Action: ['cloudtrail:LookupEvents'],
      // LookupEvents supports no resource-level permissions (Service Authorization Reference, AWS CloudTrail).
      Resource: '*',
    },
  ];
  const topicArn = await readAlarmTopicArn(resolveVariable);
  return {
    Resources: {
      [ROLE_LOGICAL_ID]: lambdaRole('ami-tagger-reconcile', statements),
      [ALARM_LOGICAL_ID]: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: 'ami-tagger - a reconcile run failed (an image or the region could not be tagged); its log line "reconcile failed" says which.',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: name }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          // No run in the period is the usual case between runs, not a failure.
          TreatMissingData: 'notBreaching',
          AlarmActions: topicArn === '' ? [] : [topicArn],
        },
      },
    },
    Outputs: {
      ReconcileRoleArn: {
        Description: "The reconcile function's role: images, snapshots and CloudTrail's event history of its own account only.",
        Value: { 'Fn::GetAtt': [ROLE_LOGICAL_ID, 'Arn'] },
      },
    },
  };
}

module.exports = { functions, resources, readReconcile, SCHEDULE_PATTERN };
