import type { EventRuleKind } from '../events/event-patterns';

/**
 * What the stack of one stage is called, and what it calls its parts: serverless.yml's `service`
 * (ami-tagger), osls's naming (`SERVICE-STAGE` for the stack and `SERVICE-STAGE-FUNCTION` for a
 * function) and the names serverless.yml and serverless/resources/dead-letter-queues.yml give.
 * Doctor reads the real physical ids from the stack's resources when it can; these names are for
 * the messages and for a stack it cannot read.
 */
export const SERVICE_NAME = 'ami-tagger';
/** The stage osls deploys when none is given (`sls deploy` without --stage). */
export const DEFAULT_STAGE = 'dev';

/** The stack output that holds the package version it was deployed from (serverless/version.cjs). */
export const VERSION_OUTPUT = 'AmiTaggerVersion';
/** The stack output osls writes for the event function: its current version's ARN. */
export const FUNCTION_VERSION_OUTPUT = 'TagImageLambdaFunctionQualifiedArn';
export const TAGGER_ROLE_OUTPUT = 'TaggerRoleArn';
export const DIRECT_TAG_ROLE_OUTPUT = 'DirectTagRoleArn';

/** Logical ids of the stack's resources that doctor looks at. */
export const LOGICAL_IDS = {
  function: 'TagImageLambdaFunction',
  logGroup: 'TagImageLogGroup',
  ruleDeadLetterQueue: 'RuleDeadLetterQueue',
  invocationFailureQueue: 'InvocationFailureQueue',
  centralBusPolicy: 'CentralBusOrganizationPolicy',
} as const;

/** The two queues where failed events wait, by what they hold. */
export type QueueKind = 'rule-dlq' | 'failed-events';
export const QUEUE_LOGICAL_IDS: Record<QueueKind, string> = {
  'rule-dlq': LOGICAL_IDS.ruleDeadLetterQueue,
  'failed-events': LOGICAL_IDS.invocationFailureQueue,
};

export interface StackNames {
  stage: string;
  stack: string;
  functionName: string;
  logGroup: string;
  rules: Record<EventRuleKind, string>;
  queues: Record<QueueKind, string>;
}

export function stackNames(stage: string): StackNames {
  const prefix = `${SERVICE_NAME}-${stage}`;
  return {
    stage,
    stack: prefix,
    functionName: `${prefix}-tagImage`,
    logGroup: `/aws/lambda/${prefix}-tagImage`,
    rules: { 'image-created': `${prefix}-image-created`, 'image-available': `${prefix}-image-available` },
    queues: { 'rule-dlq': `${prefix}-rule-dlq`, 'failed-events': `${prefix}-failed-events` },
  };
}

/** The region of an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), or undefined. */
export function queueUrlRegion(url: string): string | undefined {
  return /^https:\/\/sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?\//.exec(url)?.[1];
}

/** The queue's name: the last part of its URL. */
export function queueUrlName(url: string): string {
  return url.split('/').pop() ?? url;
}
