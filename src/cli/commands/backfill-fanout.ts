import { Option, type Command } from 'commander';
import { InputError } from '../../errors';
import { REGION_PATTERN } from '../../contract/aws-ids';
import { estateAws } from '../../aws/estate';
import { SdkAccountGateway } from '../../aws/estate-accounts';
import { SdkOrganizationGateway } from '../../aws/fanout-organizations';
import { DynamoDbRunStore } from '../../aws/fanout-runs';
import { SqsFanoutQueue } from '../../aws/fanout-sqs';
import { readWorkerStack } from '../../aws/fanout-stack';
import { DEFAULT_STAGE, stackNames } from '../../doctor/names';
import type { ImageFilter } from '../../estate/filters';
import { runAccounts, ORGANIZATION_KEYWORD } from '../../fanout/accounts';
import { RUN_ID_PATTERN } from '../../fanout/names';
import { OrganizationRefusal, type WorkerStack } from '../../fanout/ports';
import { startFanout, type FanoutEvent, type FanoutReport } from '../../fanout/send';
import { runHasFailures, summarizeRun, type RunStatus } from '../../fanout/status';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { runAction } from '../run';
import { renderTable } from '../table';

/**
 * `ami-tagger backfill --on lambda`, `backfill status RUN-ID` and `backfill cancel RUN-ID`: the
 * command's side of the fan-out (src/fanout). The stack's outputs say where the worker's queue and
 * table are (`--stage`, `--stack-region`); the caller's credentials list the images, send the pages,
 * and read or mark the run.
 */

/** The flags of `backfill` that `--on lambda` reads. */
export interface FanoutFlags {
  accounts?: string;
  roleName?: string;
  externalId?: string;
  since?: string;
  name?: string;
  missingTag?: string;
  imageIds?: string;
  regions?: string;
  region?: string;
  dryRun?: boolean;
  out?: string;
  apply?: string;
  shareTargets?: boolean;
  rules?: string;
  maxRate: string;
  lookup: boolean;
  format: 'table' | 'json';
  stage: string;
  stackRegion?: string;
}

/** What `backfill` itself checked in the flags (src/cli/commands/backfill.ts readFlags). */
export interface CheckedFlags {
  regions: 'all' | string[] | undefined;
  filter: ImageFilter;
  maxRate: number;
  concurrency: number;
}

interface StackFlags {
  stage: string;
  stackRegion?: string;
  format: 'table' | 'json';
}

function homeRegion(): string | undefined {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}

function stackRegionOf(flags: StackFlags): string {
  const region = flags.stackRegion ?? homeRegion();
  if (region === undefined) throw new InputError('no region for the stack: give --stack-region, or set AWS_REGION', { where: '--stack-region' });
  if (!REGION_PATTERN.test(region)) throw new InputError(`--stack-region ${JSON.stringify(region)} is not a region name`, { where: '--stack-region' });
  return region;
}

/** The command line a run was asked with, for `backfill status`. */
function requestOf(flags: FanoutFlags): string {
  const parts: string[] = [];
  const add = (flag: string, value: string | undefined): void => {
    if (value !== undefined) parts.push(`${flag} ${value}`);
  };
  add('--accounts', flags.accounts);
  add('--regions', flags.regions ?? flags.region);
  add('--since', flags.since);
  add('--name', flags.name);
  add('--missing-tag', flags.missingTag);
  add('--image-ids', flags.imageIds);
  add('--max-rate', flags.maxRate);
  if (!flags.lookup) parts.push('--no-lookup');
  if (flags.dryRun) parts.push('--dry-run');
  return parts.join(' ');
}

/** Flags that only a run in this process can honour. */
function refuseLocalOnly(flags: FanoutFlags): void {
  const refused: Array<[boolean, string, string]> = [
    [flags.out !== undefined, '--out', 'the worker records what it would write in the run, not in a file: `backfill status RUN-ID` shows it'],
    [flags.apply !== undefined, '--apply', 'carry out a reviewed plan here, without --on lambda'],
    [flags.shareTargets === true, '--share-targets', 'the worker tags each image in its own account; tag share targets with a backfill here'],
    [flags.rules !== undefined, '--rules', 'the worker tags with the rules deployed with the stack (param rulesFile); redeploy to change them'],
  ];
  for (const [given, flag, hint] of refused) {
    if (given) throw new InputError(`${flag} does not go with --on lambda`, { where: flag, hint });
  }
}

