import { InputError } from '../../errors';
import { isRecord, ownValue } from '../../spel/json';
import { hasErrors, type LintFinding, lintPipeline } from '../../spel/lint';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
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

/** `ami-tagger lint PIPELINE.json`: finds expressions that read the wrong image or nothing. */
export function lintCommand() {
  return newCommand('lint')
    .description('Find SpEL mistakes in a Spinnaker pipeline: unknown deploymentDetails keys, index-based image picks, #stage name typos, maps in text, missing dependencies.')
    .argument('<pipeline>', 'pipeline JSON (or an execution JSON); "-" for stdin')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('--strict', 'warnings fail too (exit 1)')
    .addHelpText('after', '\nExit codes: 0 clean (warnings allowed unless --strict); 1 errors found; 2 bad input.')
    .action((file: string, options: LintOptions) =>
      runAction(() => {
        if (options.format !== 'table' && options.format !== 'json') throw new InputError(`--format ${JSON.stringify(options.format)} is not table or json`, { where: '--format' });
        const pipeline = readJsonFile(file, 'pipeline');
        if (!isRecord(pipeline) || !Array.isArray(ownValue(pipeline, 'stages'))) {
          throw new InputError('the pipeline has no "stages" list', { where: file, hint: 'pass the pipeline JSON ("Edit as JSON" in Deck, or `spin pipeline get`)' });
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
