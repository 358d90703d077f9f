import { JavaConversionError, toText } from './java-conversion';
import { JacksonError, jacksonJson } from './java-json';
import { javaTrim } from './java-numbers';
import { fromData, JavaEnum, javaTypeName, toPlain } from './java-values';
import { type EvaluationScope, evaluateSpel } from './orca-evaluator';
import { includeExecutionParameter } from './orca-preprocess';
import { isWholeField, parseTemplate, type TemplateSegment } from './template';

/**
 * One string field evaluated as Orca's ExpressionTransform does (kork): a whole-field `${...}`
 * keeps its type (an ExecutionStatus becomes its name); in a longer text each `${...}` part is
 * converted to text by Spring (numbers as Java writes them, `2.0`; a list of plain values joined
 * with commas; a map, or a list holding maps, fails). A part that is null is written back as
 * `${expression}` and the field is unresolved; a failure leaves the whole field as written. The
 * text is first rewritten as Orca rewrites it (orca-preprocess.ts); messages quote it as written.
 */

export type FieldStatus = 'ok' | 'null' | 'failed';

export interface FieldOutcome {
  status: FieldStatus;
  /** What Orca would put in the field, as JSON: the value, or the source text where evaluation did not succeed. */
  value: unknown;
  reason?: string;
}

/** The outcome with the value as Orca holds it. */
export interface JavaFieldOutcome {
  status: FieldStatus;
  /** The value Java-typed (java-values.ts): what later expressions read when it is passed on. */
  javaValue: unknown;
  reason?: string;
}

function outcome(status: FieldStatus, javaValue: unknown, reason?: string): JavaFieldOutcome {
  return { status, javaValue, ...(reason !== undefined ? { reason } : {}) };
}

/** The Java class of the value and its JSON as Jackson writes it (`2.0` stays `2.0`; null where Jackson cannot write it). */
export function describeJavaValue(javaValue: unknown): { javaType: string; javaJson: string | null } {
  try {
    return { javaType: javaTypeName(javaValue), javaJson: jacksonJson(javaValue) };
  } catch (error) {
    if (!(error instanceof JacksonError)) throw error;
    return { javaType: javaTypeName(javaValue), javaJson: null };
  }
}

/** One field as Orca evaluates it, the value as JSON. */
export function evaluateField(text: string, scope: EvaluationScope): FieldOutcome {
  const result = evaluateFieldJava(text, scope);
  return { status: result.status, value: toPlain(result.javaValue), ...(result.reason !== undefined ? { reason: result.reason } : {}) };
}

/** One field as Orca evaluates it, the value Java-typed. */
export function evaluateFieldJava(text: string, scope: EvaluationScope): JavaFieldOutcome {
  const parsed = parseTemplate(includeExecutionParameter(text));
  if (!parsed.ok) return outcome('failed', text, parsed.reason);
  const segments = parsed.segments;
  const written = asWritten(text, segments);
  if (isWholeField(segments)) {
    const result = evaluateSpel(javaTrim(segments[0].body), scope);
    if (!result.ok) return outcome('failed', text, result.reason);
    if (result.value === null) return outcome('null', text, `${written(0).trim()} is null (a missing key or stage output); Orca leaves the text unevaluated`);
    // ExpressionTransform's typesToStringify: an ExecutionStatus becomes its name.
    const value = result.value instanceof JavaEnum && result.value.type === 'ExecutionStatus' ? result.value.name : result.value;
    return outcome('ok', value);
  }
  let built = '';
  const unresolved: string[] = [];
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'text') {
      built += segment.text;
      continue;
    }
    const body = javaTrim(segment.body);
    const result = evaluateSpel(body, scope);
    if (!result.ok) return outcome('failed', text, result.reason);
    const value = fromData(result.value);
    if (value === null) {
      unresolved.push(written(index).trim());
      // Orca writes back the expression it parsed (rewritten, trimmed).
      built += `\${${body}}`;
      continue;
    }
    try {
      built += toText(value);
    } catch (error) {
      if (!(error instanceof JavaConversionError)) throw error;
      return outcome('failed', text, `${written(index).trim()} is ${javaTypeName(value) === 'Map' ? 'a map' : javaTypeName(value) === 'List' ? 'a list holding maps' : `a ${javaTypeName(value)}`} inside a longer text, which Spring cannot turn into text (${error.message}); wrap it in #toJson(...)`);
    }
  }
  if (unresolved.length > 0) return outcome('null', built, `${unresolved.join(', ')} ${unresolved.length === 1 ? 'is' : 'are'} null; Orca leaves ${unresolved.length === 1 ? 'it' : 'them'} unevaluated`);
  return outcome('ok', built);
}

/** The body of each expression as written (before Orca's rewrite), for messages; the rewrite keeps the segments as they are. */
function asWritten(text: string, rewritten: readonly TemplateSegment[]): (index: number) => string {
  const original = parseTemplate(text);
  return (index) => {
    const segment = original.ok && original.segments.length === rewritten.length ? original.segments[index] : rewritten[index];
    return segment?.kind === 'expression' ? segment.body : '';
  };
}
