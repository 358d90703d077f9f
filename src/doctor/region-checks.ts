import { EVENT_RULE_KINDS, IMAGE_CREATED_PATTERN, samePattern, EVENT_RULES, canonicalPattern, type EventRuleKind } from '../events/event-patterns';
import { couldNotCheck, fail, ok, skip, type Finding } from './findings';
import { LOGICAL_IDS, QUEUE_LOGICAL_IDS, queueUrlName, VERSION_OUTPUT, type QueueKind, type StackNames } from './names';
import type { RegionMetrics, RegionReads, RuleInfo, StackInfo, TrailInfo } from './reads';

/** The window of the function's metrics in the table. */
export const METRICS_HOURS = 24;

/** Stack states in which the stack's resources are there and are the template's. */
const HEALTHY_STATES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
/** The last update failed and was undone: the stack runs the template before it. */
const ROLLED_BACK_STATES = new Set(['UPDATE_ROLLBACK_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function deployCommand(region: string, stage: string): string {
  return `npx sls deploy --region ${region} --stage ${stage}`;
}

/** The stack row, and whether the stack's resources can be checked further. */
export function stackFinding(region: string, names: StackNames, stack: StackInfo): { finding: Finding; usable: boolean } {
  const check = 'stack';
  if (HEALTHY_STATES.has(stack.status)) return { finding: ok(region, check, `${stack.name} ${stack.status}`), usable: true };
  if (ROLLED_BACK_STATES.has(stack.status)) {
    return { finding: ok(region, check, `${stack.name} ${stack.status}: its last update was rolled back, it runs the template before it`), usable: true };
  }
  if (stack.status.endsWith('_IN_PROGRESS')) {
    return { finding: skip(region, check, `${stack.name} is being changed (${stack.status}): run doctor again when it is done`), usable: true };
  }
  const events = `aws cloudformation describe-stack-events --stack-name ${stack.name} --region ${region}`;
  if (stack.status === 'ROLLBACK_COMPLETE') {
    return {
      finding: fail(region, check, `${stack.name} is ROLLBACK_COMPLETE: its first deploy failed and was undone, nothing of the tagger exists here`, `see why with \`${events}\`, then \`aws cloudformation delete-stack --stack-name ${stack.name} --region ${region}\` and \`${deployCommand(region, names.stage)}\``),
      usable: false,
    };
  }
  return { finding: fail(region, check, `${stack.name} is ${stack.status}`, `see why with \`${events}\`, fix the cause, then \`${deployCommand(region, names.stage)}\``), usable: false };
}

export function versionFinding(region: string, names: StackNames, stack: StackInfo, version: string): Finding {
  const deployed = stack.outputs[VERSION_OUTPUT];
  const redeploy = `deploy this version: \`${deployCommand(region, names.stage)}\` from ami-tagger ${version}`;
  if (deployed === undefined) {
    return fail(region, 'version', `the stack has no ${VERSION_OUTPUT} output: it was deployed by an ami-tagger older than the doctor command`, redeploy);
  }
  if (deployed !== version) {
    return fail(region, 'version', `the stack was deployed from ami-tagger ${deployed}; this command is ${version}`, `${redeploy}, or run the matching command: \`npx ami-tagger@${deployed} doctor\``);
  }
  return ok(region, 'version', `deployed from ami-tagger ${deployed}, the same as this command`);
}

/** The function a rule must send to: the stack's, by ARN (account and partition from the rule's ARN). */
export function functionArn(rule: RuleInfo, region: string, functionName: string): string {
  const [, partition = 'aws', , , account = ''] = rule.arn.split(':');
  return `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;
}

const targetsFunction = (arn: string, expected: string): boolean => arn === expected || arn.startsWith(`${expected}:`);

/** Each of the two rules: there, enabled, the code's pattern, sending to the function with a dead-letter queue. */
export async function ruleFinding(reads: RegionReads, names: StackNames, stack: StackInfo, kind: EventRuleKind): Promise<Finding> {
  const region = reads.region;
  const check = `rule ${kind}`;
  const name = names.rules[kind];
  const redeploy = `\`${deployCommand(region, names.stage)}\` puts it back as the stack defines it`;
  let rule: RuleInfo | undefined;
  try {
    rule = await reads.rule(name);
  } catch (error) {
    return couldNotCheck(region, check, error);
  }
  if (!rule) return fail(region, check, `the rule ${name} does not exist (deleted outside CloudFormation?): ${kind === 'image-created' ? 'no CloudTrail event' : 'no "available" event'} reaches the function`, redeploy);
  const problems: string[] = [];
  const fixes: string[] = [];
  if (rule.state !== 'ENABLED' && rule.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') {
    problems.push(`${name} is ${rule.state}: none of its events reach the function`);
    fixes.push(`\`aws events enable-rule --name ${name} --region ${region}\``);
  }
  if (!samePattern(rule.eventPattern, kind)) {
    problems.push(`its pattern is ${compactPattern(rule.eventPattern)}, not the one this version expects, ${canonicalPattern(EVENT_RULES[kind])}`);
  }
  const expected = functionArn(rule, region, stack.resources[LOGICAL_IDS.function] ?? names.functionName);
  const target = rule.targets.find((candidate) => targetsFunction(candidate.arn, expected));
  if (!target) {
    problems.push(rule.targets.length === 0 ? 'it has no target' : `it sends to ${rule.targets.map((candidate) => candidate.arn).join(', ')}, not to the function ${expected}`);
  } else if (!target.deadLetterArn) {
    problems.push('its target has no dead-letter queue: an event EventBridge cannot deliver is dropped after its retries');
  }
  if (problems.length === 0) return ok(region, check, `${name} enabled, the expected pattern, sends to the function with a dead-letter queue`);
  if (problems.length > fixes.length) fixes.push(redeploy);
  return fail(region, check, problems.join('; '), fixes.join('; then '));
}

function compactPattern(text: string | undefined): string {
  if (text === undefined) return '(none)';
  try {
    return canonicalPattern(JSON.parse(text));
  } catch {
    return text;
  }
}

/** "2 h 05 min", "40 s", "3 days 4 h". */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

/** A dead-letter queue: empty, or how many wait, the oldest, and the command that replays them. */
export async function queueFinding(reads: RegionReads, stack: StackInfo, kind: QueueKind, metrics: RegionMetrics | undefined): Promise<Finding> {
  const region = reads.region;
  const check = `queue ${kind}`;
  const url = stack.resources[QUEUE_LOGICAL_IDS[kind]];
  if (url === undefined) return fail(region, check, `the stack has no ${QUEUE_LOGICAL_IDS[kind]}`, 'deploy the stack again from this version');
  try {
    const queue = await reads.queue(url);
    const waiting = queue.visible + queue.inFlight;
    if (waiting === 0) return ok(region, check, `${queueUrlName(url)} is empty`);
    const age = metrics?.oldestMessageAge[queueUrlName(url)];
    const oldest = age === undefined ? 'the age of the oldest unknown (CloudWatch has no data point yet)' : `the oldest ${formatAge(age)} old`;
    const inFlight = queue.inFlight > 0 ? ` (${queue.inFlight} being read by someone right now)` : '';
    const what = kind === 'rule-dlq' ? 'events EventBridge could not deliver to the function' : 'events the function failed on after its retries';
    return fail(
      region,
      check,
      `${waiting} message(s) wait in ${queueUrlName(url)}${inFlight}, ${oldest}: ${what}; SQS deletes them 14 days after they arrived`,
      `see what they are: \`npx ami-tagger replay --queue ${url} --dry-run\`; then replay them: \`npx ami-tagger replay --queue ${url}\``,
    );
  } catch (error) {
    return couldNotCheck(region, check, error);
  }
}

export function functionFinding(region: string, metrics: RegionMetrics): Finding {
  const invocations = metrics.invocations ?? 0;
  const errors = metrics.errors ?? 0;
  if (invocations === 0) return ok(region, 'function', `no invocations in the last ${METRICS_HOURS} h (no new images, or no events: see the rules and the trail)`);
  const failed = errors > 0 ? `, ${errors} failed (Lambda retries them twice; what still fails waits in failed-events)` : ', none failed';
  return ok(region, 'function', `${invocations} invocation(s) in the last ${METRICS_HOURS} h${failed}`);
}

const LOST_WITHOUT_TRAIL =
  `EventBridge gets the CreateImage, CopyImage and RegisterImage calls only from a trail that logs management events: without one the ${EVENT_RULE_KINDS[0]} rule (${IMAGE_CREATED_PATTERN['detail-type'][0]}) never fires; images are still tagged when they become available, but CreatedBy and CreatedVia stay unset`;
const FILLED_WITHOUT_TRAIL = 'or live without it: reconcile (`--param reconcile=RATE`) and `ami-tagger backfill` fill the creator in from CloudTrail\'s 90-day event history, which needs no trail';

/** A trail that logs this region's management events (write calls), so that the image-created rule gets them. */
export async function trailFinding(reads: RegionReads): Promise<Finding> {
  const region = reads.region;
  let trails: TrailInfo[];
  try {
    trails = await reads.trails();
  } catch (error) {
    return couldNotCheck(region, 'trail', error);
  }
  const good = trails.find((trail) => trail.logging === true && trail.management === 'write');
  if (good) return ok(region, 'trail', `${good.name}${good.organization ? ' (organization trail)' : ''} logs management events`);
  const unreadable = trails.find((trail) => trail.logging === undefined || trail.management === undefined);
  if (unreadable) {
    return skip(region, 'trail', `${unreadable.name}${unreadable.organization ? ', an organization trail,' : ''} could not be read from here (${unreadable.unreadable ?? 'no status'}); no other trail logs management events`, 'check it from the account that owns it');
  }
  const create = `create one: \`aws cloudtrail create-trail --name management-events --s3-bucket-name BUCKET --is-multi-region-trail --region ${region}\` and \`aws cloudtrail start-logging --name management-events --region ${region}\`; ${FILLED_WITHOUT_TRAIL}`;
  if (trails.length === 0) return fail(region, 'trail', `no CloudTrail trail logs ${region}. ${LOST_WITHOUT_TRAIL}`, create);
  const stopped = trails.find((trail) => trail.logging === false);
  if (stopped) {
    return fail(region, 'trail', `the trail ${stopped.name} is not logging. ${LOST_WITHOUT_TRAIL}`, `\`aws cloudtrail start-logging --name ${stopped.arn} --region ${stopped.homeRegion ?? region}\`; ${FILLED_WITHOUT_TRAIL}`);
  }
  const partial = trails.find((trail) => trail.management === 'read-only') ?? trails[0];
  const what = partial?.management === 'read-only' ? 'logs only read-only management events' : 'logs no management events';
  return fail(region, 'trail', `the trail ${partial?.name ?? ''} ${what}. ${LOST_WITHOUT_TRAIL}`, `add management events (ReadWriteType All or WriteOnly) to its event selectors, keeping those it has: read them with \`aws cloudtrail get-event-selectors --trail-name ${partial?.arn ?? 'TRAIL'}\`, write them back with \`aws cloudtrail put-event-selectors\`; ${FILLED_WITHOUT_TRAIL}`);
}