/** `backfill --on lambda`: lists the images and sends them, a page a message, to the stack's worker. */
export async function fanoutBackfill(flags: FanoutFlags, checkFlags: () => CheckedFlags): Promise<ExitCode> {
  refuseLocalOnly(flags);
  const input = checkFlags();
  const stackRegion = stackRegionOf(flags);
  const regions = input.regions ?? [stackRegion];
  const stack = await readWorkerStack(stackNames(flags.stage).stack, stackRegion);

  let accounts;
  try {
    accounts = await runAccounts(flags.accounts, stack, () => new SdkOrganizationGateway(stackRegion));
  } catch (error) {
    if (!(error instanceof OrganizationRefusal)) throw error;
    process.stderr.write(`ami-tagger: ${error.message}\n  fix:   run with the credentials of the management account or of a delegated administrator, or list the accounts: --accounts 111122223333,444455556666\n`);
    return ExitCode.AwsFailure;
  }
  if (accounts.accounts.length === 0) {
    throw new InputError(`no account to scan: ${accounts.leftOut.length} account(s) of the organisation, none of them on the stack's allow-list`, {
      where: '--accounts',
      hint: 'deploy the stack with --param accounts=... (and memberRoleName) naming them, or the organization id',
    });
  }

  // The caller lists the images: in other accounts through the member role (the stack's unless --role-name).
  const others = accounts.accounts.filter((account) => account !== stack.account);
  const roleName = flags.roleName ?? (stack.memberRoleName || undefined);
  if (others.length > 0 && !roleName) {
    throw new InputError(`listing the images of ${others.length} other account(s) needs a member role`, { where: '--role-name', hint: 'give --role-name (the stack has none: it was deployed without memberRoleName)' });
  }
  const aws = estateAws({
    ...(others.length > 0 ? { roleName, accounts: { kind: 'accounts' as const, accounts: others }, accountsSetting: '--accounts' } : {}),
    ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
  });
  const store = new DynamoDbRunStore(stack.table, stack.region);
  const json = flags.format === 'json';
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write('\nami-tagger: stopping after the account-regions in flight (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', interrupt);
  let report: FanoutReport;
  try {
    report = await startFanout(
      {
        accounts: accounts.accounts,
        regions,
        filter: input.filter,
        dryRun: flags.dryRun === true,
        lookup: flags.lookup,
        maxRate: input.maxRate,
        request: requestOf(flags),
        concurrency: Math.floor(input.concurrency),
        signal: controller.signal,
      },
      { estate: aws.estate, accounts: new SdkAccountGateway(aws.clients, stackRegion), queue: new SqsFanoutQueue(stack.queueUrl, stack.region), store },
      (event: FanoutEvent) => {
        if (json) process.stdout.write(`${JSON.stringify(event.kind === 'sent' ? { type: 'sent', account: event.account, region: event.region, images: event.images, pages: event.pages } : { type: 'target-failed', ...event.failure })}\n`);
      },
    );
  } finally {
    process.off('SIGINT', interrupt);
  }
  const follow = `--stage ${flags.stage} --stack-region ${stack.region}`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'run', ...report, dryRun: flags.dryRun === true, accounts: accounts.accounts.length, accountsLeftOut: accounts.leftOut, apiCalls: Object.fromEntries(aws.meter.calls) })}\n`);
  } else {
    process.stdout.write(`${renderSent(report, { stack, accounts, dryRun: flags.dryRun === true, calls: aws.meter.calls, follow })}\n`);
  }
  if (report.failedTargets.some((failure) => !failure.error.startsWith('not sent: the command was interrupted'))) return ExitCode.AwsFailure;
  return report.cancelled || report.interrupted ? ExitCode.Findings : ExitCode.Ok;
}

function renderSent(
  report: FanoutReport,
  context: { stack: WorkerStack; accounts: { accounts: string[]; leftOut: string[]; source: string }; dryRun: boolean; calls: ReadonlyMap<string, number>; follow: string },
): string {
  const lines = [
    `Backfill run ${report.runId}${context.dryRun ? ' (dry run: the worker writes nothing)' : ''}: ${report.pages} page(s) of ${report.images} image(s) sent to the backfill worker of ${context.stack.stackName} (${context.stack.region})`,
    `  ${'accounts'.padEnd(28)}${context.accounts.accounts.length}, ${context.accounts.source}${context.accounts.leftOut.length > 0 ? `; ${context.accounts.leftOut.length} left out: ${context.accounts.leftOut.join(', ')}` : ''}`,
    `  ${'account-regions listed'.padEnd(28)}${report.targets}${report.failedTargets.length > 0 ? `, ${report.failedTargets.length} failed` : ''}`,
    `  ${'AWS calls'.padEnd(28)}${[...context.calls].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'}`,
  ];
  for (const failure of report.failedTargets) lines.push(`failed: ${failure.account}/${failure.region}: ${failure.error}`);
  if (report.cancelled) lines.push('The run was cancelled while its pages were being sent: the rest were not sent.');
  lines.push('', `Follow it:  ami-tagger backfill status ${report.runId} ${context.follow}`, `Stop it:    ami-tagger backfill cancel ${report.runId} ${context.follow}`);
  return lines.join('\n');
}

function checkRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) throw new InputError(`${JSON.stringify(runId)} is not a run id`, { where: 'RUN-ID', hint: 'give the id `backfill --on lambda` printed, such as 20261124-100000-3f9a2c' });
}

async function runStatus(runId: string, flags: StackFlags): Promise<ExitCode> {
  checkRunId(runId);
  const stack = await readWorkerStack(stackNames(flags.stage).stack, stackRegionOf(flags));
  const items = await new DynamoDbRunStore(stack.table, stack.region).items(runId);
  if (!items.run && items.pages.length === 0 && items.targetFailures.length === 0) {
    throw new InputError(`there is no run ${runId} in ${stack.table} (${stack.region})`, { where: 'RUN-ID', hint: 'runs are kept 30 days; check --stage and --stack-region' });
  }
  const status = summarizeRun(runId, items);
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ ...status, deadLetterQueueUrl: stack.deadLetterQueueUrl }, null, 2)}\n`);
  else process.stdout.write(`${renderStatus(status, stack.deadLetterQueueUrl)}\n`);
  if (runHasFailures(status)) return ExitCode.AwsFailure;
  return status.complete && status.state !== 'cancelled' ? ExitCode.Ok : ExitCode.Findings;
}

export function renderStatus(status: RunStatus, deadLetterQueueUrl: string): string {
  const { pages, images } = status;
  const dryRun = status.run?.dryRun === true;
  const progress = status.complete ? (status.state === 'cancelled' ? 'cancelled' : 'complete') : status.state === 'cancelled' ? 'cancelled, dropping its waiting pages' : status.state === 'sending' ? 'pages still being sent' : 'in progress';
  const rows: Array<[string, string | number]> = [
    ['asked for', status.run?.request || '(its record has expired)'],
    ['started', status.run?.createdAt ?? '?'],
    ['account-regions', `${status.run?.targets ?? '?'}${status.targetFailures.length > 0 ? ` (${status.targetFailures.length} could not be listed or sent)` : ''}`],
    ['pages sent', pages.sent],
    ['  done', pages.done],
    ['  waiting or being worked on', pages.waiting],
    ['  failed, SQS tries them again', pages.retrying],
    ['  failed, in the dead-letter queue', pages.deadLettered],
    ...(pages.cancelled > 0 ? [['  cancelled', pages.cancelled] as [string, number]] : []),
    ['images in the pages', images.sent],
    [dryRun ? 'would tag' : 'tagged', dryRun ? images.wouldTag : images.tagged],
    // A stack deployed with dryRun=true plans every page, whatever the run asked.
    ...(!dryRun && images.wouldTag > 0 ? [["planned only (the stack's dryRun)", images.wouldTag] as [string, number]] : []),
    ['already complete', images.alreadyComplete],
    ['failed', images.failed],
    ['not found', images.notFound],
    ...(images.notReached > 0 ? [['not reached (timeout; tried again)', images.notReached] as [string, number]] : []),
    ['creators from CloudTrail history', images.creatorsFromHistory],
    ['resources written', status.resourcesWritten],
    ['AWS calls (worker)', Object.entries(status.apiCalls).map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'],
    ['throttled attempts (retried)', status.throttledAttempts],
  ];
  const lines = [`Backfill run ${status.runId}${dryRun ? ' (dry run: nothing written)' : ''}: ${progress}`, ...rows.map(([label, value]) => `  ${label.padEnd(36)}${value}`)];
  if (status.failures.length > 0) {
    lines.push('', 'Failures:', renderTable(['account', 'region', 'image', 'page', 'where now', 'error'], status.failures.map((failure) => [failure.account, failure.region, failure.imageId ?? '(page)', failure.page.split('/').pop() ?? '', failure.deadLettered ? 'dead-letter queue' : 'tried again', failure.error])));
    if (status.failuresNotShown > 0) lines.push(`... and ${status.failuresNotShown} more (each page keeps its first 50)`);
  }
  for (const failure of status.targetFailures) lines.push(`not listed or sent: ${failure.account}/${failure.region}: ${failure.error}`);
  for (const warning of status.warnings.slice(0, 10)) lines.push(`warning: ${warning}`);
  if (pages.deadLettered > 0 && deadLetterQueueUrl) lines.push('', `Replay the pages in the dead-letter queue (once the cause is fixed): ami-tagger replay --queue ${deadLetterQueueUrl}`);
  return lines.join('\n');
}

async function runCancel(runId: string, flags: StackFlags): Promise<ExitCode> {
  checkRunId(runId);
  const stack = await readWorkerStack(stackNames(flags.stage).stack, stackRegionOf(flags));
  const store = new DynamoDbRunStore(stack.table, stack.region);
  const run = await store.cancel(runId, new Date().toISOString());
  if (!run) throw new InputError(`there is no run ${runId} in ${stack.table} (${stack.region})`, { where: 'RUN-ID', hint: 'runs are kept 30 days; check --stage and --stack-region' });
  const status = summarizeRun(runId, await store.items(runId));
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify({ runId, state: run.state, cancelledAt: run.cancelledAt, pagesLeft: status.pages.waiting + status.pages.retrying })}\n`);
  } else {
    process.stdout.write(
      `Backfill run ${runId} cancelled: the worker drops its ${status.pages.waiting + status.pages.retrying} page(s) not done yet as SQS hands them out; a page being worked on finishes. Tags written stay.\n`,
    );
  }
  return ExitCode.Ok;
}

