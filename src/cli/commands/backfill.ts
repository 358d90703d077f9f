import { Option } from 'commander';
import { accountAllowed, resolveAccountScope, type AccountScope } from '../../account-scope';
import { SdkTrailGateway } from '../../aws/cloudtrail';
import { estateAws } from '../../aws/estate';
import { SdkAccountGateway } from '../../aws/estate-accounts';
import { InputError } from '../../errors';
import { DEFAULT_CONCURRENCY, runBackfill, type BackfillEvent, type BackfillOptions } from '../../estate/backfill';
import { parseImageIds, parseNameGlob, parseRegions, parseSince, type ImageFilter } from '../../estate/filters';
import { PLAN_FILE_KIND, PLAN_FILE_VERSION, readPlanFile, rulesDigest, writePlanFile, type PlanFile } from '../../estate/plan-file';
import type { TrailGateway } from '../../estate/ports';
import { NO_PROGRESS, terminalProgress } from '../../estate/progress';
import { CREATE_TAGS_REFILL_PER_SECOND, DEFAULT_MAX_WRITE_RATE } from '../../estate/rate';
import { BACKFILL_ONLY_OUTCOMES, hasFailures, hasFindings, type BackfillSummary, type ImageResult } from '../../estate/summary';
import { loadRulesFile } from '../../rules/load';
import { IMAGE_OUTCOMES } from '../../tagger/outcome';
import { DEFAULT_STAGE } from '../../doctor/names';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { resolveRulesFile, rulesOptionHelp } from '../rules-file';
import { runAction } from '../run';
import { renderTable } from '../table';
import { backfillCancelCommand, backfillStatusCommand, fanoutBackfill, refuseOrganizationHere } from './backfill-fanout';

interface BackfillFlags {
  regions?: string;
  region?: string;
  accounts?: string;
  roleName?: string;
  externalId?: string;
  since?: string;
  name?: string;
  missingTag?: string;
  imageIds?: string;
  dryRun?: boolean;
  out?: string;
  apply?: string;
  maxRate: string;
  concurrency: string;
  lookup: boolean;
  shareTargets?: boolean;
  rules?: string;
  format: 'table' | 'json';
  /** `lambda`: send the work to the stack's backfill worker (src/cli/commands/backfill-fanout.ts). */
  on: 'local' | 'lambda';
  stage: string;
  stackRegion?: string;
}

/** Where the account settings come from on the command line, for messages (as `tag` names them). */
const ACCOUNT_FLAGS = { accounts: '--accounts', roleName: '--role-name' } as const;
/** Account-regions at once: more gains little (each is paced on its own) and opens many connections. */
const MAX_CONCURRENCY = 32;

/**
 * `ami-tagger backfill`: tag the images that already exist, in the accounts and regions asked for,
 * at a rate that leaves the live event path its share of EC2's buckets.
 */
