import { resolveAccountScope } from '../account-scope';
import { EVENT_RULE_KINDS } from '../events/event-patterns';
import { busPolicyFinding, centralBusArn, forwardingFindings, memberRoleFindings, type CentralSettings } from './central-checks';
import { countFindings, couldNotCheck, fail, GLOBAL_REGION, skip, type Finding, type FindingCounts } from './findings';
import { FUNCTION_VERSION_OUTPUT, LOGICAL_IDS, QUEUE_LOGICAL_IDS, queueUrlName, stackNames, TAGGER_ROLE_OUTPUT, type QueueKind, type StackNames } from './names';
import type { DoctorReads, RegionMetrics, RegionReads, StackInfo } from './reads';
import { deployCommand, functionFinding, METRICS_HOURS, queueFinding, ruleFinding, stackFinding, trailFinding, versionFinding } from './region-checks';

/** Regions checked at once: each makes about a dozen calls, to different regional endpoints. */
export const REGION_CONCURRENCY = 4;

export interface DoctorOptions {
  regions: readonly string[];
  stage: string;
  /** This command's version: the stacks must have been deployed from it. */
  version: string;
  now?: () => number;
  /** A member account: its regions forward to this central bus (templates/forwarding-rule.yml). */
  centralBus?: string;
  /** Central mode with an organization: the member accounts whose role to check. */
  memberAccounts?: readonly string[];
}

export interface DoctorReport {
  version: string;
  stage: string;
  regions: string[];
  central?: { region: string; roleName: string; bus: string };
  findings: Finding[];
  counts: FindingCounts;
}

type StackRead = { stack: StackInfo | undefined } | { error: unknown };

/** Runs `work` over `items`, at most `limit` at once, results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The account and partition of a stack, from an ARN among its outputs. */
function stackAccount(stack: StackInfo): { account: string; partition: string } | undefined {
  const arn = stack.outputs[TAGGER_ROLE_OUTPUT] ?? stack.outputs[FUNCTION_VERSION_OUTPUT];
  const parts = arn?.split(':');
  return parts && parts.length > 4 && parts[4] ? { account: parts[4], partition: parts[1] ?? 'aws' } : undefined;
}

/** Central mode, if this stack's function has a member role (its deployed environment says so). */
function centralSettingsOf(region: string, names: StackNames, stack: StackInfo): CentralSettings | undefined {
  const environment = stack.functionEnvironment ?? {};
  const roleName = environment.AMI_TAGGER_ROLE_NAME ?? '';
  const where = stackAccount(stack);
  if (roleName === '' || !where) return undefined;
  let scope;
  try {
    scope = resolveAccountScope(environment.AMI_TAGGER_ACCOUNTS, roleName, { accounts: 'AMI_TAGGER_ACCOUNTS', roleName: 'AMI_TAGGER_ROLE_NAME' });
  } catch {
    return undefined;
  }
  const externalIdBase = environment.AMI_TAGGER_EXTERNAL_ID;
  return {
    region,
    ...where,
    roleName,
    scope,
    ...(externalIdBase ? { externalIdBase } : {}),
    logGroup: stack.resources[LOGICAL_IDS.logGroup] ?? names.logGroup,
    stage: names.stage,
  };
}

