/**
 * How a preview outcome is compared with Spring's: the same status; for a value, the same Java
 * class and the same JSON as Jackson writes it (object keys in any order, numbers as written, so
 * `2.0` is not `2`); for an unresolved text field, the same text. Values that differ from run to
 * run (a random UUID, a Random, the current time) are compared by class only, and so are Orca's
 * own objects (a stage, the execution), which Jackson cannot write the same way twice.
 */

export interface Outcome {
  status: 'ok' | 'null' | 'failed';
  /** The value as Jackson writes it; null where it cannot be written. */
  json: string | null;
  /** The Java class of the value. */
  type?: string;
  reason?: string;
}

/** Classes whose value is new on every run. */
export const COMPARED_BY_TYPE = new Set(['UUID', 'Random', 'Instant', 'Date', 'LocalDate', 'LocalDateTime', 'SimpleDateFormat']);
/** Orca's objects (OrcaSpel.java models them after orca-core's classes of these names). */
export const ORCA_OBJECTS = new Set(['StageExecutionImpl', 'PipelineExecutionImpl', 'Trigger', 'AuthenticationDetails', 'ExecutionStatus']);

/** Expressions whose value is new on every run (a random number, the current time): their values are compared by class only. */
export const UNSTABLE_EXPRESSION = /random\(|randomUUID|\.now\(|new java\.util\.(Random|Date)\(\)/;

export type Verdict = { agree: true } | { agree: false; why: string };

export function compareOutcomes(preview: Outcome, spring: Outcome, unstable = false): Verdict {
  if (preview.status !== spring.status) {
    return { agree: false, why: `preview ${preview.status}${preview.reason ? ` (${preview.reason})` : ''}, Spring ${spring.status}${spring.reason ? ` (${spring.reason})` : ''}` };
  }
  if (spring.status === 'failed') return { agree: true };
  if (spring.status === 'null') {
    return sameJson(preview.json, spring.json) ? { agree: true } : { agree: false, why: `preview left ${preview.json}, Spring ${spring.json}` };
  }
  if (preview.type !== spring.type) return { agree: false, why: `preview ${preview.type} ${preview.json}, Spring ${spring.type} ${spring.json}` };
  if (unstable || COMPARED_BY_TYPE.has(spring.type ?? '') || ORCA_OBJECTS.has(spring.type ?? '') || spring.json === null) return { agree: true };
  return sameJson(preview.json, spring.json) ? { agree: true } : { agree: false, why: `preview ${preview.json}, Spring ${spring.json}` };
}

function sameJson(left: string | null, right: string | null): boolean {
  if (left === null || right === null) return left === right;
  try {
    return canonicalJson(left) === canonicalJson(right);
  } catch {
    return left === right;
  }
}

/** JSON text with object keys sorted and every number kept as written. */
export function canonicalJson(text: string): string {
  let position = 0;
  const skip = () => {
    while (/\s/.test(text.charAt(position))) position++;
  };
  const value = (): string => {
    skip();
    const char = text.charAt(position);
    if (char === '{') {
      position++;
      const entries: Array<[string, string]> = [];
      skip();
      if (text.charAt(position) === '}') {
        position++;
        return '{}';
      }
      for (;;) {
        skip();
        const key = string();
        skip();
        if (text.charAt(position) !== ':') throw new Error(`':' expected at ${position}`);
        position++;
        entries.push([key, value()]);
        skip();
        const next = text.charAt(position++);
        if (next === '}') break;
        if (next !== ',') throw new Error(`',' expected at ${position - 1}`);
      }
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, item]) => `${key}:${item}`).join(',')}}`;
    }
    if (char === '[') {
      position++;
      const items: string[] = [];
      skip();
      if (text.charAt(position) === ']') {
        position++;
        return '[]';
      }
      for (;;) {
        items.push(value());
        skip();
        const next = text.charAt(position++);
        if (next === ']') break;
        if (next !== ',') throw new Error(`',' expected at ${position - 1}`);
      }
      return `[${items.join(',')}]`;
    }
    if (char === '"') return string();
    const match = /^(-?[0-9][0-9.eE+-]*|true|false|null)/.exec(text.slice(position));
    if (match === null) throw new Error(`unexpected ${JSON.stringify(char)} at ${position}`);
    position += match[0].length;
    return match[0];
  };
  const string = (): string => {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(position));
    if (match === null) throw new Error(`string expected at ${position}`);
    position += match[0].length;
    return JSON.stringify(JSON.parse(match[0]));
  };
  const result = value();
  skip();
  if (position !== text.length) throw new Error(`trailing text at ${position}`);
  return result;
}