/**
 * The stack's flags as given: `backfill status RUN-ID --stage prod` hands `--stage` to `backfill`
 * itself (it has the same options, and commander reads a parent's options after a subcommand too).
 */
function stackFlagsOf(flags: StackFlags, command: Command): StackFlags {
  const parent = command.parent;
  const given = (key: keyof StackFlags): boolean => command.getOptionValueSource(key) === 'cli';
  const fromParent = (key: keyof StackFlags): string | undefined => (!given(key) && parent?.getOptionValueSource(key) === 'cli' ? String(parent.opts()[key]) : undefined);
  const stage = fromParent('stage');
  const stackRegion = fromParent('stackRegion');
  const format = fromParent('format');
  return {
    ...flags,
    ...(stage !== undefined ? { stage } : {}),
    ...(stackRegion !== undefined ? { stackRegion } : {}),
    ...(format === 'json' || format === 'table' ? { format } : {}),
  };
}

function stackOptions(command: ReturnType<typeof newCommand>): ReturnType<typeof newCommand> {
  return command
    .option('--stage <stage>', 'the stage of the stack with the backfill worker (sls deploy --stage)', DEFAULT_STAGE)
    .option('--stack-region <region>', 'the region of that stack (default: your configured region)')
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'));
}

/** `ami-tagger backfill status RUN-ID`. */
export function backfillStatusCommand() {
  return stackOptions(newCommand('status').argument('<run-id>', 'the run id `backfill --on lambda` printed'))
    .description("Progress and totals of a `backfill --on lambda` run, from the stack's table: pages done, waiting and failed, images tagged, failures with their reasons.")
    .addHelpText(
      'after',
      helpAfter(
        [{ command: 'backfill status 20261124-100000-3f9a2c --stage prod --stack-region eu-west-1', what: 'where the run stands' }],
        ['Needs cloudformation:DescribeStacks on the stack and dynamodb:Query on its table. Exit code 0: complete, nothing failed; 1: still running or cancelled; 3: pages or account-regions failed.'],
      ),
    )
    .action((runId: string, flags: StackFlags, command: Command) => runAction(() => runStatus(runId, stackFlagsOf(flags, command))));
}

/** `ami-tagger backfill cancel RUN-ID`. */
export function backfillCancelCommand() {
  return stackOptions(newCommand('cancel').argument('<run-id>', 'the run id `backfill --on lambda` printed'))
    .description('Stop a `backfill --on lambda` run: the worker drops the pages it has not started (it reads the run before each page); tags written stay.')
    .addHelpText(
      'after',
      helpAfter(
        [{ command: 'backfill cancel 20261124-100000-3f9a2c --stage prod --stack-region eu-west-1', what: 'stop the run' }],
        ['Needs cloudformation:DescribeStacks on the stack, and dynamodb:UpdateItem and dynamodb:Query on its table.'],
      ),
    )
    .action((runId: string, flags: StackFlags, command: Command) => runAction(() => runCancel(runId, stackFlagsOf(flags, command))));
}

/** `--accounts org` is a fan-out's: a run here takes a list. */
export function refuseOrganizationHere(accounts: string | undefined): void {
  if (accounts?.trim() === ORGANIZATION_KEYWORD) {
    throw new InputError("--accounts org lists the organisation's accounts for the backfill worker only", { where: '--accounts', hint: 'add --on lambda, or list the account ids' });
  }
}
