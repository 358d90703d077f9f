import { SpelExpressionEvaluator, type Spel2jsNode, type Spel2jsState } from 'spel2js';

/**
 * A SpEL expression parsed by spel2js, as a typed tree that lint can read and preview can
 * evaluate. spel2js's nodes keep some facts private (an inline map's entries, whether a `.?`
 * selection takes the first, last or all matches, whether `?.` was used); they are recovered
 * here once, so the rest of ami-tagger works on plain fields.
 */

export type SelectionKind = 'first' | 'last' | 'all';
export type Literal = string | number | boolean | null;

export interface SpelTree {
  /** spel2js's node type: compound, property, indexer, selection, projection, function, method, variable, map, list, string, number, op-eq, ... */
  type: string;
  /** The spel2js node; preview installs Orca's rules on it. */
  node: Spel2jsNode;
  /** spel2js's own evaluation of this node, kept before Orca's rules replace it. */
  spel2jsValue: (state: Spel2jsState) => unknown;
  /** compound: the steps of the chain; function/method: the arguments; list: the elements; selection/projection: the criteria; operators: the operands. */
  children: SpelTree[];
  /** property, variable, function and method names. */
  name?: string;
  literal?: Literal;
  selection?: SelectionKind;
  /** `?.` was used: null stays null instead of failing. */
  nullSafe?: boolean;
  /** Inline maps: each key is a name (`{a: 1}`) or an expression (`{'a': 1}`). */
  entries?: Array<{ key: string | SpelTree; value: SpelTree }>;
}

export class SpelSyntaxError extends Error {
  override readonly name = 'SpelSyntaxError';
}

const LITERAL_TYPES = new Set(['string', 'number', 'boolean', 'null']);

/** A state whose current object is null: spel2js's property and literal nodes answer it without side effects. */
function probeState(): Spel2jsState {
  return { rootContext: null, activeContext: { push: (value: unknown) => value, pop: () => undefined, peek: () => null }, locals: {} };
}

/** What spel2js throws (an object with a message, or a bare string) as text. */
export function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown && typeof thrown.message === 'string') return thrown.message;
  return String(thrown);
}

/**
 * Inline maps are read again from their text (mapEntries), so each level of nesting parses what
 * it holds once more: deeper than this, the cost grows past what a lint or a preview should take.
 */
export const MAX_MAP_NESTING = 32;

export function parseSpel(text: string): SpelTree {
  return parseNested(text, 0);
}

function parseNested(text: string, mapDepth: number): SpelTree {
  let root: Spel2jsNode;
  try {
    root = SpelExpressionEvaluator.compile(withoutNulInLiterals(text))._compiledExpression;
  } catch (thrown) {
    // spel2js rethrows the message of what it caught, a stack overflow included.
    if (thrown instanceof RangeError || describeThrown(thrown) === STACK_OVERFLOW) throw tooDeep(text);
    throw new SpelSyntaxError(`cannot parse ${JSON.stringify(text)}: ${describeThrown(thrown)}`);
  }
  try {
    return toTree(root, text, mapDepth);
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(text);
    throw error;
  }
}

/**
 * spel2js ends a string literal at a NUL character, which Spring reads as any other character.
 * spel2js gets a copy with those NULs replaced (same length, so positions hold); the literals'
 * values are read again from the original text (stringLiteralValue).
 */
function withoutNulInLiterals(text: string): string {
  if (!text.includes('\0')) return text;
  let result = '';
  let position = 0;
  while (position < text.length) {
    const char = text.charAt(position);
    if (char !== "'" && char !== '"') {
      result += char;
      position++;
      continue;
    }
    const end = text.indexOf(char, position + 1);
    const stop = end === -1 ? text.length : end + 1;
    result += text.slice(position, stop).replaceAll('\0', ' ');
    position = stop;
  }
  return result;
}

