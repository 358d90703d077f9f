import { Option } from 'commander';
import { resolveAccountScope } from '../../account-scope';
import { InputError } from '../../errors';
import { REGION_PATTERN } from '../../contract/aws-ids';
import { queueUrlRegion } from '../../doctor/names';
import { AwsClients } from '../../aws/clients';
import { SqsReplayQueue } from '../../aws/doctor-sqs';
import { SdkEc2Gateway } from '../../aws/ec2';
import { replayQueue, type ReplayReport } from '../../replay/replay';
import { loadRulesFile } from '../../rules/load';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { resolveRulesFile, rulesOptionHelp } from '../rules-file';
import { runAction } from '../run';
import { renderTable } from '../table';

interface ReplayFlags {
  queue: string;
  region?: string;
  dryRun?: boolean;
  rules?: string;
  format: 'table' | 'json';
  max: string;
  roleName?: string;
  accounts?: string;
  externalId?: string;
}

const ACCOUNT_FLAGS = { accounts: '--accounts', roleName: '--role-name' } as const;
const QUEUE_URL_PATTERN = /^https:\/\/[\w.-]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/;

export function renderReplayReport(report: ReplayReport): string {
  const rows = report.messages.map((message) => [
    message.messageId.slice(0, 8),
    message.shape ?? '?',
    message.imageIds.join(', '),
    message.result,
    message.deleted ? 'deleted' : 'kept',
    message.detail,
  ]);
  const { replayed, ignored, rejected, failed } = report.counts;
  const summary = `${report.messages.length} message(s): ${replayed} replayed, ${ignored} ignored, ${rejected} rejected, ${failed} failed; ${report.deleted} deleted${report.dryRun ? ' (dry run: nothing written, nothing deleted)' : ''}`;
  return report.messages.length === 0 ? 'the queue has no message to replay' : `${renderTable(['message', 'shape', 'images', 'result', 'message is', 'detail'], rows)}\n\n${summary}`;
}

/** `ami-tagger replay --queue URL`: a dead-letter queue's messages through the same use case, each deleted once it succeeded. */
export function replayCommand() {
  return newCommand('replay')
    .description("Replay the messages of an ami-tagger dead-letter queue (the rule DLQ's events, the failed-events queue's Lambda records, a backfill worker's messages) with your credentials; each message is deleted only once its images are tagged.")
    .requiredOption('-q, --queue <url>', 'the queue URL, as `ami-tagger doctor` prints it')
    .option('--region <region>', "the queue's region (default: read from the URL)")
    .option('-n, --dry-run', 'show what each message would do: nothing written, nothing deleted (each message read is hidden 60 s)')
    .option('-r, --rules <file>', rulesOptionHelp())
    .option('--max <n>', 'stop after this many messages', '1000')
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .option('--role-name <name>', "central mode: role to assume in an image's account when it is not yours (needs --accounts)")
    .option('--accounts <list>', 'central mode: the accounts it may act in besides yours: comma-separated 12-digit ids, or an organization id (o-...)')
    .option('--external-id <id>', "central mode: base of the member roles' external ids (sent as ID:ACCOUNT)")
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'replay --queue https://sqs.eu-west-1.amazonaws.com/111122223333/ami-tagger-prod-rule-dlq --dry-run', what: 'what each message is and would do; nothing written or deleted' },
          { command: 'replay --queue https://sqs.eu-west-1.amazonaws.com/111122223333/ami-tagger-prod-failed-events --rules ./ops/ami-rules.yml', what: "replay with the stack's rules, deleting what succeeded" },
        ],
        [
          'Needs sqs:ReceiveMessage and sqs:DeleteMessage on the queue, and what `ami-tagger tag` needs (ec2:DescribeImages, ec2:DescribeSnapshots, ec2:CreateTags).',
          'A message that failed or is malformed is kept; exit code 1 then.',
        ],
      ),
    )
    .action((flags: ReplayFlags) => runAction(() => runReplay(flags)));
}

async function runReplay(flags: ReplayFlags): Promise<ExitCode> {
  if (!QUEUE_URL_PATTERN.test(flags.queue)) {
    throw new InputError(`--queue: ${JSON.stringify(flags.queue)} is not an SQS queue URL`, { where: '--queue', hint: 'https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, as `ami-tagger doctor` prints it' });
  }
  const region = flags.region ?? queueUrlRegion(flags.queue);
  if (region === undefined || !REGION_PATTERN.test(region)) {
    throw new InputError('the queue URL does not say its region', { where: '--region', hint: 'give it: --region eu-west-1' });
  }
  const max = Number(flags.max);
  if (!Number.isInteger(max) || max < 1) throw new InputError(`--max: ${JSON.stringify(flags.max)} is not a whole number above 0`, { where: '--max' });
  const rules = loadRulesFile(resolveRulesFile(flags.rules));
  const accounts = resolveAccountScope(flags.accounts, flags.roleName, ACCOUNT_FLAGS);
  const clients = new AwsClients({ roleName: flags.roleName, externalId: flags.externalId, accounts, accountsSetting: ACCOUNT_FLAGS.accounts });
  // Whose credentials these are: an image in another account is then a clear refusal (or the role).
  await clients.callerAccount();
  const report = await replayQueue(new SqsReplayQueue(flags.queue, region), { engine: { rules, ec2: new SdkEc2Gateway(clients) }, dryRun: flags.dryRun === true, max });
  if (flags.format === 'json') {
    const messages = report.messages.map(({ outcomes, ...message }) => ({ ...message, outcomes: outcomes.map(({ cause: _cause, plan: _plan, ...outcome }) => outcome) }));
    process.stdout.write(`${JSON.stringify({ ...report, messages }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderReplayReport(report)}\n`);
  }
  return report.counts.failed + report.counts.rejected > 0 || report.messages.some((message) => !message.deleted && !report.dryRun && message.result !== 'failed' && message.result !== 'rejected')
    ? ExitCode.Findings
    : ExitCode.Ok;
}
