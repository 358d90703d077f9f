/**
 * The two EventBridge patterns ami-tagger listens to: the ONE definition. serverless.yml reads them
 * for the tagger's own rules (through serverless/event-patterns.cjs), templates/forwarding-rule.yml
 * spells the same two for member accounts (a test keeps it equal to this file), and
 * `ami-tagger doctor` compares the rules deployed in each region with them.
 *
 * Pure data: no AWS, no environment.
 */

/** A JSON value as an EventBridge pattern holds it. */
export type PatternValue = string | number | boolean | null | PatternValue[] | { [key: string]: PatternValue };
export type EventPattern = { [key: string]: PatternValue };

/** CreateImage, CopyImage and RegisterImage calls that succeeded, as CloudTrail reports them (needs a trail). */
export const IMAGE_CREATED_PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['CreateImage', 'CopyImage', 'RegisterImage'],
    // Failed and dry-run calls carry an errorCode and no image id.
    errorCode: [{ exists: false }],
  },
} as const satisfies EventPattern;

/**
 * AMIs that became available (no trail needed, no caller), and those that failed: a failed bake is
 * not tagged, but counted (metric Outcome image-failed), so that an alarm can watch for them.
 */
export const IMAGE_AVAILABLE_PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 AMI State Change'],
  detail: { State: ['available', 'failed'] },
} as const satisfies EventPattern;

/** The two rules by their role; the stack names them `ami-tagger-STAGE-image-created` and `...-image-available`. */
export const EVENT_RULES = {
  'image-created': IMAGE_CREATED_PATTERN,
  'image-available': IMAGE_AVAILABLE_PATTERN,
} as const;
export type EventRuleKind = keyof typeof EVENT_RULES;
export const EVENT_RULE_KINDS = Object.keys(EVENT_RULES) as EventRuleKind[];

/**
 * A copy of a pattern as plain mutable JSON, for a template that must not share the constant
 * (osls and the CloudFormation writer may add to what they are given).
 */
export function patternJson(kind: EventRuleKind): EventPattern {
  return JSON.parse(JSON.stringify(EVENT_RULES[kind])) as EventPattern;
}

/**
 * A pattern in one spelling: object keys sorted, and the values of each list sorted, because
 * EventBridge matches a list as a set (["CopyImage","CreateImage"] is the same pattern as the
 * reverse). Two patterns are the same when their canonical texts are equal.
 */
export function canonicalPattern(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical).sort((left, right) => {
      const a = JSON.stringify(left);
      const b = JSON.stringify(right);
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Whether a deployed pattern (EventBridge answers it as JSON text) is the one the code expects. */
export function samePattern(deployed: string | undefined, kind: EventRuleKind): boolean {
  if (deployed === undefined) return false;
  try {
    return canonicalPattern(JSON.parse(deployed)) === canonicalPattern(EVENT_RULES[kind]);
  } catch {
    return false;
  }
}
