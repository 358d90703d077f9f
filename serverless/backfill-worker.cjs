'use strict';
/**
 * The backfill worker: `ami-tagger backfill --on lambda` sends one message per account, region and
 * page of images to a FIFO queue, and this function (handlers/backfill-worker.ts) tags each page
 * through the same engine as every backfill. Off unless `--param backfillWorker=true`; then these
 * resolvers add:
 *
 * - the FIFO queue, with one message group per account and region: SQS hands out one page of a
 *   group at a time, so the pacing inside one invocation (at most --max-rate CreateTags a second)
 *   is the pacing of that account and region, and EC2's buckets hold. The event source mapping's
 *   MaximumConcurrency (`--param backfillWorkerConcurrency=N`, default 10) bounds only the total;
 * - its dead-letter queue (FIFO too): a page fails when an image in it failed, SQS tries it again
 *   after the visibility timeout and moves it there after its last try; `ami-tagger replay` reads it;
 * - the table of runs and results (DynamoDB, pay per request, TTL), which `backfill status` sums
 *   and `backfill cancel` marks;
 * - the worker's own role, for exactly what it calls and what Lambda does for it;
 * - alarms on the worker's failed invocations and on pages in the dead-letter queue.
 *
 * The event source mapping is a resource of its own, not an `sqs` event of the function: osls
 * would grant the queue's actions to the event path's role (IamRoleLambdaExecution) too.
 */
const tsx = require('tsx/cjs/api');
const { deployParameterError, readAlarmTopicArn, readSwitch } = require('./params.cjs');
const { lambdaRole, readTaggerAccess, taggerStatementsFor } = require('./iam.cjs');

const FUNCTION_KEY = 'backfillWorker';
const FUNCTION_LOGICAL_ID = 'BackfillWorkerLambdaFunction';
const ROLE_LOGICAL_ID = 'BackfillWorkerRole';
const QUEUE_LOGICAL_ID = 'BackfillWorkerQueue';
const DEAD_LETTER_QUEUE_LOGICAL_ID = 'BackfillWorkerDeadLetterQueue';
const TABLE_LOGICAL_ID = 'BackfillRunsTable';
/** SQS keeps a message at most 14 days: time to notice, fix and replay. */
const RETENTION_SECONDS = 1209600;

const sub = (text) => ({ 'Fn::Sub': text });
const getAtt = (logicalId, attribute) => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** src/fanout/names.ts, through tsx: the outputs and limits the command and the worker read. */
function fanoutNames() {
  return tsx.require('../src/fanout/names.ts', __filename);
}

/** `backfillWorkerConcurrency`: the event source mapping's MaximumConcurrency, 2 to 1000 (Lambda's range). */
async function readConcurrency(resolveVariable) {
  const { DEFAULT_WORKER_CONCURRENCY } = fanoutNames();
  const raw = await resolveVariable(`param:backfillWorkerConcurrency, '${DEFAULT_WORKER_CONCURRENCY}'`);
  const value = String(raw == null ? DEFAULT_WORKER_CONCURRENCY : raw).trim();
  if (!/^\d+$/.test(value) || Number(value) < 2 || Number(value) > 1000) {
    throw deployParameterError(
      `Parameter "backfillWorkerConcurrency" is ${JSON.stringify(value)}: expected a whole number from 2 to 1000 (the worker copies at once, over all accounts and regions; Lambda's MaximumConcurrency).`,
    );
  }
  return Number(value);
}

async function names(resolveVariable) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return fanoutNames().workerResourceNames(service, stage);
}

async function functions({ resolveVariable }) {
  if (!(await readSwitch(resolveVariable, 'backfillWorker'))) return {};
  const { WORKER_TIMEOUT_SECONDS, MAX_RECEIVE_COUNT } = fanoutNames();
  const resource = await names(resolveVariable);
  return {
    [FUNCTION_KEY]: {
      name: resource.functionName,
      handler: 'handlers/backfill-worker.handler',
      description: 'ami-tagger backfill worker - tags one page of images of one account and region of a `backfill --on lambda` run',
      role: ROLE_LOGICAL_ID,
      // A page of 1000 images takes about 200 s of writes at the default rate; the handler stops
      // starting new work a minute before, so that the page's results are recorded.
      timeout: WORKER_TIMEOUT_SECONDS,
      environment: {
        AMI_TAGGER_BACKFILL_TABLE: resource.table,
        AMI_TAGGER_BACKFILL_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
      },
    },
  };
}

