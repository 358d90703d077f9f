import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import { JavaRegexError, translateJavaRegex } from './java-regex';
import { describeThrown } from './spel-ast';

/**
 * The regular expressions of a SpEL expression (`text matches 'regex'`, `text.split('regex')`),
 * run with Java's meaning (java-regex.ts) and bounded the way Spring bounds them, so that a
 * catastrophic pattern cannot hang the preview.
 *
 * Spring 5.3 (Orca's: kork pins Spring Boot 2.7.18, that is Spring Framework 5.3.31), in
 * spring-expression/src/main/java/org/springframework/expression/spel/ast/OperatorMatches.java:
 * - `MAX_REGEX_LENGTH = 1000` (5.3.26+, 5.2.23+): a longer regex is refused before it is
 *   compiled, SpelMessage.MAX_REGEX_LENGTH_EXCEEDED (EL1077E).
 * - `PATTERN_ACCESS_THRESHOLD = 1000000` (4.3.17+): the input is wrapped in a CharSequence that
 *   counts `charAt` calls; past the threshold the match stops with SpelMessage.FLAWED_PATTERN
 *   (EL1073E, "Failed to efficiently evaluate pattern '{0}': consider redesigning it").
 * String.split is an ordinary Java method call there: Spring bounds neither its length nor its time.
 *
 * JavaScript cannot count the steps of a match. The match runs instead in a `node:vm` context
 * with a timeout: V8 interrupts a backtracking regex at the deadline. A match that Spring allows
 * (at most a million reads of the text) takes a few milliseconds at most here (`.*foo.*` through
 * 100,000 characters: under 2 ms); the deadline is far above that, so a pattern that reaches it
 * is one Spring would stop too, or one that JavaScript cannot finish while Java can (Java 9+
 * remembers failed positions in some loops, and finishes `(a+)+$` that V8 cannot): the message
 * says so. Running in the context costs about 0.1 ms a match.
 */

/** OperatorMatches.MAX_REGEX_LENGTH (Spring 5.3.26+). */
export const MAX_REGEX_LENGTH = 1000;
/** OperatorMatches.PATTERN_ACCESS_THRESHOLD: reads of the input Spring allows one match. */
export const PATTERN_ACCESS_THRESHOLD = 1_000_000;
/** How long one match or split may run here before it counts as Spring's "flawed pattern". */
export const REGEX_TIMEOUT_MS = 100;
/** How long all the matches and splits of one expression may run together (a selection may match every entry of a list). */
export const REGEX_BUDGET_MS = 500;

/** A failure of a regular expression, with the message Orca would show where it has one. */
export class SpelRegexError extends Error {
  override readonly name = 'SpelRegexError';
}

/** Time left for the regular expressions of one expression; create one per evaluation. */
export class RegexBudget {
  constructor(public remainingMs: number = REGEX_BUDGET_MS) {}
}

/** `matches` is the operator (bounded by Spring); the others are String's methods (String.matches, split, replaceAll, replaceFirst), which Spring does not bound. */
type Operation = 'matches' | 'matchesMethod' | 'split' | 'replace';

/** Runs inside the context: compiled patterns are cached there, inputs come in `__io`. */
const RUNTIME = `
'use strict';
const cache = new Map();
function compile(source, flags) {
  const key = flags + '/' + source;
  let regex = cache.get(key);
  if (regex === undefined) {
    if (cache.size >= 200) cache.clear();
    regex = new RegExp(source, flags);
    cache.set(key, regex);
  }
  regex.lastIndex = 0;
  return regex;
}
function isHigh(code) { return code >= 0xd800 && code <= 0xdbff; }
function isLow(code) { return code >= 0xdc00 && code <= 0xdfff; }
globalThis.__matches = function () {
  const io = globalThis.__io;
  return compile('^(?:' + io.source + ')$', 'v').test(io.input);
};
// Matcher.find() in a loop, as replaceAll and replaceFirst run it: each match with its groups.
globalThis.__find = function () {
  const io = globalThis.__io;
  const input = io.input;
  const regex = compile(io.source, 'gv');
  const found = [];
  let from = 0;
  while (from <= input.length) {
    regex.lastIndex = from;
    const match = regex.exec(input);
    if (match === null) break;
    const end = match.index + match[0].length;
    found.push({ start: match.index, end, groups: Array.from(match, (group) => (group === undefined ? null : group)), named: match.groups ? Object.assign({}, match.groups) : {} });
    if (!io.all) break;
    from = end === match.index ? end + 1 : end;
  }
  return found;
};
// Pattern.split(input, limit), which String.split(regex[, limit]) calls (JDK 17).
globalThis.__split = function () {
  const io = globalThis.__io;
  const input = io.input;
  const limit = io.limit;
  const regex = compile(io.source, 'gv');
  const parts = [];
  let index = 0;
  let from = 0;
  while (from <= input.length) {
    if (from > 0 && from < input.length && isHigh(input.charCodeAt(from - 1)) && isLow(input.charCodeAt(from))) return null;
    regex.lastIndex = from;
    const found = regex.exec(input);
    if (found === null) break;
    const start = found.index;
    const end = start + found[0].length;
    // Matcher.find: after an empty match the next search starts one character later.
    from = end === start ? end + 1 : end;
    // No empty leading substring for a zero-width match at the beginning.
    if (index === 0 && start === 0 && end === 0) continue;
    if (limit > 0 && parts.length >= limit - 1) break;
    parts.push(input.slice(index, start));
    index = end;
  }
  if (index === 0) return [input];
  parts.push(input.slice(index));
  let size = parts.length;
  if (limit === 0) while (size > 0 && parts[size - 1] === '') size--;
  return parts.slice(0, size);
};
`;

