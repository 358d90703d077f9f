import { memberExternalId, type AccountScope } from '../account-scope';
import { EVENT_RULE_KINDS, samePattern } from '../events/event-patterns';
import { couldNotCheck, fail, GLOBAL_REGION, ok, skip, type Finding } from './findings';
import { deployCommand } from './region-checks';
import type { DoctorReads, RegionReads, RuleInfo } from './reads';

/** How far back the tagger's own log is searched for AssumeRole refusals (its retention is 30 days). */
export const REFUSAL_LOOKBACK_DAYS = 14;

/** Central mode as the deployed stack says it (its function's environment). */
export interface CentralSettings {
  region: string;
  account: string;
  partition: string;
  roleName: string;
  scope: AccountScope;
  externalIdBase?: string;
  /** The tagger's log group, where its AssumeRole refusals are. */
  logGroup: string;
  stage: string;
}

export function centralBusArn(central: Pick<CentralSettings, 'partition' | 'region' | 'account'>): string {
  return `arn:${central.partition}:events:${central.region}:${central.account}:event-bus/default`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const strings = (value: unknown): string[] => list(value).filter((item): item is string => typeof item === 'string');

function allowsPutEvents(statement: Json): boolean {
  return statement.Effect === 'Allow' && strings(statement.Action).some((action) => action === 'events:PutEvents' || action === 'events:*' || action === '*');
}

function awsPrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  return isObject(principal) ? strings(principal.AWS) : [];
}

function orgCondition(statement: Json): string[] {
  const condition = statement.Condition;
  if (!isObject(condition)) return [];
  return Object.entries(condition).flatMap(([operator, keys]) => (operator.startsWith('StringEquals') && isObject(keys) ? strings(keys['aws:PrincipalOrgID']) : []));
}

const namesAccount = (principal: string, account: string): boolean => principal === account || new RegExp(`^arn:aws[a-z-]*:iam::${account}:root$`).test(principal);

/** The default bus of the central region lets the allowed accounts (or the organization) put events. */
export function busPolicyFinding(central: CentralSettings, policyText: string | undefined): Finding {
  const check = 'bus policy';
  let statements: Json[] = [];
  if (policyText !== undefined) {
    try {
      const policy: unknown = JSON.parse(policyText);
      statements = isObject(policy) ? list(policy.Statement).filter(isObject) : [];
    } catch {
      statements = [];
    }
  }
  const allowing = statements.filter(allowsPutEvents);
  const forEveryone = allowing.filter((statement) => awsPrincipals(statement).includes('*'));
  const scope = central.scope;
  if (scope.kind === 'organization') {
    if (forEveryone.some((statement) => orgCondition(statement).includes(scope.organizationId))) {
      return ok(central.region, check, `the default bus lets the organization ${scope.organizationId} put events`);
    }
    return fail(
      central.region,
      check,
      `the default bus does not let the organization ${scope.organizationId} put events: the member accounts' forwarding rules are refused, their images are never tagged`,
      `deploy with the organization: \`${deployCommand(central.region, central.stage)} --param organizationId=${scope.organizationId}\` (and the parameters it has now)`,
    );
  }
  if (scope.kind === 'own') return skip(central.region, check, 'no other accounts: nothing forwards here');
  const covered = (account: string): boolean =>
    allowing.some((statement) => awsPrincipals(statement).some((principal) => namesAccount(principal, account))) ||
    // A statement for an organization may cover an account; only AWS Organizations could tell.
    forEveryone.length > 0;
  const missing = scope.accounts.filter((account) => account !== central.account && !covered(account));
  if (missing.length === 0) return ok(central.region, check, `the default bus lets the ${scope.accounts.length} allowed account(s) put events`);
  return fail(
    central.region,
    check,
    `the default bus does not let ${missing.join(', ')} put events: their forwarding rules are refused, their images are never tagged`,
    missing.map((account) => `\`aws events put-permission --event-bus-name default --action events:PutEvents --principal ${account} --statement-id ami-tagger-${account} --region ${central.region}\``).join('; '),
  );
}

/**
 * Each member account's role, by an AssumeRole whose credentials are thrown away. The member role
 * trusts only the tagger's roles, so a refusal to the person running doctor proves nothing by
 * itself: then the tagger's own log decides (a refusal it met in the last days), and without one
 * the check says it could not decide.
 */
