import * as v from 'valibot';
import { InputError } from '../errors';
import { didYouMean } from './did-you-mean';
import { clip, show } from './show';

/** A path key longer than this is cut in `where` (a key can be anything a document holds). */
const MAX_PATH_KEY_LENGTH = 40;
/** A library's message about one issue is cut here: it may quote the whole offending value. */
const MAX_ISSUE_MESSAGE_LENGTH = 200;
/** How many expected keys an "unknown key" message lists when none is close to the typo. */
const MAX_LISTED_KEYS = 12;

/** A JSON-path-like name for where a validation issue sits: `detail.responseElements.imageId`, `images[2].region`. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return pathName(issue.path ?? []);
}

function pathName(items: readonly v.IssuePathItem[]): string {
  let path = '';
  for (const item of items) {
    const key: unknown = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else {
      const text = clip(String(key), MAX_PATH_KEY_LENGTH);
      path += /^[\p{L}\p{N}_$-]+$/u.test(text) ? (path === '' ? text : `.${text}`) : `[${show(text, MAX_PATH_KEY_LENGTH)}]`;
    }
  }
  return path === '' ? '(top level)' : path;
}

export interface ParseOptions {
  /** What `where` starts with (a file name, say); `what` when not given. The field's path follows it. */
  where?: string;
  /** What the document calls its keys, for "unknown KEY": "option" in the rules file. Default "key". */
  keyNoun?: string;
}

/**
 * Validates `input` against `schema` and returns the typed value, or throws an InputError whose
 * one-line message tells the first problem (and how many more there are), whose `where` names the
 * field, and whose hint says what to do. A key that a strict object does not know is reported as
 * `unknown key "dryrun"; did you mean "dryRun"?`, the candidates read from the schema itself.
 */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what: string,
  hint: string,
  options: ParseOptions = {},
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const [first, ...rest] = result.issues;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})`;
  throw new InputError(`invalid ${what}: ${describeIssue(schema, first, options.keyNoun ?? 'key')}${more}`, {
    where: `${options.where ?? what}: ${issuePath(first)}`,
    hint,
  });
}

function describeIssue(schema: v.GenericSchema, issue: v.BaseIssue<unknown>, keyNoun: string): string {
  const path = issue.path ?? [];
  const last = path.at(-1);
  if (issue.type === 'strict_object' && last !== undefined && last.origin === 'key') {
    const parent = path.slice(0, -1);
    const key = String(last.key);
    const known = expectedKeys(schema, parent.map((item) => item.key));
    const suggestion = didYouMean(key, known);
    const where = parent.length > 0 ? `${pathName(parent)}: ` : '';
    const advice = suggestion !== undefined ? `; did you mean "${suggestion}"?` : known.length > 0 ? `; expected ${listed(known)}` : '';
    return `${where}unknown ${keyNoun} ${show(key)}${advice}`;
  }
  let message = issue.message;
  // Valibot quotes the received value in full ("... but received "<5 MB>""): cut it to a glimpse.
  if (issue.received.length > 2 * MAX_PATH_KEY_LENGTH) message = message.split(issue.received).join(`${clip(issue.received, 2 * MAX_PATH_KEY_LENGTH)}`);
  return `${issuePath(issue)}: ${clip(message, MAX_ISSUE_MESSAGE_LENGTH)}`;
}

function listed(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_LISTED_KEYS).join(', ');
  return keys.length > MAX_LISTED_KEYS ? `one of ${shown}, ...` : `one of ${shown}`;
}

/** How many schema nodes `expectedKeys` visits at most (schemas are small; this only guards a cycle). */
const MAX_SCHEMA_NODES = 1000;

/**
 * The keys that the object schema(s) at `path` inside `schema` declare. Follows what valibot's
 * schemas expose: `entries` (objects), `wrapped` (optional, nullable, ...), `options` (unions),
 * `item` (arrays), `items` (tuples), `value` (records) and `rest`; a pipe keeps its first schema's fields.
 */
export function expectedKeys(schema: unknown, path: readonly unknown[]): string[] {
  const found = new Set<string>();
  let budget = MAX_SCHEMA_NODES;
  const visit = (node: unknown, depth: number): void => {
    if (budget <= 0 || typeof node !== 'object' || node === null) return;
    budget -= 1;
    const wrapped = field(node, 'wrapped');
    if (wrapped !== undefined) visit(wrapped, depth);
    const options = field(node, 'options');
    if (Array.isArray(options)) for (const option of options) visit(option, depth);
    const entries = field(node, 'entries');
    if (depth === path.length) {
      if (typeof entries === 'object' && entries !== null) for (const key of Object.keys(entries)) found.add(key);
      return;
    }
    const key = path[depth];
    if (typeof entries === 'object' && entries !== null && typeof key === 'string' && Object.hasOwn(entries, key)) visit(field(entries, key), depth + 1);
    const items = field(node, 'items');
    if (Array.isArray(items) && typeof key === 'number') visit(items[key], depth + 1);
    for (const name of ['item', 'value', 'rest']) visit(field(node, name), depth + 1);
  };
  visit(schema, 0);
  return [...found];
}

function field(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, name)) return undefined;
  return (node as Record<string, unknown>)[name];
}