/** V8's message for a RangeError from a full stack. */
const STACK_OVERFLOW = 'Maximum call stack size exceeded';

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** The stack ran out (spel2js's parser and the tree are recursive): the expression is not read, rather than crashing. */
function tooDeep(text: string): SpelTooDeepError {
  return new SpelTooDeepError(`${excerpt(text)} is nested too deeply for ami-tagger to read`);
}

/** An expression valid for spel2js but nested beyond what ami-tagger reads (see MAX_MAP_NESTING). */
export class SpelTooDeepError extends SpelSyntaxError {}

function isNode(value: unknown): value is Spel2jsNode {
  return typeof value === 'object' && value !== null && 'getType' in value && typeof value.getType === 'function';
}

function nodesIn(value: unknown): Spel2jsNode[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** getRaw() of function and method nodes: { functionName | methodName, args }. */
function callParts(node: Spel2jsNode): { name: string; args: Spel2jsNode[] } {
  const raw: unknown = node.getRaw?.();
  if (typeof raw !== 'object' || raw === null) return { name: '', args: [] };
  const name = 'functionName' in raw ? raw.functionName : 'methodName' in raw ? raw.methodName : '';
  return { name: typeof name === 'string' ? name : '', args: 'args' in raw ? nodesIn(raw.args) : [] };
}

function toTree(node: Spel2jsNode, source: string, mapDepth: number): SpelTree {
  const type = node.getType();
  const spel2jsValue = node.getValue.bind(node);
  const tree: SpelTree = { type, node, spel2jsValue, children: [] };
  switch (type) {
    case 'property': {
      const raw: unknown = node.getRaw?.();
      tree.name = typeof raw === 'string' ? raw : '';
      tree.nullSafe = answersNullWithNull(node);
      break;
    }
    case 'variable': {
      const raw: unknown = node.getRaw?.();
      tree.name = typeof raw === 'string' ? raw : '';
      break;
    }
    case 'function':
    case 'method': {
      const { name, args } = callParts(node);
      tree.name = name;
      tree.children = args.map((arg) => toTree(arg, source, mapDepth));
      if (type === 'method') tree.nullSafe = source.slice(Math.max(0, node.getStartPosition() - 2), node.getStartPosition()) === '?.';
      break;
    }
    case 'list':
      tree.children = nodesIn(node.getRaw?.()).map((element) => toTree(element, source, mapDepth));
      break;
    case 'map':
      tree.entries = mapEntries(node, source, mapDepth + 1);
      break;
    case 'selection':
    case 'projection': {
      tree.children = node.getChildren().map((child) => toTree(child, source, mapDepth));
      if (type === 'selection') tree.selection = selectionKind(source.charAt(node.getStartPosition()));
      tree.nullSafe = source.slice(Math.max(0, node.getStartPosition() - 2), node.getStartPosition()) === '?.';
      break;
    }
    default:
      if (type === 'string') {
        tree.literal = stringLiteralValue(source.slice(node.getStartPosition(), node.getEndPosition())) ?? stringOrNull(node.getValue(probeState()));
      } else if (LITERAL_TYPES.has(type)) {
        const value = node.getValue(probeState());
        tree.literal = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
      } else {
        tree.children = node.getChildren().map((child) => toTree(child, source, mapDepth));
      }
  }
  return tree;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The value of a string literal as Spring reads it: only the delimiting quote is doubled inside
 * (`'a''b'`, `"a""b"`). spel2js un-doubles both kinds in either literal, so `'a""b'` would lose
 * a quote; the literal is read again from its text.
 */
export function stringLiteralValue(literal: string): string | undefined {
  const quote = literal.charAt(0);
  if (literal.length < 2 || (quote !== "'" && quote !== '"') || !literal.endsWith(quote)) return undefined;
  return literal.slice(1, -1).replaceAll(quote + quote, quote);
}

/** spel2js's property node returns null for a null object only when it was written with `?.`. */
function answersNullWithNull(node: Spel2jsNode): boolean {
  try {
    return node.getValue(probeState()) === null;
  } catch {
    return false;
  }
}

/** spel2js marks the token: `.?[` all, `.^[` first, `.$[` last. */
function selectionKind(marker: string): SelectionKind {
  return marker === '^' ? 'first' : marker === '$' ? 'last' : 'all';
}

/**
 * spel2js keeps an inline map's entries to itself; its node knows where the map sits in the
 * text, so the entries are read again from there: split at the top-level commas, each entry at
 * its first top-level colon (a value may hold a `? :`), and each part parsed on its own.
 */
function mapEntries(node: Spel2jsNode, source: string, mapDepth: number): Array<{ key: string | SpelTree; value: SpelTree }> {
  if (mapDepth > MAX_MAP_NESTING) throw new SpelTooDeepError(`inline maps are nested more than ${MAX_MAP_NESTING} deep in ${excerpt(source)}; ami-tagger does not read deeper`);
  const text = source.slice(node.getStartPosition(), node.getEndPosition());
  if (!text.startsWith('{') || !text.endsWith('}')) throw new SpelSyntaxError(`cannot read the inline map in ${JSON.stringify(source)}`);
  const inner = text.slice(1, -1);
  if (inner.trim() === ':') return [];
  return splitTopLevel(inner, ',').map((entry) => {
    const [keyText, valueText] = splitTopLevel(entry, ':', 2);
    if (keyText === undefined || valueText === undefined) throw new SpelSyntaxError(`map entry ${JSON.stringify(entry.trim())} has no ':'`);
    const key = keyText.trim();
    return { key: /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : parseNested(key, mapDepth), value: parseNested(valueText, mapDepth) };
  });
}

const BRACKETS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Splits at `separator` outside brackets and string literals; at most `limit` parts (the last keeps the rest). */
export function splitTopLevel(text: string, separator: string, limit = Number.POSITIVE_INFINITY): string[] {
  const parts: string[] = [];
  const open: string[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, index + 1);
      index = end === -1 ? text.length : end;
    } else if (BRACKETS[char] !== undefined) {
      open.push(BRACKETS[char] ?? '');
    } else if (open.length > 0 && char === open[open.length - 1]) {
      open.pop();
    } else if (open.length === 0 && char === separator && parts.length < limit - 1) {
      // `?:` (Elvis) and `? :` (ternary) belong to the value, not the entry.
      if (separator === ':' && text.slice(0, index).trimEnd().endsWith('?')) continue;
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Every node of the tree, depth first, map entries included. */
export function* walkSpel(tree: SpelTree): Generator<SpelTree> {
  yield tree;
  for (const child of tree.children) yield* walkSpel(child);
  for (const entry of tree.entries ?? []) {
    if (typeof entry.key !== 'string') yield* walkSpel(entry.key);
    yield* walkSpel(entry.value);
  }
}
