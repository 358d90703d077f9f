import { Option } from 'commander';
import { AwsClients } from '../../aws/clients';
import { SdkEc2Gateway } from '../../aws/ec2';
import { parseEventBridgeEvent } from '../../events/eventbridge';
import { loadRulesFile } from '../../rules/load';
import { tagImage, type TagOutcome } from '../../tagger/engine';
import { outcomeSummary } from '../../tagger/summary';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { readJsonFile } from '../read-json';
import { runAction } from '../run';
import { renderTable } from '../table';

interface TagOptions {
  event: string;
  rules: string;
  dryRun?: boolean;
  format: 'table' | 'json';
  roleName?: string;
  externalId?: string;
}

/** `ami-tagger tag --event FILE`: runs the engine on one event with the caller's credentials. */
export function tagCommand() {
  return newCommand('tag')
    .description('Tag the AMI (and its snapshots) that one EventBridge event announces, with your AWS credentials.')
    .requiredOption('-e, --event <file>', 'EventBridge event JSON ("-" for stdin): CloudTrail CreateImage/CopyImage/RegisterImage or "EC2 AMI State Change"')
    .option('-r, --rules <file>', 'rules file (YAML)', 'ami-tagger.yml')
    .option('-n, --dry-run', 'print the plan, write nothing')
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .option('--role-name <name>', 'central mode: role to assume in the image\'s account when it is not yours')
    .option('--external-id <id>', 'external id for that role')
    .addHelpText('after', '\nExit codes: 0 tagged, up to date, planned (--dry-run) or ignored; 1 image not found; 2 bad input; 3 AWS refused.')
    .action((options: TagOptions) =>
      runAction(async () => {
        const rules = loadRulesFile(options.rules);
        const parsed = parseEventBridgeEvent(readJsonFile(options.event, 'event'));
        if (parsed.kind === 'ignored') {
          process.stdout.write(options.format === 'json' ? `${JSON.stringify({ status: 'ignored', reason: parsed.reason })}\n` : `ignored: ${parsed.reason}\n`);
          return ExitCode.Ok;
        }
        const clients = new AwsClients({
          ...(options.roleName ? { roleName: options.roleName } : {}),
          ...(options.externalId ? { externalId: options.externalId } : {}),
        });
        const outcome = await tagImage(parsed.ref, { rules, ec2: new SdkEc2Gateway(clients), dryRun: options.dryRun === true });
        process.stdout.write(options.format === 'json' ? `${JSON.stringify(outcomeSummary(outcome), null, 2)}\n` : `${describeOutcome(outcome)}\n`);
        return outcome.status === 'image-not-found' ? ExitCode.Findings : ExitCode.Ok;
      }),
    );
}

const STATUS_TEXT: Record<TagOutcome['status'], string> = {
  tagged: 'tagged',
  'up-to-date': 'up to date: every tag is already there, nothing written',
  'dry-run': 'dry run: nothing written',
  'image-not-found': 'image not found (deregistered, or not visible to these credentials)',
};

export function describeOutcome(outcome: TagOutcome): string {
  const lines = [`${outcome.imageId} in ${outcome.account}/${outcome.region} (${outcome.trigger}): ${STATUS_TEXT[outcome.status]}`];
  const written = Object.entries(outcome.written).flatMap(([resource, tags]) => tags.map((tag) => [resource, tag.key, tag.value]));
  if (written.length > 0) lines.push('', outcome.status === 'dry-run' ? 'Would write:' : 'Written:', renderTable(['resource', 'key', 'value'], written));
  const skipped = outcome.skipped.filter((skip) => skip.reason !== 'not-applicable');
  if (skipped.length > 0) {
    lines.push('', 'Not written:', renderTable(['resource', 'key', 'reason', 'detail'], skipped.map((skip) => [skip.resource, skip.key, skip.reason, skip.detail])));
  }
  const notApplicable = outcome.skipped.length - skipped.length;
  if (notApplicable > 0) lines.push('', `(${notApplicable} rule tag(s) need facts this kind of event never has, e.g. Spinnaker's or a copy source: left out)`);
  for (const note of outcome.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
