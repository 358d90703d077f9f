import { Option } from 'commander';
import { resolveAccountScope, type AccountScope } from '../../account-scope';
import { AwsClients } from '../../aws/clients';
import { SdkEc2Gateway } from '../../aws/ec2';
import { parseEventBridgeEvent } from '../../events/eventbridge';
import { loadRulesFile } from '../../rules/load';
import { InputError } from '../../errors';
import type { ImageRef } from '../../model/image-ref';
import { unwrapFailureRecord } from '../../events/failure-record';
import { checkPayloadAccount, imageRefsFromPayload, parseSpinnakerPayload, type SpinnakerPayload } from '../../events/spinnaker-payload';
import type { TagOutcome } from '../../tagger/engine';
import { tagImages } from '../../tagger/tag-images';
import { outcomeSummary, reportedSkips } from '../../tagger/summary';
import { IMAGE_OUTCOMES } from '../../tagger/outcome';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { requireEventEnvelope } from '../event-shape';
import { helpAfter } from '../help';
import { readJsonFile } from '../read-json';
import { resolveRulesFile, rulesOptionHelp } from '../rules-file';
import { describeFailure, runAction } from '../run';
import { renderTable } from '../table';

interface TagOptions {
  event?: string;
  payload?: string;
  payloadEnv?: string;
  rules?: string;
  dryRun?: boolean;
  format: 'table' | 'json';
  roleName?: string;
  externalId?: string;
  accounts?: string;
}

/** Where the account settings come from on the command line, for messages. */
const ACCOUNT_FLAGS = { accounts: '--accounts', roleName: '--role-name' } as const;

/**
 * `ami-tagger tag`: runs the engine with the caller's credentials, on one EventBridge event
 * (`--event`) or on a direct-path payload from Spinnaker (`--payload`, or `--payload-env` in
 * the Run Job container that `ami-tagger spel --consumer runjob` generates).
 */
export function tagCommand() {
  return newCommand('tag')
    .description('Tag the AMIs (and their snapshots) that an EventBridge event or a Spinnaker direct-path payload names, with your AWS credentials.')
    .option('-e, --event <file>', 'EventBridge event JSON ("-" for stdin): CloudTrail CreateImage/CopyImage/RegisterImage or "EC2 AMI State Change", or a message from a dead-letter queue')
    .option('-p, --payload <file>', 'direct-path payload JSON ("-" for stdin), as `ami-tagger spel --consumer ...` sends it')
    .option('--payload-env <name>', 'read the direct-path payload from this environment variable (the Run Job stage sets AMI_TAGGER_PAYLOAD)')
    .option('-r, --rules <file>', rulesOptionHelp())
    .option('-n, --dry-run', 'print the plan, write nothing')
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .option('--role-name <name>', "central mode: role to assume in the image's account when it is not yours (needs --accounts)")
    .option('--accounts <list>', 'central mode: the accounts it may act in besides yours: comma-separated 12-digit ids, or an organization id (o-...)')
    .option('--external-id <id>', "central mode: base of the member roles' external ids (sent as ID:ACCOUNT)")
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'tag --event event.json --dry-run', what: 'the plan for one EventBridge event: what would be written, nothing written' },
          { command: 'tag --event failed-message.json --rules ./ops/ami-rules.yml', what: "replay a message of the failed-events queue with the stack's rules" },
          { command: 'tag --payload payload.json --format json', what: 'a direct-path payload from a file' },
          { command: 'tag --payload-env AMI_TAGGER_PAYLOAD', what: 'what the Run Job container runs (the stage sets the variable)' },
        ],
        ['Exactly one of --event, --payload, --payload-env. AWS credentials and region come from the usual places (AWS_PROFILE, AWS_REGION, ...).'],
      ),
    )
    .action((options: TagOptions) =>
      runAction(async () => {
        const rules = loadRulesFile(resolveRulesFile(options.rules));
        // Every input is read and checked before any AWS call: bad input changes nothing.
        const input = readInput(options);
        const accounts = resolveAccountScope(options.accounts, options.roleName, ACCOUNT_FLAGS);
        if (input.kind === 'ignored') {
          process.stdout.write(options.format === 'json' ? `${JSON.stringify({ status: 'ignored', reason: input.reason })}\n` : `ignored: ${input.reason}\n`);
          return ExitCode.Ok;
        }
        const clients = new AwsClients({ roleName: options.roleName, externalId: options.externalId, accounts, accountsSetting: ACCOUNT_FLAGS.accounts });
        // Knowing whose credentials these are turns an image in another account into a clear
        // error (or an assumed role) instead of a search in the wrong account.
        const callerAccount = (await clients.callerAccount()) ?? '';
        const engine = { rules, ec2: new SdkEc2Gateway(clients), dryRun: options.dryRun === true || input.dryRun };
        const refs = input.kind === 'image' ? [input.ref] : refsOfPayload(input.payload, { ownAccount: callerAccount, accounts });
        return report(await tagImages(refs, engine), options.format);
      }),
    );
}

