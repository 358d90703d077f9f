import { InputError } from '../../errors';
import { isRecord, ownValue } from '../../spel/json';
import { previewExpression, type PreviewRow, previewStages } from '../../spel/preview';
import { hasExpression } from '../../spel/template';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { readJsonFile } from '../read-json';
import { runAction } from '../run';

interface PreviewOptions {
  execution: string;
  stage?: string;
  pipeline?: string;
  expr?: string;
  format: string;
}

export function readExecution(path: string): Record<string, unknown> {
  const execution = readJsonFile(path, 'execution', '--execution');
  if (!isRecord(execution) || !Array.isArray(ownValue(execution, 'stages'))) {
    throw new InputError('the execution has no "stages" list', { where: path, hint: 'pass the JSON of a pipeline run: in Deck, open the execution, "View as JSON" (or `spin pipeline execution get ID`)' });
  }
  return execution;
}

/** A stage, a list of stages (what `ami-tagger spel --consumer` prints) or a pipeline's `stages`. */
export function readStages(path: string, what: 'stage' | 'pipeline'): Array<Record<string, unknown>> {
  return readStageSource(path, what).stages;
}

/** The stages and, for a pipeline, its `spelEvaluator` (Orca passes a stage's variables on to the next ones only under v4). */
export function readStageSource(path: string, what: 'stage' | 'pipeline'): { stages: Array<Record<string, unknown>>; spelEvaluator?: string } {
  const value = readJsonFile(path, what, `--${what}`);
  const spelEvaluator = isRecord(value) ? ownValue(value, 'spelEvaluator') : undefined;
  const stages = Array.isArray(value) ? value : isRecord(value) && Array.isArray(ownValue(value, 'stages')) ? (ownValue(value, 'stages') as unknown[]) : [value];
  if (stages.length === 0 || !stages.every(isRecord)) {
    throw new InputError(`the ${what} holds no stage object`, { where: path, hint: 'pass a stage JSON object, a list of them, or a pipeline with "stages"' });
  }
  return { stages: stages.filter(isRecord), ...(typeof spelEvaluator === 'string' ? { spelEvaluator } : {}) };
}

/** A value as the table shows it: text as it is, the rest as Jackson writes it (a double keeps its `.0`). */
function shown(row: PreviewRow): string {
  if (typeof row.value === 'string') return row.value;
  return row.javaJson ?? JSON.stringify(row.value) ?? String(row.value);
}

/** Widest expression shown in the table; --format json has them whole. */
export const MAX_EXPRESSION_WIDTH = 60;

/**
 * The table for people: the value or the reason goes last and is never cut (it is what the
 * reader came for); long expressions are cut in the middle, keeping the field they end on.
 */
