import { isRecord } from './json';
import { type EvaluationScope, evaluateSpel } from './orca-evaluator';
import { includeExecutionParameter } from './orca-preprocess';
import { isWholeField, parseTemplate, type TemplateSegment } from './template';

/**
 * One string field evaluated as Orca's ExpressionTransform does (kork): a whole-field `${...}`
 * keeps its type; expressions inside longer text must yield text. A null leaves the expression
 * unevaluated (Orca logs "not found"); a failure leaves the whole field as written. The text is
 * first rewritten as Orca rewrites it (orca-preprocess.ts); messages quote it as written.
 */

export type FieldStatus = 'ok' | 'null' | 'failed';

export interface FieldOutcome {
  status: FieldStatus;
  /** What Orca would put in the field: the value, or the source text where evaluation did not succeed. */
  value: unknown;
  reason?: string;
}

export function evaluateField(text: string, scope: EvaluationScope): FieldOutcome {
  const parsed = parseTemplate(includeExecutionParameter(text));
  if (!parsed.ok) return { status: 'failed', value: text, reason: parsed.reason };
  const segments = parsed.segments;
  const written = asWritten(text, segments);
  if (isWholeField(segments)) {
    const outcome = evaluateSpel(segments[0].body, scope);
    if (!outcome.ok) return { status: 'failed', value: text, reason: outcome.reason };
    if (outcome.value === null) return { status: 'null', value: text, reason: `${written(0).trim()} is null (a missing key or stage output); Orca leaves the text unevaluated` };
    return { status: 'ok', value: outcome.value };
  }
  let result = '';
  const unresolved: string[] = [];
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'text') {
      result += segment.text;
      continue;
    }
    const outcome = evaluateSpel(segment.body, scope);
    if (!outcome.ok) return { status: 'failed', value: text, reason: outcome.reason };
    const value = outcome.value;
    if (value === null) {
      unresolved.push(written(index).trim());
      // Orca writes back the expression it parsed, rewritten.
      result += `\${${segment.body}}`;
    } else if (Array.isArray(value) || isRecord(value)) {
      return {
        status: 'failed',
        value: text,
        reason: `${written(index).trim()} is ${Array.isArray(value) ? 'a list' : 'a map'} inside a longer text; Orca cannot turn it into text: wrap it in #toJson(...)`,
      };
    } else {
      result += String(value);
    }
  }
  if (unresolved.length > 0) return { status: 'null', value: result, reason: `${unresolved.join(', ')} ${unresolved.length === 1 ? 'is' : 'are'} null; Orca leaves ${unresolved.length === 1 ? 'it' : 'them'} unevaluated` };
  return { status: 'ok', value: result };
}

/** The body of each expression as written (before Orca's rewrite), for messages; the rewrite keeps the segments as they are. */
function asWritten(text: string, rewritten: readonly TemplateSegment[]): (index: number) => string {
  const original = parseTemplate(text);
  return (index) => {
    const segment = original.ok && original.segments.length === rewritten.length ? original.segments[index] : rewritten[index];
    return segment?.kind === 'expression' ? segment.body : '';
  };
}