/** Everything doctor checks in a region that has the stack. */
async function stackRegionFindings(reads: RegionReads, names: StackNames, stack: StackInfo, version: string, central: CentralSettings | undefined): Promise<Finding[]> {
  const region = reads.region;
  const { finding, usable } = stackFinding(region, names, stack);
  if (!usable) return [finding];
  const findings = [finding, versionFinding(region, names, stack, version)];
  const rules = Promise.all(EVENT_RULE_KINDS.map((kind) => ruleFinding(reads, names, stack, kind)));
  const queueKinds: QueueKind[] = ['rule-dlq', 'failed-events'];
  const queueNames = queueKinds.flatMap((kind) => {
    const url = stack.resources[QUEUE_LOGICAL_IDS[kind]];
    return url ? [queueUrlName(url)] : [];
  });
  let metrics: RegionMetrics | undefined;
  let metricsFinding: Finding;
  try {
    metrics = await reads.metrics(stack.resources[LOGICAL_IDS.function] ?? names.functionName, queueNames, METRICS_HOURS);
    metricsFinding = functionFinding(region, metrics);
  } catch (error) {
    metricsFinding = couldNotCheck(region, 'function', error);
  }
  findings.push(...(await rules));
  for (const kind of queueKinds) findings.push(await queueFinding(reads, stack, kind, metrics));
  findings.push(metricsFinding, await trailFinding(reads));
  if (central && central.region === region) {
    try {
      findings.push(busPolicyFinding(central, await reads.busPolicy()));
    } catch (error) {
      findings.push(couldNotCheck(region, 'bus policy', error));
    }
  }
  return findings;
}

/**
 * `ami-tagger doctor`: per region, whether the tagger is there and working, with a fix for each
 * thing that is not. Only reads (see reads.ts). In central mode (a stack whose function has a
 * member role) the regions without the stack must forward to the central bus, the central bus
 * must let the member accounts in, and each member account needs the role.
 */
export async function runDoctor(reads: DoctorReads, options: DoctorOptions): Promise<DoctorReport> {
  const now = (options.now ?? Date.now)();
  const names = stackNames(options.stage);
  const regions = [...options.regions];
  const stacks = await mapLimit(regions, REGION_CONCURRENCY, async (region): Promise<StackRead> => {
    try {
      return { stack: await reads.forRegion(region).stack(names.stack) };
    } catch (error) {
      return { error };
    }
  });
  const centrals = regions.flatMap((region, index) => {
    const read = stacks[index];
    const central = read && 'stack' in read && read.stack ? centralSettingsOf(region, names, read.stack) : undefined;
    return central ? [central] : [];
  });
  const central = centrals[0];
  const bus = options.centralBus ?? (central ? centralBusArn(central) : undefined);

  const perRegion = await mapLimit(regions, REGION_CONCURRENCY, async (region): Promise<Finding[]> => {
    const regionReads = reads.forRegion(region);
    const read = stacks[regions.indexOf(region)] as StackRead;
    if ('error' in read) return [couldNotCheck(region, 'stack', read.error)];
    if (read.stack) return stackRegionFindings(regionReads, names, read.stack, options.version, central);
    if (bus !== undefined && region !== central?.region) {
      return [
        skip(region, 'stack', `no ${names.stack} here: central mode, this region forwards its events to ${bus}`),
        ...(await forwardingFindings(regionReads, bus)),
        await trailFinding(regionReads),
      ];
    }
    return [fail(region, 'stack', `${names.stack} is not deployed in ${region}: images made here are not tagged`, `\`${deployCommand(region, options.stage)}\`, or leave ${region} out of --regions if no images are made there; in central mode, include the central region in --regions (or give --central-bus) so that doctor checks this region's forwarding instead`)];
  });

  const findings = perRegion.flat();
  if (central) findings.push(...(await memberRoleChecks(reads, central, options.memberAccounts, now)));
  return {
    version: options.version,
    stage: options.stage,
    regions,
    ...(central && bus ? { central: { region: central.region, roleName: central.roleName, bus } } : {}),
    findings,
    counts: countFindings(findings),
  };
}

async function memberRoleChecks(reads: DoctorReads, central: CentralSettings, memberAccounts: readonly string[] | undefined, now: number): Promise<Finding[]> {
  const scope = central.scope;
  if (memberAccounts !== undefined) return memberRoleFindings(reads, central, memberAccounts, now);
  if (scope.kind === 'accounts') return memberRoleFindings(reads, central, scope.accounts, now);
  if (scope.kind === 'organization') {
    return [skip(GLOBAL_REGION, 'member roles', `the tagger may act in the organization ${scope.organizationId}, whose accounts doctor does not list`, 'name the accounts to check: --member-accounts 111122223333,444455556666')];
  }
  return [];
}
