import type { Spel2jsStack, Spel2jsState } from 'spel2js';
import { javaMatches, javaSplit, RegexBudget } from './bounded-regex';
import { isRecord, ownValue } from './json';
import type { OrcaFunction } from './orca-functions';
import { describeThrown, parseSpel, type SpelTree } from './spel-ast';

/**
 * Evaluates a SpEL expression the way Orca does, on spel2js's syntax tree. spel2js is Deck's
 * preview engine and differs from Orca (spinnaker-facts.md): a missing key throws there but is
 * null in Orca; an index past the end is undefined there but an error in Orca; Orca refuses
 * method calls on maps. Those steps of the tree are replaced by Orca's behaviour; the rest
 * (operators, literals, lists, functions) is spel2js's own, except where Spring 5.3 sets limits that
 * spel2js lacks: the length of an expression, of a regular expression and of a match
 * (bounded-regex.ts), of repeated and of concatenated text.
 */

// Limits of spring-expression 5.3 (Orca's: kork pins Spring Boot 2.7.18, that is Spring Framework
// 5.3.31), in spring-expression/src/main/java/org/springframework/expression/spel/.

/**
 * SpelParserConfiguration.DEFAULT_MAX_EXPRESSION_LENGTH (5.3.27+): a longer expression is not
 * parsed, SpelMessage.MAX_EXPRESSION_LENGTH_EXCEEDED (EL1079E). Orca keeps it unless
 * `expression.max-expression-length` is set (kork ExpressionProperties, Orca PipelineExpressionEvaluator).
 */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** ast/OpMultiply.MAX_REPEATED_TEXT_SIZE (5.3.26+): `'ab' * 129` is refused, SpelMessage.MAX_REPEATED_TEXT_SIZE_EXCEEDED (EL1076E). */
export const MAX_REPEATED_TEXT_SIZE = 256;
/** ast/OpPlus.MAX_CONCATENATED_STRING_LENGTH (5.3.27+): SpelMessage.MAX_CONCATENATED_STRING_LENGTH_EXCEEDED (EL1078E). */
export const MAX_CONCATENATED_STRING_LENGTH = 100_000;

export class OrcaEvaluationError extends Error {
  override readonly name = 'OrcaEvaluationError';
}

export interface EvaluationScope {
  /** The root object: the stage context merged with `execution`, `trigger` and earlier outputs. */
  root: Record<string, unknown>;
  functions: Record<string, OrcaFunction>;
}

export type SpelOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

class ValueStack implements Spel2jsStack {
  private readonly values: unknown[];
  constructor(first: unknown) {
    this.values = [first];
  }
  push(value: unknown): unknown {
    this.values.push(value);
    return value;
  }
  pop(): unknown {
    return this.values.pop();
  }
  peek(): unknown {
    return this.values[this.values.length - 1];
  }
}

/** Parses and evaluates `body` (the text between `${` and `}`); never throws. */
export function evaluateSpel(body: string, scope: EvaluationScope): SpelOutcome {
  // InternalSpelExpressionParser.checkExpressionLength: each `${...}` of a template on its own.
  if (body.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, reason: `EL1079E: SpEL expression is too long, exceeding the threshold of '${MAX_EXPRESSION_LENGTH}' characters` };
  }
  try {
    const tree = parseSpel(body);
    installOrcaRules(tree, new RegexBudget());
    const state: Spel2jsState = { rootContext: scope.root, activeContext: new ValueStack(scope.root), locals: { ...scope.functions } };
    return { ok: true, value: normalize(tree.node.getValue(state)) };
  } catch (thrown) {
    return { ok: false, reason: describeThrown(thrown) };
  }
}

function normalize(value: unknown): unknown {
  return value === undefined ? null : value;
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a map';
  return `a ${typeof value}`;
}

function current(state: Spel2jsState): unknown {
  return state.activeContext.peek();
}

/** Replaces spel2js's evaluation of the steps where Orca behaves differently, everywhere in the tree. */
export function installOrcaRules(tree: SpelTree, budget: RegexBudget = new RegexBudget()): void {
  for (const child of tree.children) installOrcaRules(child, budget);
  for (const entry of tree.entries ?? []) {
    if (typeof entry.key !== 'string') installOrcaRules(entry.key, budget);
    installOrcaRules(entry.value, budget);
  }
  const rule = ruleFor(tree, budget);
  if (rule !== undefined) tree.node.getValue = rule;
}

function operands(tree: SpelTree, state: Spel2jsState): [unknown, unknown] {
  const [left, right] = tree.children;
  return [normalize(left?.node.getValue(state)), normalize(right?.node.getValue(state))];
}

