import { Option } from 'commander';
import { resolveAccountScope, type AccountScope } from '../../account-scope';
import { AwsClients } from '../../aws/clients';
import { SdkEc2Gateway } from '../../aws/ec2';
import { parseEventBridgeEvent } from '../../events/eventbridge';
import { loadRulesFile } from '../../rules/load';
import { tagPayload } from '../../direct/direct-service';
import { InputError } from '../../errors';
import type { ImageRef } from '../../events/image-ref';
import { unwrapFailureRecord } from '../../events/failure-record';
import { parseSpinnakerPayload, type SpinnakerPayload } from '../../events/spinnaker-payload';
import { tagImage, type EngineOptions, type TagOutcome } from '../../tagger/engine';
import { outcomeSummary, reportedSkips } from '../../tagger/summary';
import { IMAGE_OUTCOMES } from '../../tagger/outcome';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { requireEventEnvelope } from '../event-shape';
import { helpAfter } from '../help';
import { readJsonFile } from '../read-json';
import { resolveRulesFile, rulesOptionHelp } from '../rules-file';
import { runAction } from '../run';
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
        const engine = { rules, ec2: new SdkEc2Gateway(clients), dryRun: options.dryRun === true };
        return input.kind === 'image' ? tagEvent(input.ref, engine, options.format) : tagDirectPayload(input.payload, engine, { ownAccount: callerAccount, accounts }, options.format);
      }),
    );
}

type TagInput = { kind: 'image'; ref: ImageRef } | { kind: 'ignored'; reason: string } | { kind: 'payload'; payload: SpinnakerPayload };

/** The one input given (an event, or a direct-path payload from a file or a variable), read and validated. */
function readInput(options: TagOptions): TagInput {
  const given = [options.event, options.payload, options.payloadEnv].filter((source) => source !== undefined);
  if (given.length !== 1) {
    throw new InputError('give exactly one of --event, --payload, --payload-env', { where: 'ami-tagger tag', hint: 'run `ami-tagger tag --help`' });
  }
  if (options.event !== undefined) {
    const parsed = parseEventBridgeEvent(requireEventEnvelope(unwrapFailureRecord(readJsonFile(options.event, 'event', '--event')), options.event));
    return parsed.kind === 'image' ? { kind: 'image', ref: parsed.ref } : { kind: 'ignored', reason: parsed.reason };
  }
  const raw = options.payload !== undefined ? readJsonFile(options.payload, 'payload', '--payload') : payloadFromEnv(options.payloadEnv ?? '');
  return { kind: 'payload', payload: parseSpinnakerPayload(raw) };
}

async function tagEvent(ref: ImageRef, engine: EngineOptions, format: TagOptions['format']): Promise<ExitCode> {
  const outcome = await tagImage(ref, engine);
  process.stdout.write(format === 'json' ? `${JSON.stringify(outcomeSummary(outcome), null, 2)}\n` : `${describeOutcome(outcome)}\n`);
  return outcome.status === 'image-not-found' ? ExitCode.Findings : ExitCode.Ok;
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

/** The direct path with the caller's credentials: the same service the direct-path Lambda runs. */
async function tagDirectPayload(
  payload: SpinnakerPayload,
  engine: EngineOptions,
  access: { ownAccount: string; accounts: AccountScope },
  format: TagOptions['format'],
): Promise<ExitCode> {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const response = await tagPayload(payload, { engine, ...access, accountsSetting: ACCOUNT_FLAGS.accounts, log: silent });
  if (response.statusCode === 400) throw new InputError(response.body.error ?? 'invalid payload', { where: 'payload', ...(response.body.hint ? { hint: response.body.hint } : {}) });
  const images = response.body.images ?? [];
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(response.body, null, 2)}\n`);
  } else {
    const rows = images.map((image) => [image.region, image.imageId, image.status, String(Object.values(image.written ?? {}).reduce((count, tags) => count + tags.length, 0)), image.error ?? '']);
    process.stdout.write(`${renderTable(['region', 'image', 'status', 'tags written', 'error'], rows)}\n`);
  }
  if (images.some((image) => image.status === 'failed')) return ExitCode.AwsFailure;
  return images.some((image) => image.status === 'image-not-found') ? ExitCode.Findings : ExitCode.Ok;
}

const STATUS_TEXT: Record<TagOutcome['status'], string> = IMAGE_OUTCOMES;

export function describeOutcome(outcome: TagOutcome): string {
  const lines = [`${outcome.imageId} in ${outcome.account}/${outcome.region} (${outcome.trigger}): ${STATUS_TEXT[outcome.status]}`];
  const written = Object.entries(outcome.written).flatMap(([resource, tags]) => tags.map((tag) => [resource, tag.key, tag.value]));
  if (written.length > 0) lines.push('', outcome.status === 'dry-run' ? 'Would write:' : 'Written:', renderTable(['resource', 'key', 'value'], written));
  const { reported, notApplicable } = reportedSkips(outcome);
  if (reported.length > 0) {
    lines.push('', 'Not written:', renderTable(['resource', 'key', 'reason', 'detail'], reported.map((skip) => [skip.resource, skip.key, skip.reason, skip.detail])));
  }
  if (notApplicable > 0) lines.push('', `(${notApplicable} rule tag(s) need facts this kind of event never has, e.g. Spinnaker's or a copy source: left out)`);
  for (const note of outcome.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