export function backfillCommand() {
  return newCommand('backfill')
    .description("Tag the AMIs (and their snapshots) that already exist: your own images in the regions and accounts you name, at a capped rate, with the stack's rules.")
    .option('--regions <list>', 'comma-separated regions, or `all` (every region enabled in each account). Default: your configured region')
    .option('--region <name>', 'one region (the same as --regions NAME)')
    .option('--accounts <list>', 'central mode: scan these accounts (comma-separated 12-digit ids) through the member role; they are also the allow-list, as for `tag`')
    .option('--role-name <name>', 'central mode: the member role to assume in each account (needs --accounts)')
    .option('--external-id <id>', "central mode: base of the member roles' external ids (sent as ID:ACCOUNT)")
    .option('--since <age>', 'only images made since: an age (90d, 12h, 2w) or a date (2026-01-31)')
    .option('--name <glob>', 'only images whose name matches (EC2 name filter: * and ? are wildcards)')
    .option('--missing-tag <key>', 'only images that do not carry this tag key')
    .option('--image-ids <list>', 'only these images (comma-separated; needs one region)')
    .option('-n, --dry-run', 'write nothing; print what would be written')
    .option('--out <file>', 'with --dry-run: write the plan to this file, for --apply after review')
    .option('--apply <file>', 'carry out a plan written by --dry-run --out; an image whose tags changed since is skipped')
    .option('--max-rate <n>', `CreateTags calls per second per account and region (EC2 refills ${CREATE_TAGS_REFILL_PER_SECOND}; the rest is the event path's)`, String(DEFAULT_MAX_WRITE_RATE))
    .option('--concurrency <n>', 'account-regions worked on at once', String(DEFAULT_CONCURRENCY))
    .option('--no-lookup', "do not look up missing creators in CloudTrail's event history")
    .option('--share-targets', "also tag each image's view in the accounts it is shared with (on the allow-list, through the member role)")
    .option('-r, --rules <file>', rulesOptionHelp())
    .addOption(new Option('-f, --format <format>', 'output: a table and a summary, or JSON lines (one per image, then the summary)').choices(['table', 'json']).default('table'))
    .addOption(new Option('--on <where>', "where the work runs: here, or the stack's backfill worker (Lambda and SQS, deployed with --param backfillWorker=true): one message per account, region and page of images").choices(['local', 'lambda']).default('local'))
    .option('--stage <stage>', 'with --on lambda: the stage of the stack with the worker', DEFAULT_STAGE)
    .option('--stack-region <region>', 'with --on lambda: the region of that stack (default: your configured region)')
    .addCommand(backfillStatusCommand())
    .addCommand(backfillCancelCommand())
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'backfill --regions all --since 90d --dry-run', what: 'what would change in every enabled region, nothing written' },
          { command: 'backfill --regions us-east-1,eu-west-1', what: 'tag them, with a progress bar' },
          { command: 'backfill --accounts 111122223333,444455556666 --role-name ami-tagger-member --regions all', what: 'other accounts, through the member role' },
          { command: 'backfill --regions all --dry-run --out plan.json', what: 'a plan to review ...' },
          { command: 'backfill --apply plan.json', what: '... and carry it out (images whose tags changed since are skipped)' },
          { command: 'backfill --image-ids ami-0abc1234def567890 --region eu-west-1 --format json', what: 'two images, JSON lines' },
          { command: 'backfill --on lambda --accounts org --regions all --since 90d --stage prod', what: "the organisation's accounts, on the stack's backfill worker" },
          { command: 'backfill status 20261124-100000-3f9a2c --stage prod', what: "... that run's progress, totals and failures (backfill cancel RUN-ID stops it)" },
        ],
        [
          'Never overwrites a tag (the rules decide, as on the event path). A rerun writes only what is still missing.',
          `Writes at most --max-rate CreateTags a second per account and region (default ${DEFAULT_MAX_WRITE_RATE}), grouped: images that need the same tags share a call of up to 1000 ids.`,
          "Creators come from CloudTrail's event history (90 days, no trail needed; cloudtrail:LookupEvents) unless --no-lookup.",
          'Ctrl-C stops starting new work, finishes what is in flight, and prints the summary; run it again to finish.',
        ],
      ),
    )
    .action((flags: BackfillFlags) => runAction(() => backfill(flags)));
}

function positiveNumber(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new InputError(`${flag} ${JSON.stringify(text)}: expected a number above 0 and at most ${max}`, { where: flag });
  }
  return value;
}

/** The flags, checked together before any AWS call: bad input changes nothing. */
function readFlags(flags: BackfillFlags): { regions: 'all' | string[] | undefined; filter: ImageFilter; plan: PlanFile | undefined; maxRate: number; concurrency: number } {
  if (flags.out !== undefined && !flags.dryRun) throw new InputError('--out writes the plan of a dry run: add --dry-run', { where: '--out' });
  const filtering = [flags.since, flags.name, flags.missingTag, flags.imageIds, flags.regions, flags.region].some((flag) => flag !== undefined);
  if (flags.apply !== undefined && (flags.dryRun || filtering)) {
    throw new InputError('--apply carries out the plan as reviewed: its images and regions are in the file', {
      where: '--apply',
      hint: 'leave out --dry-run, --regions, --region and the filters; make a new plan to change them',
    });
  }
  if (flags.regions !== undefined && flags.region !== undefined) throw new InputError('give --regions or --region, not both', { where: '--region' });
  const regions = flags.region !== undefined ? parseRegions(flags.region, '--region') : flags.regions !== undefined ? parseRegions(flags.regions) : undefined;
  if (flags.region !== undefined && regions === 'all') throw new InputError('--region takes one region; use --regions all', { where: '--region' });
  const filter: ImageFilter = {};
  if (flags.since !== undefined) filter.since = parseSince(flags.since, Date.now());
  if (flags.name !== undefined) filter.name = parseNameGlob(flags.name);
  if (flags.missingTag !== undefined) {
    if (flags.missingTag.trim() === '') throw new InputError('--missing-tag is empty', { where: '--missing-tag', hint: 'give a tag key such as CreatedBy' });
    filter.missingTag = flags.missingTag;
  }
  if (flags.imageIds !== undefined) {
    filter.imageIds = parseImageIds(flags.imageIds);
    if (regions === 'all' || (regions !== undefined && regions.length !== 1)) {
      throw new InputError('--image-ids needs one region: image ids are per region', { where: '--image-ids', hint: 'add --region REGION' });
    }
  }
  return {
    regions,
    filter,
    plan: flags.apply !== undefined ? readPlanFile(flags.apply) : undefined,
    maxRate: positiveNumber(flags.maxRate, '--max-rate', CREATE_TAGS_REFILL_PER_SECOND),
    concurrency: positiveNumber(flags.concurrency, '--concurrency', MAX_CONCURRENCY),
  };
}

