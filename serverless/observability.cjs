'use strict';
/**
 * What tells someone that images are not being tagged:
 * - an alarm on the tagger's own metric (`ami-tagger` / `Events`, Outcome `failed`, written by
 *   every event's log line in embedded metric format: src/tagger/metrics.ts), which fires as soon
 *   as an event fails after its retries, before the failed-events queue's alarm (SQS reports its
 *   depth every five minutes);
 * - with `--param dashboard=true`, a small CloudWatch dashboard: images by outcome, and the depth
 *   of the two dead-letter queues.
 * The namespace, metric and outcome names are read from the code, so they cannot drift apart.
 */
const tsx = require('tsx/cjs/api');
const { readSwitch } = require('./params.cjs');

function metricNames() {
  const { METRIC_NAMESPACE, EVENTS_METRIC } = tsx.require('../src/tagger/metrics.ts', __filename);
  const { IMAGE_OUTCOMES, INPUT_OUTCOMES } = tsx.require('../src/tagger/outcome.ts', __filename);
  return { namespace: METRIC_NAMESPACE, metric: EVENTS_METRIC, outcomes: [...Object.keys(IMAGE_OUTCOMES), ...Object.keys(INPUT_OUTCOMES)] };
}

/** CloudWatch's shortest period for a standard-resolution metric that an alarm evaluates. */
const ALARM_PERIOD_SECONDS = 60;
/** The dashboard's widgets: five minutes per point, the period SQS reports queue depth in. */
const DASHBOARD_PERIOD_SECONDS = 300;

async function resources({ resolveVariable }) {
  const { namespace, metric, outcomes } = metricNames();
  const alarmActions = await require('./params.cjs').alarmActions({ resolveVariable });
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const Resources = {
    TaggingFailureAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: 'ami-tagger - tagging an image failed after the retries (Outcome failed); the event is retried, then kept in the failed-events queue.',
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [{ Name: 'Outcome', Value: 'failed' }],
        Statistic: 'Sum',
        Period: ALARM_PERIOD_SECONDS,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        // No failure, no data point: that is the healthy case.
        TreatMissingData: 'notBreaching',
        AlarmActions: alarmActions,
      },
    },
  };
  if (await readSwitch(resolveVariable, 'dashboard')) {
    const region = { 'Fn::Sub': '${AWS::Region}' };
    const outcomeMetrics = outcomes.map((outcome) => [namespace, metric, 'Outcome', outcome]);
    const queueMetric = (logicalId) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [logicalId, 'QueueName'] }];
    const body = {
      widgets: [
        { type: 'metric', x: 0, y: 0, width: 12, height: 6, properties: { title: 'Images by outcome', view: 'timeSeries', stacked: true, stat: 'Sum', period: DASHBOARD_PERIOD_SECONDS, region, metrics: outcomeMetrics } },
        { type: 'metric', x: 12, y: 0, width: 12, height: 6, properties: { title: 'Waiting in the dead-letter queues', view: 'timeSeries', stat: 'Maximum', period: DASHBOARD_PERIOD_SECONDS, region, metrics: [queueMetric('RuleDeadLetterQueue'), queueMetric('InvocationFailureQueue')] } },
      ],
    };
    Resources.TaggerDashboard = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: { 'Fn::Sub': `${service}-${stage}-\${AWS::Region}` },
        // CloudFormation takes the body as a JSON string; Fn::Sub/GetAtt inside are resolved by Fn::Join.
        DashboardBody: jsonWithIntrinsics(body),
      },
    };
  }
  return { Resources };
}

/**
 * A JSON string for a template property, where the values that are CloudFormation intrinsics
 * (`Fn::Sub`, `Fn::GetAtt`) are resolved at deploy time: the string is split around them and
 * joined with `Fn::Join`.
 */
function jsonWithIntrinsics(value) {
  const intrinsics = [];
  const text = JSON.stringify(value, (_key, item) => {
    if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1 && /^Fn::/.test(Object.keys(item)[0])) {
      intrinsics.push(item);
      return `\u0000${intrinsics.length - 1}\u0000`;
    }
    return item;
  });
  const parts = text.split(/"\u0000(\d+)\u0000"|"\\u0000(\d+)\\u0000"/);
  const joined = [];
  for (let index = 0; index < parts.length; index += 3) {
    if (parts[index]) joined.push(parts[index]);
    const ref = parts[index + 1] ?? parts[index + 2];
    if (ref !== undefined) joined.push('"', intrinsics[Number(ref)], '"');
  }
  return { 'Fn::Join': ['', joined] };
}

module.exports = { resources, jsonWithIntrinsics };
