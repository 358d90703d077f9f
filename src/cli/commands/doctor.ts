import { Option } from 'commander';
import { parseAccountScope, resolveAccountScope } from '../../account-scope';
import { InputError } from '../../errors';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN } from '../../contract/aws-ids';
import { DEFAULT_STAGE, stackNames } from '../../doctor/names';
import { renderDoctorReport, renderImageDiagnosis } from '../../doctor/render';
import { SdkDoctorReads } from '../../aws/doctor-reads';
import { AwsClients } from '../../aws/clients';
import { SdkEc2Gateway } from '../../aws/ec2';
import { runDoctor } from '../../doctor/doctor';
import { diagnoseImage } from '../../doctor/image';
import { loadRulesFile } from '../../rules/load';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { packageVersion } from '../package-files';
import { resolveRulesFile, rulesOptionHelp } from '../rules-file';
import { runAction } from '../run';

interface DoctorFlags {
  regions?: string;
  region?: string;
  image?: string;
  stage: string;
  rules?: string;
  format: 'table' | 'json';
  centralBus?: string;
  memberAccounts?: string;
  account?: string;
  stackRegion?: string;
  roleName?: string;
  accounts?: string;
  externalId?: string;
}

const ACCOUNT_FLAGS = { accounts: '--accounts', roleName: '--role-name' } as const;

const CENTRAL_BUS_PATTERN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]+$/;

/** `--regions all` or a comma-separated list, each a region name. */
export function parseRegionList(text: string, flag: string): string[] | 'all' {
  if (text.trim() === 'all') return 'all';
  const regions = [...new Set(text.split(',').map((region) => region.trim()).filter((region) => region !== ''))];
  const bad = regions.filter((region) => !REGION_PATTERN.test(region));
  if (regions.length === 0 || bad.length > 0) {
    throw new InputError(`${flag}: ${bad.length > 0 ? bad.map((region) => JSON.stringify(region)).join(', ') : 'nothing given'} ${bad.length === 1 ? 'is not a region' : 'are not regions'}`, {
      where: flag,
      hint: 'give `all` (every region enabled in the account) or names such as eu-west-1,us-east-1',
    });
  }
  return regions;
}

/** `ami-tagger doctor`: is the tagger there and working, region by region; or why one image is not tagged. */
export function doctorCommand() {
  return newCommand('doctor')
    .description('Check, read-only, that ami-tagger is deployed and working in each region (stack and version, rules, dead-letter queues, CloudTrail, central mode), each finding with its fix; or, with --image, why one image is not tagged.')
    .option('--regions <list>', '`all` (every region enabled in the account) or comma-separated region names')
    .option('--region <region>', 'one region: the image\'s with --image; the same as --regions REGION otherwise')
    .option('--image <id>', 'one image: its tags, what the rules would write and leave out, its events in the function\'s log, a dead-letter queue holding it')
    .option('--stage <stage>', 'the stage the stacks were deployed with (sls deploy --stage)', DEFAULT_STAGE)
    .option('-r, --rules <file>', `with --image: ${rulesOptionHelp()}`)
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .option('--central-bus <arn>', 'run in a member account of central mode: its regions must forward to this bus (templates/forwarding-rule.yml)')
    .option('--member-accounts <list>', 'central mode with an organization: the member accounts whose role to check (comma-separated ids)')
    .option('--account <id>', "with --image, central mode: the image's account when it is not yours (with --role-name and --accounts, as `ami-tagger tag` takes them)")
    .option('--stack-region <region>', "with --image, central mode: the region of the tagger's stack (its log and queues), when it is not the image's")
    .option('--role-name <name>', "with --account: the member role to read the image through")
    .option('--accounts <list>', 'with --account: the accounts it may act in besides yours (ids, or an organization id o-...)')
    .option('--external-id <id>', "with --account: base of the member roles' external ids (sent as ID:ACCOUNT)")
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'doctor --regions all --stage prod', what: 'every enabled region: a table of checks, each finding with its fix' },
          { command: 'doctor --regions eu-west-1,us-east-1 --format json', what: 'the same as JSON' },
          { command: 'doctor --image ami-0abc1234def567890 --region eu-west-1 --stage prod', what: 'why this image is (not) tagged, on one screen' },
          { command: 'doctor --image ami-0abc1234def567890 --region eu-west-1 --account 444455556666 --role-name ami-tagger-member --accounts 444455556666 --stack-region us-east-1', what: "central mode: a member account's image, the central stack's log and queues" },
          { command: 'doctor --regions all --central-bus arn:aws:events:us-east-1:111122223333:event-bus/default', what: 'a member account: its forwarding rules and trail' },
        ],
        [
          'Every call reads (Describe*, List*, Get*, FilterLogEvents; ReceiveMessage with a visibility timeout of 0, never a delete);',
          'in central mode an AssumeRole into each member role, whose credentials are thrown away. README "Command line" lists the permissions.',
          'Exit code 1 when something is to fix, 3 when something could not be checked.',
        ],
      ),
    )
    .action((flags: DoctorFlags) => runAction(() => runDoctorCommand(flags)));
}

