import { InputError } from '../errors';
import type { GeneratedVariable } from './generate';
import type { JsonObject } from './json';

/**
 * How `ami-tagger spel` prints what it generated: the stage(s) as JSON, a pipeline for
 * `spin pipeline save`, JSON that survives dinghy's Go templates, or `key = value` lines to type
 * into Deck's Evaluate Variables form.
 */

export type OutputFormat = 'stage' | 'pipeline' | 'dinghy' | 'text';

/** What would end a line of `--format text` (a line feed, a carriage return, or the Unicode line and paragraph separators). */
const LINE_BREAK = /[\n\r\u2028\u2029\u0085\v\f]/;
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['stage', 'pipeline', 'dinghy', 'text'];

export interface RenderOptions {
  format: OutputFormat;
  stages: JsonObject[];
  variables: readonly GeneratedVariable[];
  pipelineName?: string;
  application?: string;
}

export function renderGenerated(options: RenderOptions): string {
  switch (options.format) {
    case 'stage':
      return `${JSON.stringify(stagesValue(options.stages), null, 2)}\n`;
    case 'dinghy':
      return `${dinghySafeJson(stagesValue(options.stages))}\n`;
    case 'pipeline': {
      if (!options.pipelineName || !options.application) {
        throw new InputError('--format pipeline needs the pipeline name and application (spin pipeline save requires both)', {
          where: '--pipeline-name/--application',
          hint: 'add --pipeline-name "Bake and tag" --application orders, then merge the stages into your pipeline before saving it',
        });
      }
      return `${JSON.stringify({ name: options.pipelineName, application: options.application, stages: options.stages }, null, 2)}\n`;
    }
    case 'text':
      if (options.stages.length > 1) {
        throw new InputError('--format text prints the variables only, not the consumer stage', { where: '--format', hint: 'drop --consumer, or use --format stage' });
      }
      for (const variable of options.variables) {
        if (LINE_BREAK.test(variable.value)) {
          throw new InputError(`--format text prints one variable a line, and the value of ${variable.key} holds a line break (from the stage name or a region)`, {
            where: '--format',
            hint: 'use --format stage, whose JSON keeps the line break',
          });
        }
      }
      return options.variables.map((variable) => `${variable.key} = ${variable.value}\n`).join('');
  }
}

/** One stage as an object (what Deck's "Edit stage as JSON" takes); several as a list. */
function stagesValue(stages: JsonObject[]): JsonObject | JsonObject[] {
  return stages.length === 1 && stages[0] !== undefined ? stages[0] : stages;
}

/**
 * JSON without `{{` or `}}`, which dinghy's Go templates would take for their own delimiters.
 * Pretty-printed JSON never puts two structural braces side by side, so any pair sits inside a
 * string, where the second brace is written as a JSON escape (`\u007b`, `\u007d`): same value
 * once parsed, no delimiter for the template.
 */
export function dinghySafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/(?<=\{)\{/g, '\\u007b')
    .replace(/(?<=\})\}/g, '\\u007d');
}
