import { isRecord } from './json';
import { type EvaluationScope, evaluateSpel } from './orca-evaluator';
import { isWholeField, parseTemplate } from './template';

/**
 * One string field evaluated as Orca's ExpressionTransform does (kork): a whole-field `${...}`
 * keeps its type; expressions inside longer text must yield text. A null leaves the expression
 * unevaluated (Orca logs "not found"); a failure leaves the whole field as written.
 */

export type FieldStatus = 'ok' | 'null' | 'failed';

export interface FieldOutcome {
  status: FieldStatus;
  /** What Orca would put in the field: the value, or the source text where evaluation did not succeed. */
  value: unknown;
  reason?: string;
}

export function evaluateField(text: string, scope: EvaluationScope): FieldOutcome {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { status: 'failed', value: text, reason: parsed.reason };
  const segments = parsed.segments;
  if (isWholeField(segments)) {
    const outcome = evaluateSpel(segments[0].body, scope);
    if (!outcome.ok) return { status: 'failed', value: text, reason: outcome.reason };
    if (outcome.value === null) return { status: 'null', value: text, reason: `${segments[0].body.trim()} is null (a missing key or stage output); Orca leaves the text unevaluated` };
    return { status: 'ok', value: outcome.value };
  }
  let result = '';
  const unresolved: string[] = [];
  for (const segment of segments) {
    if (segment.kind === 'text') {
      result += segment.text;
      continue;
    }
    const outcome = evaluateSpel(segment.body, scope);
    if (!outcome.ok) return { status: 'failed', value: text, reason: outcome.reason };
    const value = outcome.value;
    if (value === null) {
      unresolved.push(segment.body.trim());
      result += `\${${segment.body}}`;
    } else if (Array.isArray(value) || isRecord(value)) {
      return {
        status: 'failed',
        value: text,
        reason: `${segment.body.trim()} is ${Array.isArray(value) ? 'a list' : 'a map'} inside a longer text; Orca cannot turn it into text: wrap it in #toJson(...)`,
      };
    } else {
      result += String(value);
    }
  }
  if (unresolved.length > 0) return { status: 'null', value: result, reason: `${unresolved.join(', ')} ${unresolved.length === 1 ? 'is' : 'are'} null; Orca leaves ${unresolved.length === 1 ? 'it' : 'them'} unevaluated` };
  return { status: 'ok', value: result };
}