async function runDoctorCommand(flags: DoctorFlags): Promise<ExitCode> {
  const version = packageVersion();
  if (flags.image !== undefined) return runImageCommand(flags, flags.image);
  if (flags.regions === undefined && flags.region === undefined) {
    throw new InputError('give --regions (all, or a list) or --image with --region', { where: 'ami-tagger doctor', hint: 'run `ami-tagger doctor --help`' });
  }
  const given = parseRegionList(flags.regions ?? flags.region ?? '', flags.regions !== undefined ? '--regions' : '--region');
  if (flags.centralBus !== undefined && !CENTRAL_BUS_PATTERN.test(flags.centralBus)) {
    throw new InputError(`--central-bus: ${JSON.stringify(flags.centralBus)} is not an event bus ARN`, { where: '--central-bus', hint: 'arn:aws:events:REGION:ACCOUNT:event-bus/default, as the forwarding stacks take it (CentralEventBusArn)' });
  }
  const memberAccounts = flags.memberAccounts !== undefined ? parseAccountScope(flags.memberAccounts, '--member-accounts') : undefined;
  if (memberAccounts !== undefined && memberAccounts.kind !== 'accounts') {
    throw new InputError('--member-accounts takes account ids, not an organization', { where: '--member-accounts', hint: 'comma-separated 12-digit ids: 111122223333,444455556666' });
  }
  const reads = new SdkDoctorReads();
  const regions = given === 'all' ? await reads.enabledRegions() : given;
  const report = await runDoctor(reads, {
    regions,
    stage: flags.stage,
    version,
    ...(flags.centralBus !== undefined ? { centralBus: flags.centralBus } : {}),
    ...(memberAccounts !== undefined ? { memberAccounts: memberAccounts.accounts } : {}),
  });
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderDoctorReport(report)}\n`);
  if (report.counts.fail > 0) return ExitCode.Findings;
  return report.counts.error > 0 ? ExitCode.AwsFailure : ExitCode.Ok;
}

async function runImageCommand(flags: DoctorFlags, imageId: string): Promise<ExitCode> {
  if (!IMAGE_ID_PATTERN.test(imageId)) throw new InputError(`--image: ${JSON.stringify(imageId)} is not an AMI id`, { where: '--image', hint: 'an id such as ami-0123456789abcdef0' });
  const region = flags.region ?? (flags.regions !== undefined && !flags.regions.includes(',') && flags.regions !== 'all' ? flags.regions : undefined);
  if (region === undefined || !REGION_PATTERN.test(region)) {
    throw new InputError('--image needs the image\'s region: --region REGION', { where: '--region', hint: 'for example --region eu-west-1' });
  }
  const stackRegion = flags.stackRegion ?? region;
  if (!REGION_PATTERN.test(stackRegion)) throw new InputError(`--stack-region: ${JSON.stringify(stackRegion)} is not a region`, { where: '--stack-region' });
  if (flags.account !== undefined && !ACCOUNT_ID_PATTERN.test(flags.account)) throw new InputError(`--account: ${JSON.stringify(flags.account)} is not an account id`, { where: '--account', hint: 'a 12-digit account id' });
  const rulesFile = resolveRulesFile(flags.rules);
  const rules = loadRulesFile(rulesFile);
  const accounts = resolveAccountScope(flags.accounts, flags.roleName, ACCOUNT_FLAGS);
  const reads = new SdkDoctorReads();
  const clients = new AwsClients({ roleName: flags.roleName, externalId: flags.externalId, accounts, accountsSetting: ACCOUNT_FLAGS.accounts });
  // Whose credentials these are: an image in another account is then read through the member role.
  const caller = (await clients.callerAccount()) ?? '';
  const account = flags.account ?? caller;
  const diagnosis = await diagnoseImage({ reads: reads.forRegion(stackRegion), region, engine: { rules, ec2: new SdkEc2Gateway(clients) }, names: stackNames(flags.stage), account, imageId, now: Date.now() });
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify({ ...diagnosis, rulesFile }, null, 2)}\n` : `${renderImageDiagnosis(diagnosis, rulesFile)}\n`);
  return diagnosis.status === 'ok' ? ExitCode.Ok : ExitCode.Findings;
}
