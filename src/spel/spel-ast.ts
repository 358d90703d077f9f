import { parseExpression } from './spel-parser';
import { SpelParseError } from './spel-tokenizer';

/**
 * A SpEL expression as a tree that lint reads and the preview evaluates. The tree comes from
 * ami-tagger's own reading of Spring's grammar (spel-tokenizer.ts, spel-parser.ts), which keeps
 * what the evaluation needs and spel2js's tree does not: the type of a number literal (`2` int,
 * `2L` long, `2.0` double, `2f` float), the entries of an inline map, the word forms of
 * operators (`div`, `lt`, `not`), and positions.
 */

export type NodeType =
  | 'compound'
  | 'property'
  | 'indexer'
  | 'selection'
  | 'projection'
  | 'function'
  | 'method'
  | 'variable'
  | 'map'
  | 'list'
  | 'string'
  | 'number'
  | 'boolean'
  | 'null'
  | 'op-plus'
  | 'op-minus'
  | 'op-multiply'
  | 'op-divide'
  | 'op-modulus'
  | 'op-power'
  | 'op-and'
  | 'op-or'
  | 'op-not'
  | 'op-eq'
  | 'op-ne'
  | 'op-lt'
  | 'op-le'
  | 'op-gt'
  | 'op-ge'
  | 'op-inc'
  | 'op-dec'
  | 'matches'
  | 'between'
  | 'instanceof'
  | 'ternary'
  | 'elvis'
  | 'assign'
  | 'typeref'
  | 'constructorref'
  | 'beanref';

export type SelectionKind = 'first' | 'last' | 'all';
export type Literal = string | number | boolean | null;

export interface SpelTree {
  type: NodeType;
  /** Position in the expression text (start of the token that makes the node). */
  start: number;
  end: number;
  /** compound: the steps of the chain; function/method/constructorref: the arguments; list: the elements; selection/projection/indexer: the inner expression; operators: the operands. */
  children: SpelTree[];
  /** property, variable, function, method and bean names; the type name of typeref and constructorref. */
  name?: string;
  /** string, boolean and null literals. */
  literal?: Literal;
  /** number literals: the Java type, the radix and the digits as written (without the L suffix or 0x prefix). */
  numberType?: 'int' | 'long' | 'float' | 'double';
  radix?: 10 | 16;
  source?: string;
  selection?: SelectionKind;
  /** `?.` was used: null stays null instead of failing. */
  nullSafe?: boolean;
  /** Inline maps: each key is a name (`{a: 1}`) or an expression (`{'a': 1}`). */
  entries?: Array<{ key: string | SpelTree; value: SpelTree }>;
  /** typeref: `T(String[])` has 1; constructorref: the array dimensions of `new int[3]`. */
  dimensions?: number;
  arrayConstructor?: boolean;
  /** op-inc, op-dec: `a++` rather than `++a`. */
  postfix?: boolean;
}

export class SpelSyntaxError extends Error {
  override readonly name = 'SpelSyntaxError';
}

/** An expression valid for Spring but nested beyond what ami-tagger reads (see MAX_NESTING_DEPTH). */
export class SpelTooDeepError extends SpelSyntaxError {}

/**
 * How deep an expression's tree may be. Orca evaluates deeper ones (Java's stack is the limit
 * there); ami-tagger stops here, so that reading and evaluating stay quick and never exhaust the
 * stack. Real expressions are a few levels deep.
 */
export const MAX_NESTING_DEPTH = 200;

/** What was thrown, as text. */
export function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown && typeof thrown.message === 'string') return thrown.message;
  return String(thrown);
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

function depthOf(tree: SpelTree): number {
  let deepest = 0;
  const stack: Array<[SpelTree, number]> = [[tree, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [SpelTree, number];
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_NESTING_DEPTH) return deepest;
    for (const child of node.children) stack.push([child, depth + 1]);
    for (const entry of node.entries ?? []) {
      if (typeof entry.key !== 'string') stack.push([entry.key, depth + 1]);
      stack.push([entry.value, depth + 1]);
    }
  }
  return deepest;
}

/** Parses one expression (the text between `${` and `}`, as Spring parses it). */
export function parseSpel(text: string): SpelTree {
  let tree: SpelTree;
  try {
    tree = parseExpression(text);
  } catch (thrown) {
    if (thrown instanceof RangeError) throw new SpelTooDeepError(`${excerpt(text)} is nested too deeply for ami-tagger to read`);
    if (thrown instanceof SpelParseError) throw new SpelSyntaxError(`cannot parse ${JSON.stringify(text)}: ${thrown.message} (at character ${thrown.position})`);
    throw thrown;
  }
  if (depthOf(tree) > MAX_NESTING_DEPTH) throw new SpelTooDeepError(`${excerpt(text)} is nested more than ${MAX_NESTING_DEPTH} levels deep; ami-tagger does not read deeper`);
  return tree;
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