export async function memberRoleFindings(reads: DoctorReads, central: CentralSettings, accounts: readonly string[], now: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const account of accounts) {
    if (account === central.account) continue;
    const check = `member role ${account}`;
    const roleArn = `arn:${central.partition}:iam::${account}:role/${central.roleName}`;
    try {
      const attempt = await reads.tryAssumeRole(roleArn, memberExternalId(central.externalIdBase, account));
      if (attempt.ok) {
        findings.push(ok(GLOBAL_REGION, check, `${roleArn} can be assumed (tried with these credentials; nothing kept)`));
        continue;
      }
      const since = now - REFUSAL_LOOKBACK_DAYS * 24 * 3600 * 1000;
      const refusals = await reads.forRegion(central.region).logLines(central.logGroup, ['sts:AssumeRole', account], since, 20);
      const member = `deploy templates/member-role.yml in ${account} (RoleName ${central.roleName}, TaggerRoleArns: the central stack's outputs TaggerRoleArn and DirectTagRoleArn${central.externalIdBase ? ', ExternalId: the central externalId' : ''}); docs/deploy.md, "Central mode"`;
      if (refusals && refusals.length > 0) {
        const last = new Date(Math.max(...refusals.map((line) => line.timestamp))).toISOString();
        findings.push(fail(GLOBAL_REGION, check, `the tagger was refused AssumeRole into ${roleArn} ${refusals.length}${refusals.length === 20 ? '+' : ''} time(s) in ${REFUSAL_LOOKBACK_DAYS} days, last at ${last}: that account's images are not tagged`, member));
        continue;
      }
      findings.push(
        skip(
          GLOBAL_REGION,
          check,
          `not decided: these credentials may not assume ${roleArn} (${attempt.code}), which is expected, as the member role trusts only the tagger's roles; the tagger met no refusal there in ${REFUSAL_LOOKBACK_DAYS} days`,
          `to check it directly, run doctor as a role named in that member role's TaggerRoleArns; if the role is missing: ${member}`,
        ),
      );
    } catch (error) {
      findings.push(couldNotCheck(GLOBAL_REGION, check, error));
    }
  }
  return findings;
}

const forwardingStackCommand = (region: string, bus: string): string =>
  `\`aws cloudformation deploy --template-file templates/forwarding-rule.yml --stack-name ami-tagger-forwarding --parameter-overrides CentralEventBusArn=${bus} --capabilities CAPABILITY_IAM --region ${region}\``;

/** A region without the stack, in central mode: both kinds of events must be forwarded to the central bus. */
export async function forwardingFindings(reads: RegionReads, centralBus: string): Promise<Finding[]> {
  const region = reads.region;
  let rules: RuleInfo[];
  try {
    const names = await reads.rulesTargeting(centralBus);
    rules = (await Promise.all(names.map((name) => reads.rule(name)))).filter((rule): rule is RuleInfo => rule !== undefined);
  } catch (error) {
    return EVENT_RULE_KINDS.map((kind) => couldNotCheck(region, `forwarding ${kind}`, error));
  }
  return EVENT_RULE_KINDS.map((kind) => {
    const check = `forwarding ${kind}`;
    const matching = rules.filter((rule) => samePattern(rule.eventPattern, kind));
    const working = matching.find((rule) => rule.state.startsWith('ENABLED') && rule.targets.some((target) => target.arn === centralBus && target.roleArn));
    if (working) return ok(region, check, `${working.name} forwards to the central bus`);
    if (matching.length === 0) {
      const others = rules.length > 0 ? ` (${rules.map((rule) => rule.name).join(', ')} target it with other patterns)` : '';
      return fail(region, check, `no rule here forwards ${kind} events to the central bus ${centralBus}${others}: this region's images are not tagged`, forwardingStackCommand(region, centralBus));
    }
    const rule = matching[0] as RuleInfo;
    if (!rule.state.startsWith('ENABLED')) return fail(region, check, `${rule.name} is ${rule.state}`, `\`aws events enable-rule --name ${rule.name} --region ${region}\``);
    return fail(region, check, `${rule.name} sends to the central bus without a role: EventBridge cannot put events on another account's bus without one`, forwardingStackCommand(region, centralBus));
  });
}