function ruleFor(tree: SpelTree, budget: RegexBudget): ((state: Spel2jsState) => unknown) | undefined {
  switch (tree.type) {
    case 'matches':
      return (state) => {
        const [input, regex] = operands(tree, state);
        // OperatorMatches: the left operand converted to a String, the right one a String as it is.
        if (input === null) throw new OrcaEvaluationError("EL1037E: First operand to matches operator must be a string. 'null' is not");
        if (typeof regex !== 'string') throw new OrcaEvaluationError(`EL1038E: Second operand to matches operator must be a string. '${describeValue(regex)}' is not`);
        return javaMatches(asMatchInput(input), regex, budget);
      };
    case 'op-multiply':
      return (state) => multiply(...operands(tree, state));
    case 'op-plus':
      return (state) => {
        const value = tree.spel2jsValue(state);
        if (typeof value === 'string' && value.length > MAX_CONCATENATED_STRING_LENGTH) {
          throw new OrcaEvaluationError(`EL1078E: Concatenated string is too long, exceeding the threshold of '${MAX_CONCATENATED_STRING_LENGTH}' characters`);
        }
        return value;
      };
    case 'string':
      // spel2js un-doubles both kinds of quotes in a literal; spel-ast.ts read it as Spring does.
      return () => tree.literal ?? null;
    case 'property':
      return (state) => readProperty(current(state), tree.name ?? '', tree.nullSafe === true);
    case 'compound':
      return (state) => {
        let pushed = 0;
        try {
          for (const step of tree.children) {
            state.activeContext.push(normalize(step.node.getValue(state)));
            pushed++;
          }
          return current(state);
        } finally {
          for (; pushed > 0; pushed--) state.activeContext.pop();
        }
      };
    case 'indexer':
      // spel2js's indexer node yields the index itself (evaluated against the root, as in Spring); the lookup is Orca's.
      return (state) => indexInto(current(state), normalize(tree.spel2jsValue(state)));
    case 'selection':
      return (state) => select(tree, state);
    case 'projection':
      return (state) => {
        const collection = current(state);
        if (collection === null || collection === undefined) {
          if (tree.nullSafe) return null;
          throw new OrcaEvaluationError('cannot project (.![...]) from null');
        }
        return tree.spel2jsValue(state);
      };
    case 'method':
      return (state) => callMethod(tree, state, budget);
    case 'map':
      return (state) => {
        const map: Record<string, unknown> = {};
        for (const entry of tree.entries ?? []) {
          const key = typeof entry.key === 'string' ? entry.key : String(normalize(entry.key.node.getValue(state)));
          map[key] = normalize(entry.value.node.getValue(state));
        }
        return map;
      };
    case 'function':
      return (state) => {
        const name = tree.name ?? '';
        if (!Object.prototype.hasOwnProperty.call(state.locals, name)) throw new OrcaEvaluationError(`function #${name} is not one of Orca's helper functions`);
        return normalize(tree.spel2jsValue(state));
      };
    default:
      return undefined;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describeType(value);
}

/** The left operand of `matches` as Spring converts it to a String (strings, numbers, booleans; the rest is refused here). */
function asMatchInput(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new OrcaEvaluationError(`preview does not turn ${describeType(value)} into text for matches the way Java would; match a string`);
}

/**
 * OpMultiply: numbers as spel2js multiplies them; text times an int repeats the text, refused
 * past MAX_REPEATED_TEXT_SIZE characters. Spring computes the size as a Java int, so a size that
 * wraps around passes its check and then fails (negative) or runs out of memory (huge).
 */
function multiply(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left * right;
  if (typeof left === 'string' && typeof right === 'number' && Number.isInteger(right) && right >= -2147483648 && right <= 2147483647) {
    const requested = Math.imul(left.length, right);
    if (requested > MAX_REPEATED_TEXT_SIZE) {
      throw new OrcaEvaluationError(`EL1076E: Repeated text is too long, exceeding the threshold of '${MAX_REPEATED_TEXT_SIZE}' characters`);
    }
    if (requested < 0) throw new OrcaEvaluationError(`repeating text ${right} times fails in Orca (java.lang.NegativeArraySizeException: ${requested})`);
    if (left.length * right > MAX_REPEATED_TEXT_SIZE) {
      throw new OrcaEvaluationError(`repeating ${left.length} characters ${right} times wraps Java's int size check; Orca would run out of memory`);
    }
    return right <= 0 ? '' : left.repeat(right);
  }
  throw new OrcaEvaluationError(`EL1030E: The operator 'MULTIPLY' is not supported between objects of type '${describeType(left)}' and '${describeType(right)}'`);
}

/** Orca reads map keys as properties; an unknown key is null (MapPropertyAccessor with allowUnknownKeys). */
function readProperty(target: unknown, name: string, nullSafe: boolean): unknown {
  if (target === null || target === undefined) {
    if (nullSafe) return null;
    throw new OrcaEvaluationError(`property '${name}' cannot be read on null`);
  }
  if (isRecord(target)) return normalize(ownValue(target, name));
  if (Array.isArray(target)) {
    throw new OrcaEvaluationError(`property '${name}' cannot be read on a list: pick an entry by region (.^[region == '...']) or by [index]`);
  }
  throw new OrcaEvaluationError(`property '${name}' cannot be found on ${describeType(target)}`);
}

/** Spring's Indexer: lists by integer (an index past the end fails), maps by key (unknown is null), strings by character. */
function indexInto(target: unknown, index: unknown): unknown {
  if (target === null || target === undefined) throw new OrcaEvaluationError('cannot index into a null value');
  if (Array.isArray(target) || typeof target === 'string') {
    const position = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : Number.NaN;
    if (!Number.isInteger(position)) throw new OrcaEvaluationError(`cannot index ${describeType(target)} with ${JSON.stringify(index)}`);
    if (position < 0 || position >= target.length) {
      throw new OrcaEvaluationError(`index ${position} is out of range: ${describeType(target)} has ${target.length} ${Array.isArray(target) ? 'entries' : 'characters'}`);
    }
    return Array.isArray(target) ? normalize(target[position]) : target.charAt(position);
  }
  if (isRecord(target)) return typeof index === 'string' ? normalize(ownValue(target, index)) : null;
  throw new OrcaEvaluationError(`cannot index into ${describeType(target)}`);
}

function select(tree: SpelTree, state: Spel2jsState): unknown {
  const collection = current(state);
  const criteria = tree.children[0];
  if (collection === null || collection === undefined) {
    if (tree.nullSafe) return null;
    throw new OrcaEvaluationError('cannot select (.?[...], .^[...]) from null');
  }
  if (!Array.isArray(collection) || criteria === undefined) {
    if (isRecord(collection)) return tree.spel2jsValue(state);
    throw new OrcaEvaluationError(`cannot select from ${describeType(collection)}`);
  }
  const matches = collection.filter((element) => {
    state.activeContext.push(element);
    try {
      const verdict = normalize(criteria.node.getValue(state));
      if (typeof verdict !== 'boolean') throw new OrcaEvaluationError(`the selection criteria must be true or false, got ${describeType(verdict)}`);
      return verdict;
    } finally {
      state.activeContext.pop();
    }
  });
  if (tree.selection === 'all') return matches;
  const picked = tree.selection === 'first' ? matches[0] : matches[matches.length - 1];
  return picked === undefined ? null : picked;
}

/** Java String methods Orca allows, as JavaScript. */
const STRING_METHODS: Record<string, (text: string, args: unknown[], budget: RegexBudget) => unknown> = {
  length: (text) => text.length,
  isEmpty: (text) => text.length === 0,
  toUpperCase: (text) => text.toUpperCase(),
  toLowerCase: (text) => text.toLowerCase(),
  trim: (text) => text.trim(),
  contains: (text, [part]) => text.includes(String(part)),
  startsWith: (text, [part]) => text.startsWith(String(part)),
  endsWith: (text, [part]) => text.endsWith(String(part)),
  equals: (text, [other]) => text === other,
  equalsIgnoreCase: (text, [other]) => typeof other === 'string' && text.toLowerCase() === other.toLowerCase(),
  indexOf: (text, [part]) => text.indexOf(String(part)),
  substring: (text, [from, to]) => text.substring(Number(from), to === undefined ? undefined : Number(to)),
  // Java's replace(CharSequence, CharSequence) is literal: a function keeps JavaScript from reading `$&` in the replacement.
  replace: (text, [from, to]) => text.replaceAll(String(from), () => String(to)),
  split: (text, [pattern], budget) => javaSplit(text, String(pattern), budget),
};

const LIST_METHODS: Record<string, (list: unknown[], args: unknown[]) => unknown> = {
  size: (list) => list.length,
  isEmpty: (list) => list.length === 0,
  contains: (list, [item]) => list.includes(item),
};

function callMethod(tree: SpelTree, state: Spel2jsState, budget: RegexBudget): unknown {
  const target = current(state);
  const name = tree.name ?? '';
  if (target === null || target === undefined) {
    if (tree.nullSafe) return null;
    throw new OrcaEvaluationError(`method ${name}() cannot be called on null`);
  }
  if (isRecord(target)) {
    throw new OrcaEvaluationError(`method ${name}() cannot be called on a map: Orca refuses method calls on maps; use ['key'] or .key`);
  }
  // Arguments are evaluated against the root object, as Spring does.
  const saved = state.activeContext;
  state.activeContext = new ValueStack(state.rootContext);
  let args: unknown[];
  try {
    args = tree.children.map((arg) => normalize(arg.node.getValue(state)));
  } finally {
    state.activeContext = saved;
  }
  const method = typeof target === 'string' ? STRING_METHODS[name] : undefined;
  if (typeof target === 'string' && method !== undefined) return method(target, args, budget);
  const listMethod = Array.isArray(target) ? LIST_METHODS[name] : undefined;
  if (Array.isArray(target) && listMethod !== undefined) return listMethod(target, args);
  throw new OrcaEvaluationError(`method ${name}() cannot be called on ${describeType(target)}`);
}
