/**
 * Orca's template syntax (Spring's TemplateParserContext with `${` and `}`): a string is literal
 * text with `${ ... }` expressions in it. The end of an expression is the first `}` outside
 * brackets and string literals, as Spring finds it, so `${ {'a': 1} }` and `${#stage('a}b')}`
 * are one expression each.
 */

export type TemplateSegment = { kind: 'text'; text: string } | { kind: 'expression'; body: string; start: number; end: number };

export type TemplateParse = { ok: true; segments: TemplateSegment[] } | { ok: false; reason: string };

export const EXPRESSION_PREFIX = '${';
export const EXPRESSION_SUFFIX = '}';

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
const CLOSERS = new Set(['}', ']', ')']);

export function hasExpression(text: string): boolean {
  return text.includes(EXPRESSION_PREFIX);
}

export function parseTemplate(text: string): TemplateParse {
  const segments: TemplateSegment[] = [];
  let position = 0;
  while (position < text.length) {
    const start = text.indexOf(EXPRESSION_PREFIX, position);
    if (start === -1) break;
    if (start > position) segments.push({ kind: 'text', text: text.slice(position, start) });
    const bodyStart = start + EXPRESSION_PREFIX.length;
    const end = findExpressionEnd(text, bodyStart);
    if (typeof end === 'string') return { ok: false, reason: end };
    const body = text.slice(bodyStart, end);
    if (body.trim() === '') return { ok: false, reason: `no expression inside \${} at character ${start}` };
    segments.push({ kind: 'expression', body, start, end: end + EXPRESSION_SUFFIX.length });
    position = end + EXPRESSION_SUFFIX.length;
  }
  if (position < text.length) segments.push({ kind: 'text', text: text.slice(position) });
  return { ok: true, segments };
}

/** A whole-field expression (`${...}` and nothing else) keeps its type; anything else is text. */
export function isWholeField(segments: readonly TemplateSegment[]): segments is [TemplateSegment & { kind: 'expression' }] {
  return segments.length === 1 && segments[0]?.kind === 'expression';
}

/** Index of the closing `}`, or why there is none. */
function findExpressionEnd(text: string, from: number): number | string {
  const expected: string[] = [];
  let position = from;
  while (position < text.length) {
    const char = text.charAt(position);
    if (expected.length === 0 && char === EXPRESSION_SUFFIX) return position;
    const closer = OPENERS[char];
    if (closer !== undefined) {
      expected.push(closer);
    } else if (CLOSERS.has(char)) {
      const want = expected.pop();
      if (want !== char) return `'${char}' at character ${position} closes nothing${want ? ` (expected '${want}')` : ''}`;
    } else if (char === "'" || char === '"') {
      const literalEnd = text.indexOf(char, position + 1);
      if (literalEnd === -1) return `string literal opened at character ${position} is never closed`;
      position = literalEnd;
    }
    position++;
  }
  return `no closing '}' for the expression that starts at character ${from - EXPRESSION_PREFIX.length}`;
}