async function resources({ resolveVariable }) {
  if (!(await readSwitch(resolveVariable, 'backfillWorker'))) return {};
  const { WORKER_OUTPUTS, QUEUE_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT } = fanoutNames();
  const resource = await names(resolveVariable);
  const concurrency = await readConcurrency(resolveVariable);
  const access = await readTaggerAccess(resolveVariable);
  const { formatAccountScope } = tsx.require('../src/account-scope.ts', __filename);
  const topicArn = await readAlarmTopicArn(resolveVariable);
  const alarmActions = topicArn === '' ? [] : [topicArn];
  const statements = [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${resource.functionName}:*`),
    },
    // The tagger's own statements: describe, CreateTags (the rules' keys when they fix them), and in
    // central mode AssumeRole on the member roles of the allow-list.
    ...taggerStatementsFor(access),
    {
      Sid: 'ReadEventHistory',
      Effect: 'Allow',
      Action: ['cloudtrail:LookupEvents'],
      // LookupEvents supports no resource-level permissions (Service Authorization Reference, AWS CloudTrail).
      Resource: '*',
    },
    {
      Sid: 'TakePagesFromItsQueue',
      Effect: 'Allow',
      // What Lambda's event source mapping calls with the function's role.
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: getAtt(QUEUE_LOGICAL_ID, 'Arn'),
    },
    {
      Sid: 'ReadRunRecordPages',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: getAtt(TABLE_LOGICAL_ID, 'Arn'),
    },
  ];
  const outputs = {
    [WORKER_OUTPUTS.queueUrl]: { Description: 'The backfill worker\'s FIFO queue: `ami-tagger backfill --on lambda` sends pages here.', Value: { Ref: QUEUE_LOGICAL_ID } },
    [WORKER_OUTPUTS.deadLetterQueueUrl]: { Description: 'Pages that failed their last try: `ami-tagger replay --queue` takes them.', Value: { Ref: DEAD_LETTER_QUEUE_LOGICAL_ID } },
    [WORKER_OUTPUTS.table]: { Description: 'Backfill runs and their results: `ami-tagger backfill status RUN-ID`.', Value: { Ref: TABLE_LOGICAL_ID } },
    [WORKER_OUTPUTS.roleArn]: { Description: "The backfill worker's role; in central mode the member roles must trust it too (TaggerRoleArns).", Value: getAtt(ROLE_LOGICAL_ID, 'Arn') },
  };
  // CloudFormation takes no empty output value: single-account mode has neither.
  const scope = formatAccountScope(access.scope);
  if (scope !== '') outputs[WORKER_OUTPUTS.accounts] = { Description: 'The accounts the backfill worker may act in besides its own (deploy parameter accounts).', Value: scope };
  if (access.memberRoleName !== '') outputs[WORKER_OUTPUTS.memberRoleName] = { Description: 'The member role the backfill worker assumes in other accounts.', Value: access.memberRoleName };
  const queue = (name, extra) => ({
    Type: 'AWS::SQS::Queue',
    Properties: { QueueName: name, FifoQueue: true, MessageRetentionPeriod: RETENTION_SECONDS, SqsManagedSseEnabled: true, ...extra },
  });
  return {
    Resources: {
      [QUEUE_LOGICAL_ID]: queue(resource.queue, {
        // The sender gives each page a deduplication id (run and page): a page sent twice arrives once.
        ContentBasedDeduplication: false,
        // Lambda's documentation: six times the function's timeout.
        VisibilityTimeout: QUEUE_VISIBILITY_SECONDS,
        RedrivePolicy: { deadLetterTargetArn: getAtt(DEAD_LETTER_QUEUE_LOGICAL_ID, 'Arn'), maxReceiveCount: MAX_RECEIVE_COUNT },
      }),
      [DEAD_LETTER_QUEUE_LOGICAL_ID]: queue(resource.deadLetterQueue, {}),
      [TABLE_LOGICAL_ID]: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: resource.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'run', AttributeType: 'S' },
            { AttributeName: 'item', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'run', KeyType: 'HASH' },
            { AttributeName: 'item', KeyType: 'RANGE' },
          ],
          // Runs are kept 30 days (src/fanout/names.ts RUN_RETENTION_DAYS), then DynamoDB deletes them.
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
      },
      [ROLE_LOGICAL_ID]: lambdaRole('ami-tagger-backfill-worker', statements),
      BackfillWorkerEventSourceMapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        DependsOn: [ROLE_LOGICAL_ID],
        Properties: {
          EventSourceArn: getAtt(QUEUE_LOGICAL_ID, 'Arn'),
          FunctionName: { Ref: FUNCTION_LOGICAL_ID },
          // One page an invocation: a page is minutes of work, and a failure then concerns it alone.
          BatchSize: 1,
          Enabled: true,
          ScalingConfig: { MaximumConcurrency: concurrency },
        },
      },
      BackfillWorkerFailureAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: 'ami-tagger - a backfill page failed (an image, or its account and region); SQS tries it again, then moves it to the backfill dead-letter queue. The log line "backfill page failed" and `ami-tagger backfill status RUN-ID` say which.',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: resource.functionName }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          // No run, no invocation, no data point: the usual case.
          TreatMissingData: 'notBreaching',
          AlarmActions: alarmActions,
        },
      },
      BackfillWorkerDeadLetterAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: 'ami-tagger - backfill pages failed their last try and wait in the backfill dead-letter queue; `ami-tagger replay --queue URL` takes them.',
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: getAtt(DEAD_LETTER_QUEUE_LOGICAL_ID, 'QueueName') }],
          Statistic: 'Maximum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: alarmActions,
        },
      },
    },
    Outputs: outputs,
  };
}

module.exports = { functions, resources, readConcurrency };