export function renderPreviewTable(rows: readonly PreviewRow[]): string {
  const cells = rows.map((row) => [
    `${row.stage.name} (${row.stage.refId})`,
    row.variable ?? row.field,
    row.status === 'ok' ? 'ok' : row.status === 'null' ? 'NULL' : 'FAILED',
    cutMiddle(row.expression.replace(/\s+/g, ' '), MAX_EXPRESSION_WIDTH),
    row.status === 'ok' ? shown(row) : (row.reason ?? ''),
  ]);
  const header = ['STAGE', 'VARIABLE / FIELD', 'RESULT', 'EXPRESSION', 'VALUE OR REASON'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

function cutMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const half = Math.floor((width - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(text.length - (width - 1 - half))}`;
}

/** `ami-tagger preview`: evaluates expressions offline against an execution's JSON, with Orca's rules. */
export function previewCommand() {
  return newCommand('preview')
    .description("Evaluate a stage's SpEL expressions offline against the JSON of a pipeline run, the way Orca would.")
    .requiredOption('-x, --execution <file>', 'the run: "View as JSON" of an execution in Deck ("-" for stdin)')
    .option('-s, --stage <file>', 'a stage JSON, or the list of stages `ami-tagger spel` prints')
    // No short forms: -p and -e mean --payload and --event in `ami-tagger tag`, and a short flag means one thing everywhere.
    .option('--pipeline <file>', "a pipeline JSON: every stage's expressions")
    .option('--expr <expression>', "one expression, e.g. '${#stage(\"Bake\").outputs.deploymentDetails.^[region == \"us-east-1\"].imageId}'")
    .option('-f, --format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'preview --execution execution.json --stage stages.json', what: 'the stages `ami-tagger spel` printed, against a run saved with "View as JSON" in Deck' },
          { command: 'preview --execution execution.json --pipeline pipeline.json --format json', what: "every stage's expressions of a pipeline, as JSON for CI" },
          { command: 'preview -x execution.json --expr \'${execution.application}\'', what: 'one expression' },
        ],
        [
          'Give exactly one of --stage, --pipeline, --expr.',
          '',
          "What it follows: Orca's evaluation, Spring Expression Language 5.3 (Orca's Spring) as kork configures it.",
          '  Java semantics: 7 / 2 is 3, 2.0 stays 2.0, matches needs the whole text, == compares lists and maps by',
          "  content, conditions must be booleans ('true' and 'yes' convert), String, list and map methods are Java's.",
          "  kork's allow-lists: T(...) and new only for Math, String, Integer, Long, Double, Byte, Boolean, Date,",
          '  UUID, Random, SimpleDateFormat, LocalDate, LocalDateTime, Instant, DayOfWeek, ChronoUnit, URLEncoder,',
          '  TemporalAdjusters; methods and getters only where kork allows what they return (no get() on maps).',
          "  Templates as kork's ExpressionTransform: a whole-field ${...} keeps its type; in longer text each part",
          '  becomes text as Spring converts it (a list of plain values joined with commas, a map refused), and a',
          '  part that is null stays as written.',
          "  Orca's context: the stage's context with execution, trigger, the trigger's parameters, and the outputs of",
          '  the stages upstream; Evaluate Variables passes each variable on to the next ones under',
          '  "spelEvaluator": "v4" (the pipeline\'s, else the run\'s).',
          "  Checked against Spring's own SpEL set up like Orca (test/conformance/differential).",
        ],
      ),
    )
    .action((options: PreviewOptions) =>
      runAction(() => {
        if (options.format !== 'table' && options.format !== 'json') throw new InputError(`--format ${JSON.stringify(options.format)} is not table or json`, { where: '--format' });
        const sources = [options.stage, options.pipeline, options.expr].filter((source) => source !== undefined);
        if (sources.length !== 1) throw new InputError('give exactly one of --stage, --pipeline, --expr', { where: '--stage/--pipeline/--expr', hint: 'e.g. --stage stage.json --execution run.json' });
        if (options.expr !== undefined && !hasExpression(options.expr)) {
          throw new InputError('the expression has no ${...}', { where: '--expr', hint: "write it as Orca sees it: '${execution.name}'" });
        }
        const execution = readExecution(options.execution);
        let rows: PreviewRow[];
        if (options.expr !== undefined) {
          rows = [previewExpression(execution, options.expr)];
        } else {
          const source = options.stage !== undefined ? readStageSource(options.stage, 'stage') : readStageSource(options.pipeline ?? '', 'pipeline');
          rows = previewStages(execution, source.stages, source.spelEvaluator !== undefined ? { spelEvaluator: source.spelEvaluator } : {}).rows;
        }
        const ok = rows.every((row) => row.status === 'ok');
        if (options.format === 'json') process.stdout.write(`${JSON.stringify({ ok, rows }, null, 2)}\n`);
        else if (rows.length === 0) process.stdout.write('no expressions found\n');
        else process.stdout.write(renderPreviewTable(rows));
        return ok ? ExitCode.Ok : ExitCode.Findings;
      }),
    );
}