/** The accounts to scan: those --accounts lists (through the member role), or the caller's own. */
function accountsToScan(scope: AccountScope, callerAccount: string | undefined): string[] {
  if (scope.kind === 'organization') {
    throw new InputError('backfill scans the accounts --accounts lists; an organization id names none', {
      where: '--accounts',
      hint: 'list the account ids (aws organizations list-accounts --query "Accounts[].Id")',
    });
  }
  if (scope.kind === 'accounts') return [...scope.accounts];
  if (!callerAccount) throw new InputError('could not tell which account these credentials belong to', { where: 'credentials', hint: 'check AWS_PROFILE / AWS_ACCESS_KEY_ID' });
  return [callerAccount];
}

async function backfill(flags: BackfillFlags): Promise<ExitCode> {
  if (flags.on === 'lambda') return fanoutBackfill(flags, () => readFlags(flags));
  refuseOrganizationHere(flags.accounts);
  const rules = loadRulesFile(resolveRulesFile(flags.rules));
  const input = readFlags(flags);
  const scope = resolveAccountScope(flags.accounts, flags.roleName, ACCOUNT_FLAGS);
  if (input.plan && input.plan.rulesDigest !== rulesDigest(rules)) {
    throw new InputError(`the plan ${flags.apply ?? ''} was made with other rules than ${resolveRulesFile(flags.rules)}`, {
      where: '--apply',
      hint: 'pass the rules the plan was made with (--rules), or make a new plan',
    });
  }
  const homeRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  const regions = input.regions ?? (homeRegion ? [homeRegion] : undefined);
  if (regions === undefined && !input.plan) {
    throw new InputError('no region: give --regions (a list, or all) or --region, or set AWS_REGION', { where: '--regions' });
  }
  const aws = estateAws({ roleName: flags.roleName, externalId: flags.externalId, accounts: scope, accountsSetting: ACCOUNT_FLAGS.accounts });
  const callerAccount = await aws.clients.callerAccount();
  const accounts = input.plan ? [] : accountsToScan(scope, callerAccount);
  // The CloudTrail SDK is loaded only when the lookup makes its first call.
  const trail: TrailGateway | undefined = flags.lookup && !input.plan ? new SdkTrailGateway(aws.clients, {}, aws.meter) : undefined;

  const options: BackfillOptions = {
    rules,
    accounts,
    regions: regions ?? [],
    filter: input.filter,
    dryRun: flags.dryRun === true,
    lookup: flags.lookup,
    // The flag, or the rules' `shareTargets: true`.
    shareTargets: flags.shareTargets === true || rules.shareTargets,
    unreachableBecause: (account) => {
      if (!accountAllowed(scope, account, callerAccount)) return `not on the allow-list (${ACCOUNT_FLAGS.accounts})`;
      if (!flags.roleName && account !== callerAccount) return `no member role to reach it (${ACCOUNT_FLAGS.roleName})`;
      return undefined;
    },
    rates: { write: input.maxRate },
    concurrency: Math.floor(input.concurrency),
    ...(input.plan ? { apply: input.plan } : {}),
  };

  const json = flags.format === 'json';
  const progress = !json && process.stderr.isTTY ? terminalProgress(process.stderr, options.dryRun) : NO_PROGRESS;
  const controller = new AbortController();
  options.signal = controller.signal;
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write('\nami-tagger: stopping after the work in flight (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', interrupt);
  let report;
  try {
    report = await runBackfill(options, { ec2: aws.ec2, estate: aws.estate, accounts: new SdkAccountGateway(aws.clients, homeRegion), ...(trail ? { trail } : {}), meter: aws.meter }, (event) => {
      progress.onEvent(event);
      if (json) writeJsonLine(event);
    });
  } finally {
    process.off('SIGINT', interrupt);
    progress.stop();
  }

  if (flags.out !== undefined) {
    const plan: PlanFile = {
      kind: PLAN_FILE_KIND,
      version: PLAN_FILE_VERSION,
      createdAt: new Date().toISOString(),
      rulesDigest: rulesDigest(rules),
      images: report.results.flatMap((result) => (result.planEntry ? [result.planEntry] : [])),
    };
    writePlanFile(flags.out, plan);
  }
  if (json) process.stdout.write(`${JSON.stringify({ type: 'summary', dryRun: options.dryRun, ...report.summary })}\n`);
  else process.stdout.write(`${renderReport(report.results, report.summary, options.dryRun, flags.out)}\n`);
  if (hasFailures(report.summary)) return ExitCode.AwsFailure;
  return hasFindings(report.summary) ? ExitCode.Findings : ExitCode.Ok;
}