type TagInput = { kind: 'image'; ref: ImageRef; dryRun: boolean } | { kind: 'ignored'; reason: string } | { kind: 'payload'; payload: SpinnakerPayload; dryRun: boolean };

/** The one input given (an event, or a direct-path payload from a file or a variable), read and validated. */
function readInput(options: TagOptions): TagInput {
  const given = [options.event, options.payload, options.payloadEnv].filter((source) => source !== undefined);
  if (given.length !== 1) {
    throw new InputError('give exactly one of --event, --payload, --payload-env', { where: 'ami-tagger tag', hint: 'run `ami-tagger tag --help`' });
  }
  if (options.event !== undefined) {
    const parsed = parseEventBridgeEvent(requireEventEnvelope(unwrapFailureRecord(readJsonFile(options.event, 'event', '--event')), options.event));
    return parsed.kind === 'image' ? { kind: 'image', ref: parsed.ref, dryRun: false } : { kind: 'ignored', reason: parsed.reason };
  }
  const raw = options.payload !== undefined ? readJsonFile(options.payload, 'payload', '--payload') : payloadFromEnv(options.payloadEnv ?? '');
  const payload = parseSpinnakerPayload(raw);
  return { kind: 'payload', payload, dryRun: payload.dryRun === true };
}

/**
 * One report for every input: per image, what was written (in a dry run: what would be), what was
 * not and why; JSON: `{ "images": [...] }` with the log line's fields for each. A failure is also
 * on standard error, and sets the exit code the way every error does (3 AWS, 2 configuration); else 1 when
 * an image was not found.
 */
function report(outcomes: TagOutcome[], format: TagOptions['format']): ExitCode {
  process.stdout.write(format === 'json' ? `${JSON.stringify({ images: outcomes.map(outcomeSummary) }, null, 2)}\n` : `${outcomes.map(describeOutcome).join('\n\n')}\n`);
  // A failure also goes to standard error, like every error of the command, with what to do.
  const failures = outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => describeFailure(outcome.cause));
  for (const failure of failures) process.stderr.write(`ami-tagger: ${failure.text}\n`);
  if (failures.length > 0) return Math.max(...failures.map((failure) => failure.code)) as ExitCode;
  return outcomes.some((outcome) => outcome.status === 'image-not-found') ? ExitCode.Findings : ExitCode.Ok;
}

function payloadFromEnv(name: string): unknown {
  const text = process.env[name];
  if (text === undefined || text === '') {
    throw new InputError(`environment variable ${name} is not set`, { where: '--payload-env', hint: 'the Run Job stage that `ami-tagger spel --consumer runjob` generates sets AMI_TAGGER_PAYLOAD' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${name} is not JSON: ${(error as Error).message}`, { where: `--payload-env ${name}`, hint: 'the stage must set it with ${#toJson(...)}' });
  }
}

/** The payload's images, once its account is checked against the allow-list (before any AWS call). */
function refsOfPayload(payload: SpinnakerPayload, access: { ownAccount: string; accounts: AccountScope }): ImageRef[] {
  checkPayloadAccount(payload, access.accounts, access.ownAccount, ACCOUNT_FLAGS.accounts);
  return imageRefsFromPayload(payload, access.ownAccount);
}

const STATUS_TEXT: Record<TagOutcome['status'], string> = IMAGE_OUTCOMES;

export function describeOutcome(outcome: TagOutcome): string {
  const lines = [`${outcome.imageId} in ${outcome.account}/${outcome.region} (${outcome.trigger}): ${STATUS_TEXT[outcome.status]}${outcome.error ? `: ${outcome.error}` : ''}`];
  const written = Object.entries(outcome.written).flatMap(([resource, tags]) => tags.map((tag) => [resource, tag.key, tag.value]));
  if (written.length > 0) lines.push('', outcome.status === 'dry-run' ? 'Would write:' : 'Written:', renderTable(['resource', 'key', 'value'], written));
  const { reported, notApplicable } = reportedSkips(outcome);
  if (reported.length > 0) {
    lines.push('', 'Not written:', renderTable(['resource', 'key', 'reason', 'detail'], reported.map((skip) => [skip.resource, skip.key, skip.reason, skip.detail])));
  }
  if (notApplicable > 0) lines.push('', `(${notApplicable} rule tag(s) need facts this kind of event never has, e.g. Spinnaker's or a copy source: left out)`);
  for (const change of outcome.changedUnderUs) lines.push(`changed meanwhile: ${change.resource} ${change.key} is "${change.found ?? '(removed)'}", not the "${change.wrote}" written: kept`);
  for (const note of outcome.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