interface Sandbox {
  context: vm.Context;
  io: { source: string; input: string; limit: number; all: boolean };
  scripts: Record<Operation, vm.Script>;
}

let sandbox: Sandbox | undefined;

/** One context for the process, made on first use (making it costs milliseconds; each run in it about 0.1 ms). */
function getSandbox(): Sandbox {
  if (sandbox === undefined) {
    const io = { source: '', input: '', limit: 0, all: true };
    const context = vm.createContext({ __io: io }, { name: 'ami-tagger regex', codeGeneration: { strings: false, wasm: false } });
    vm.runInContext(RUNTIME, context);
    sandbox = {
      context,
      io,
      scripts: { matches: new vm.Script('__matches()'), matchesMethod: new vm.Script('__matches()'), split: new vm.Script('__split()'), replace: new vm.Script('__find()') },
    };
  }
  return sandbox;
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

function quoted(regex: string): string {
  return `'${regex}'`;
}

function flawed(operation: Operation, regex: string, spentMs: number, budgetSpent: boolean): SpelRegexError {
  const why = budgetSpent
    ? `the regular expressions of this expression ran for more than ${REGEX_BUDGET_MS} ms in all`
    : `preview gave up after ${Math.round(spentMs)} ms`;
  if (operation === 'matches') {
    return new SpelRegexError(
      `EL1073E: Failed to efficiently evaluate pattern ${quoted(regex)}: consider redesigning it (${why}; Orca's Spring stops a match after ${PATTERN_ACCESS_THRESHOLD.toLocaleString('en-US')} reads of the text, and Java finishes some patterns that JavaScript cannot, so Orca may still evaluate this one)`,
    );
  }
  const [call, method] = operation === 'split' ? ['split()', 'String.split'] : operation === 'replace' ? ['replaceAll() or replaceFirst()', 'String.replaceAll'] : ['matches()', 'String.matches'];
  return new SpelRegexError(`Failed to efficiently evaluate pattern ${quoted(regex)} in ${call}: consider redesigning it (${why}; Orca does not bound ${method}, so this expression may hold up the pipeline)`);
}

function checkLength(operation: Operation, regex: string): void {
  if (regex.length <= MAX_REGEX_LENGTH || operation === 'matchesMethod' || operation === 'replace') return;
  const message = `Regular expression is too long, exceeding the threshold of '${MAX_REGEX_LENGTH}' characters`;
  throw new SpelRegexError(
    operation === 'matches' ? `EL1077E: ${message}` : `${message} (the preview applies Spring's limit for 'matches' to split() too; Orca itself does not limit split)`,
  );
}

function translate(operation: Operation, regex: string): string {
  try {
    return translateJavaRegex(regex).source;
  } catch (error) {
    if (!(error instanceof JavaRegexError)) throw error;
    if (error.kind === 'unsupported') throw new SpelRegexError(`${error.message} (pattern ${quoted(regex)})`);
    // OperatorMatches: PatternSyntaxException -> SpelMessage.INVALID_PATTERN; split() throws the PatternSyntaxException itself.
    throw new SpelRegexError(operation === 'matches' ? `EL1018E: Pattern is not valid ${quoted(regex)}: ${error.message}` : `java.util.regex.PatternSyntaxException: ${error.message} in the pattern ${quoted(regex)}`);
  }
}

function run(operation: Operation, regex: string, input: string, budget: RegexBudget, options: { limit?: number; all?: boolean } = {}): unknown {
  checkLength(operation, regex);
  const source = translate(operation, regex);
  if (budget.remainingMs <= 0) throw flawed(operation, regex, 0, true);
  const box = getSandbox();
  box.io.source = source;
  box.io.input = input;
  box.io.limit = options.limit ?? 0;
  box.io.all = options.all ?? true;
  const timeout = Math.max(1, Math.ceil(Math.min(REGEX_TIMEOUT_MS, budget.remainingMs)));
  const started = performance.now();
  try {
    return box.scripts[operation].runInContext(box.context, { timeout });
  } catch (error) {
    if (isTimeout(error)) throw flawed(operation, regex, performance.now() - started, timeout < REGEX_TIMEOUT_MS);
    // Errors thrown in the context come from its own realm: read their message, not their class.
    throw new SpelRegexError(`the pattern ${quoted(regex)} failed: ${describeThrown(error)}`);
  } finally {
    budget.remainingMs -= performance.now() - started;
    box.io.input = '';
  }
}

/** `input matches regex` as Spring's OperatorMatches: the whole input must match. */
export function javaMatches(input: string, regex: string, budget: RegexBudget): boolean {
  return run('matches', regex, input, budget) === true;
}

/** Java's `input.matches(regex)` (String.matches): the whole input, unbounded by Spring. */
export function javaStringMatches(input: string, regex: string, budget: RegexBudget): boolean {
  return run('matchesMethod', regex, input, budget) === true;
}

/**
 * Java's `input.split(regex, limit)`: no empty leading piece for a zero-width match; a positive
 * limit caps the pieces, 0 (String.split(regex)) drops the trailing empty ones, a negative one keeps them.
 */
export function javaSplit(input: string, regex: string, budget: RegexBudget, limit = 0): string[] {
  const result = run('split', regex, input, budget, { limit });
  if (result === null) {
    throw new SpelRegexError(
      `preview cannot split with the pattern ${quoted(regex)}: it matches the empty text inside a character outside the Basic Multilingual Plane (an emoji, say), which Java splits in two and JavaScript cannot`,
    );
  }
  if (!Array.isArray(result)) throw new SpelRegexError(`the pattern ${quoted(regex)} of split() gave no list`);
  // The array comes from the other context: copy it into this one.
  return Array.from(result, (part) => String(part));
}

interface FoundMatch {
  start: number;
  end: number;
  groups: Array<string | null>;
  named: Record<string, string | undefined>;
}

function isFoundMatch(value: unknown): value is FoundMatch {
  return typeof value === 'object' && value !== null && 'start' in value && 'end' in value && 'groups' in value;
}

/**
 * Java's `input.replaceAll(regex, replacement)` / `replaceFirst`: in the replacement, `$n` and
 * `${name}` are groups and `\x` is x (Matcher.appendReplacement); a bad reference fails as in Java.
 */
export function javaReplace(input: string, regex: string, replacement: string, all: boolean, budget: RegexBudget): string {
  const found = run('replace', regex, input, budget, { all });
  if (!Array.isArray(found)) throw new SpelRegexError(`the pattern ${quoted(regex)} of replaceAll() gave no matches list`);
  let result = '';
  let index = 0;
  for (const match of Array.from(found)) {
    if (!isFoundMatch(match)) continue;
    result += input.slice(index, match.start) + expandReplacement(replacement, Array.from(match.groups), match.named);
    index = match.end;
  }
  return result + input.slice(index);
}

function expandReplacement(replacement: string, groups: Array<string | null>, named: Record<string, string | undefined>): string {
  let out = '';
  for (let position = 0; position < replacement.length; position++) {
    const char = replacement.charAt(position);
    if (char === '\\') {
      position++;
      if (position >= replacement.length) throw new SpelRegexError('java.lang.IllegalArgumentException: character to be escaped is missing');
      out += replacement.charAt(position);
    } else if (char === '$') {
      position++;
      if (position >= replacement.length) throw new SpelRegexError('java.lang.IllegalArgumentException: Illegal group reference: group index is missing');
      if (replacement.charAt(position) === '{') {
        const close = replacement.indexOf('}', position);
        const name = close === -1 ? '' : replacement.slice(position + 1, close);
        if (close === -1 || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new SpelRegexError("java.lang.IllegalArgumentException: named capturing group is missing trailing '}'");
        if (!(name in named)) throw new SpelRegexError(`java.lang.IllegalArgumentException: No group with name {${name}}`);
        out += named[name] ?? '';
        position = close;
      } else {
        const first = replacement.charAt(position);
        if (!/[0-9]/.test(first)) throw new SpelRegexError('java.lang.IllegalArgumentException: Illegal group reference');
        let group = Number(first);
        if (group >= groups.length) throw new SpelRegexError(`java.lang.IndexOutOfBoundsException: No group ${group}`);
        while (position + 1 < replacement.length && /[0-9]/.test(replacement.charAt(position + 1)) && group * 10 + Number(replacement.charAt(position + 1)) < groups.length) {
          position++;
          group = group * 10 + Number(replacement.charAt(position));
        }
        out += groups[group] ?? '';
      }
    } else {
      out += char;
    }
  }
  return out;
}