function writeJsonLine(event: BackfillEvent): void {
  switch (event.kind) {
    case 'image': {
      const { planEntry: _planEntry, ...result } = event.result;
      process.stdout.write(`${JSON.stringify({ type: 'image', ...result })}\n`);
      break;
    }
    case 'target-failed':
      process.stdout.write(`${JSON.stringify({ type: 'target-failed', ...event.failure })}\n`);
      break;
    case 'warning':
      process.stdout.write(`${JSON.stringify({ type: 'warning', message: event.message })}\n`);
      break;
    default:
      break;
  }
}

const STATUS_TEXT: Record<ImageResult['status'], string> = { ...IMAGE_OUTCOMES, ...BACKFILL_ONLY_OUTCOMES };

function tagsText(written: ImageResult['written']): string {
  const keys = new Map<string, string>();
  for (const tags of Object.values(written)) for (const tag of tags) keys.set(tag.key, tag.value);
  return [...keys].map(([key, value]) => `${key}=${value}`).join(', ');
}

export function renderReport(results: readonly ImageResult[], summary: BackfillSummary, dryRun: boolean, planFile: string | undefined): string {
  const lines: string[] = [];
  const planned = results.filter((result) => result.status === 'dry-run');
  if (planned.length > 0) {
    lines.push('Would write:', renderTable(['region', 'image', 'name', 'resources', 'tags'], planned.map((result) => [result.region, result.imageId, result.name ?? '', String(Object.keys(result.written).length), tagsText(result.written)])), '');
  }
  const trouble = results.filter((result) => result.status === 'failed' || result.status === 'image-not-found' || result.status === 'changed-since-plan');
  if (trouble.length > 0) {
    lines.push('Not done:', renderTable(['account', 'region', 'image', 'status', 'why'], trouble.map((result) => [result.account, result.region, result.imageId, result.status, result.error ?? STATUS_TEXT[result.status]])), '');
  }
  for (const failure of summary.failedTargets) lines.push(`failed: ${failure.account}/${failure.region}: ${failure.error}`);
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  if (summary.shares) {
    for (const target of summary.shares.unreachable) lines.push(`share target not tagged: ${target.imageId} in ${target.account}: ${target.reason}`);
    for (const share of summary.shares.noAccount) lines.push(`shared with no account to tag: ${share.imageId} -> ${share.share}`);
  }
  if (summary.failedTargets.length + summary.warnings.length > 0 || (summary.shares && summary.shares.unreachable.length + summary.shares.noAccount.length > 0)) lines.push('');
  const rows: Array<[string, number]> = [
    ['images scanned', summary.scanned],
    [dryRun ? 'would tag' : 'tagged', dryRun ? summary.wouldTag : summary.tagged],
    ['already complete', summary.alreadyComplete],
    ['failed', summary.failed],
    ['not found', summary.notFound],
    ...(summary.changedSincePlan > 0 ? [['changed since the plan (skipped)', summary.changedSincePlan] as [string, number]] : []),
    ...(summary.interrupted > 0 ? [['not reached (interrupted)', summary.interrupted] as [string, number]] : []),
    ['creators from CloudTrail history', summary.creatorsFromHistory],
    ...(summary.shares ? [[dryRun ? 'share targets that would be tagged' : 'share targets tagged', summary.shares.tagged] as [string, number], ['share targets unreachable', summary.shares.unreachable.length] as [string, number]] : []),
  ];
  lines.push(`Backfill${dryRun ? ' (dry run: nothing written)' : ''}: ${summary.targets} account-region(s)${summary.failedTargets.length > 0 ? `, ${summary.failedTargets.length} failed` : ''}, ${summary.seconds.toFixed(1)} s`);
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(36)}${value}`);
  const calls = Object.entries(summary.apiCalls);
  lines.push(`  ${'AWS calls'.padEnd(36)}${calls.length === 0 ? 'none' : calls.map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  lines.push(`  ${'throttled attempts (retried)'.padEnd(36)}${summary.throttledAttempts}`);
  if (planFile !== undefined) lines.push('', `Plan written to ${planFile}: review it, then run \`ami-tagger backfill --apply ${planFile}\`.`);
  return lines.join('\n');
}
