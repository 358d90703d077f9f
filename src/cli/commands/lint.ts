import { InputError } from '../../errors';
import { isRecord, ownValue } from '../../spel/json';
import { hasErrors, type LintFinding, lintPipeline } from '../../spel/lint';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { readJsonFile } from '../read-json';
import { runAction } from '../run';

interface LintOptions {
  format: string;
  strict?: boolean;
}

/** One block per finding: where it is on the first line, the whole message below (messages carry the fix). */
export function renderLintReport(findings: readonly LintFinding[]): string {
  const blocks = findings.map((finding) => {
    const lines = [`${finding.severity.toUpperCase()}  ${finding.stage.name} (refId ${finding.stage.refId})  ${finding.field}  [${finding.rule}]`, `  ${finding.message}`];
    if (finding.expression !== undefined) lines.push(`  in: ${finding.expression}`);
    return lines.join('\n');
  });
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return `${blocks.join('\n\n')}\n\n${errors} error(s), ${findings.length - errors} warning(s)\n`;
}

/** How much of a value an error message quotes. */
const QUOTED_VALUE_WIDTH = 40;

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > QUOTED_VALUE_WIDTH ? `${text.slice(0, QUOTED_VALUE_WIDTH - 1)}…` : text;
}

/** `ami-tagger lint PIPELINE.json`: finds expressions that read the wrong image or nothing. */
export function lintCommand() {
  return newCommand('lint')
    .description('Find SpEL mistakes in a Spinnaker pipeline: unknown deploymentDetails keys, index-based image picks, #stage name typos, maps in text, missing dependencies.')
    .argument('<pipeline>', 'pipeline JSON (or an execution JSON); "-" for stdin')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('--strict', 'warnings fail too (exit 1)')
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'lint pipeline.json', what: 'a pipeline saved with "Edit as JSON" in Deck' },
          { command: 'lint pipeline.json --strict --format json', what: 'in CI: warnings fail too, findings as JSON' },
          { command: 'lint -', what: 'from standard input, e.g. `spin pipeline get --application orders --name "Bake and tag" | ami-tagger lint -`' },
        ],
        ['Warnings alone exit 0 unless --strict.'],
      ),
    )
    .action((file: string, options: LintOptions) =>
      runAction(() => {
        if (options.format !== 'table' && options.format !== 'json') throw new InputError(`--format ${JSON.stringify(options.format)} is not table or json`, { where: '--format' });
        const pipeline = readJsonFile(file, 'pipeline');
        const stages = isRecord(pipeline) ? ownValue(pipeline, 'stages') : undefined;
        if (!Array.isArray(stages)) {
          throw new InputError('the pipeline has no "stages" list', { where: file, hint: 'pass the pipeline JSON ("Edit as JSON" in Deck, or `spin pipeline get`)' });
        }
        // A stage that is not an object cannot be checked: saying "no problems found" would be a lie.
        const notStage = stages.findIndex((stage) => !isRecord(stage));
        if (notStage >= 0) {
          throw new InputError(`stages[${notStage}] is not a stage object: ${shortJson(stages[notStage])}`, {
            where: `${file}: stages[${notStage}]`,
            hint: 'each stage is a JSON object with "type", "name" and "refId"; paste whole stages, as "Edit stage as JSON" shows them',
          });
        }
        const findings = lintPipeline(pipeline);
        const failed = hasErrors(findings) || (options.strict === true && findings.length > 0);
        if (options.format === 'json') process.stdout.write(`${JSON.stringify({ ok: !failed, findings }, null, 2)}\n`);
        else if (findings.length === 0) process.stdout.write('no problems found\n');
        else process.stdout.write(renderLintReport(findings));
        return failed ? ExitCode.Findings : ExitCode.Ok;
      }),
    );
}
