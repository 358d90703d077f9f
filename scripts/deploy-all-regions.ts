/**
 * Deploys the ami-tagger stack to every region enabled in the account, one region after the
 * other: `sls deploy --region R` for each region that ec2:DescribeRegions returns (no list of
 * regions is kept here: new ones appear every year, and opt-in regions differ per account).
 *
 *   npx tsx scripts/deploy-all-regions.ts [--dry-run] [--regions a,b] [--stage S] [-- <sls options>]
 *
 * Regions are deployed one at a time: serverless-esbuild builds in the service's fixed
 * `.esbuild` folder, so two deploys from one checkout at once would overwrite each other's build.
 * The EC2 client honours AWS_ENDPOINT_URL_EC2, which points it at a local stand-in in tests.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ExitCode } from '../src/cli/exit-codes';
import { REGION_PATTERN } from '../src/contract/aws-ids';

const REPO_DIR = path.resolve(__dirname, '..');
const DEFAULT_SLS = path.join(REPO_DIR, 'node_modules', '.bin', 'sls');
/** DescribeRegions answers the same list in every enabled region; this one is enabled in every account. */
const DEFAULT_QUERY_REGION = 'us-east-1';

const USAGE = `Usage: npx tsx scripts/deploy-all-regions.ts [options] [-- <sls deploy options>]

Runs \`sls deploy --region R\` for every region enabled in the account (ec2:DescribeRegions),
one after the other, and prints a summary.

Options:
  --dry-run          list the regions and the commands, deploy nothing
  --regions a,b,...  only these regions (each must be enabled in the account)
  --stage S          pass --stage S to every deploy
  --sls PATH         the sls command to run (default: this project's node_modules/.bin/sls)
  --help             print this
Everything after -- goes to every \`sls deploy\`, e.g. -- --param memberRoleName=ami-tagger-member --param accounts=o-a1b2c3d4e5

Exit codes: 0 every region deployed (or listed), 1 some regions failed, 2 bad input,
3 the enabled regions could not be read from AWS.`;

interface DeployPlan {
  regions: string[];
  stage: string | undefined;
  sls: string;
  slsOptions: string[];
  dryRun: boolean;
}

interface RegionOutcome {
  region: string;
  result: string;
  ok: boolean;
  seconds: number;
}

class UsageError extends Error {}

function readCommandLine(argv: string[]): { plan: Omit<DeployPlan, 'regions'>; requestedRegions: string[] | undefined; help: boolean } {
  const separator = argv.indexOf('--');
  const ownArgs = separator === -1 ? argv : argv.slice(0, separator);
  const slsOptions = separator === -1 ? [] : argv.slice(separator + 1);
  let values;
  try {
    values = parseArgs({
      args: ownArgs,
      options: {
        'dry-run': { type: 'boolean' },
        regions: { type: 'string' },
        stage: { type: 'string' },
        sls: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let requestedRegions: string[] | undefined;
  if (values.regions !== undefined) {
    requestedRegions = [...new Set(values.regions.split(',').map((region) => region.trim()).filter((region) => region !== ''))];
    const malformed = requestedRegions.filter((region) => !REGION_PATTERN.test(region));
    if (requestedRegions.length === 0) throw new UsageError('--regions is empty: give region names separated by commas, e.g. --regions eu-west-1,us-east-1');
    if (malformed.length > 0) throw new UsageError(`--regions: ${malformed.join(', ')} is not a region name (like eu-west-1)`);
  }
  return {
    plan: { stage: values.stage, sls: values.sls ?? DEFAULT_SLS, slsOptions, dryRun: values['dry-run'] ?? false },
    requestedRegions,
    help: values.help ?? false,
  };
}

async function enabledRegions(): Promise<string[]> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_QUERY_REGION;
  const ec2 = new EC2Client({ region });
  try {
    // Without AllRegions, DescribeRegions lists only the regions enabled for the account.
    const answer = await ec2.send(new DescribeRegionsCommand({}));
    return (answer.Regions ?? []).flatMap((entry) => (entry.RegionName ? [entry.RegionName] : [])).sort();
  } finally {
    ec2.destroy();
  }
}

function slsArguments(plan: DeployPlan, region: string): string[] {
  return ['deploy', '--region', region, ...(plan.stage === undefined ? [] : ['--stage', plan.stage]), ...plan.slsOptions];
}

function deploy(plan: DeployPlan, region: string): RegionOutcome {
  const started = Date.now();
  console.log(`\n=== ${region}: ${[plan.sls, ...slsArguments(plan, region)].join(' ')}`);
  const run = spawnSync(plan.sls, slsArguments(plan, region), { cwd: REPO_DIR, stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  if (run.error) return { region, ok: false, result: `FAILED (${run.error.message})`, seconds };
  if (run.status === 0) return { region, ok: true, result: 'deployed', seconds };
  return { region, ok: false, result: run.signal ? `FAILED (${run.signal})` : `FAILED (exit ${run.status})`, seconds };
}

function printSummary(outcomes: RegionOutcome[], dryRun: boolean): void {
  const rows = [['region', 'result', 'seconds'], ...outcomes.map((outcome) => [outcome.region, outcome.result, dryRun ? '-' : outcome.seconds.toFixed(0)])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  console.log('\nSummary');
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  console.log(dryRun ? `${outcomes.length} regions would be deployed.` : `${outcomes.length - failed} of ${outcomes.length} regions deployed, ${failed} failed.`);
}

async function main(argv: string[]): Promise<number> {
  let commandLine;
  try {
    commandLine = readCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return ExitCode.BadInput;
  }
  if (commandLine.help) {
    console.log(USAGE);
    return ExitCode.Ok;
  }

  let enabled: string[];
  try {
    enabled = await enabledRegions();
  } catch (error) {
    console.error(`Could not list the account's enabled regions (ec2:DescribeRegions): ${error instanceof Error ? error.message : String(error)}`);
    console.error('Check the AWS credentials and that they allow ec2:DescribeRegions.');
    return ExitCode.AwsFailure;
  }
  const requested = commandLine.requestedRegions;
  if (requested) {
    const notEnabled = requested.filter((region) => !enabled.includes(region));
    if (notEnabled.length > 0) {
      console.error(`--regions: ${notEnabled.join(', ')} is not enabled in this account. Enabled: ${enabled.join(', ')}`);
      return ExitCode.BadInput;
    }
  }
  const plan: DeployPlan = { ...commandLine.plan, regions: requested ?? enabled };

  if (plan.dryRun) {
    console.log(`Dry run: would deploy to ${plan.regions.length} regions, one after the other:`);
    for (const region of plan.regions) console.log(`  ${[plan.sls, ...slsArguments(plan, region)].join(' ')}`);
    printSummary(
      plan.regions.map((region) => ({ region, ok: true, result: 'would deploy', seconds: 0 })),
      true,
    );
    return ExitCode.Ok;
  }

  const outcomes = plan.regions.map((region) => deploy(plan, region));
  printSummary(outcomes, false);
  return outcomes.every((outcome) => outcome.ok) ? ExitCode.Ok : ExitCode.Findings;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = ExitCode.Findings;
  },
);
