import { closeSync, openSync, readSync } from 'node:fs';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type ParsedNode, type Scalar, visit } from 'yaml';
import { InputError } from '../errors';
import { clip } from '../validation/show';
import { checkRegexSafety } from './regex-safety';
import { parseRules, type Rules } from './rules';

/**
 * The largest rules file read. The shipped one is about 2 KB; 50 tags with the longest keys and
 * values EC2 takes, and comments, fit in about 40 KB. Anything much bigger is not a rules file
 * (a wrong path, a generated file gone wrong), and parsing it would only cost time and memory.
 */
export const MAX_RULES_FILE_BYTES = 256 * 1024;
/**
 * How many nodes YAML aliases (`*name`) may expand to in all. A rules file has no need of many;
 * the bound turns a "billion laughs" document into an error instead of exhausting memory.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

const FILE_HINT = 'pass the path of an existing YAML rules file (see README, "Rules file")';

/**
 * Reads, parses (YAML or JSON) and validates a rules file. Used by the CLI and at package time
 * (serverless/rules.cjs), so it also refuses a nameMatch that could backtrack catastrophically.
 */
export function loadRulesFile(path: string): Rules {
  const rules = parseRulesText(readRulesText(path), path);
  if (rules.nameMatch !== undefined) checkRegexSafety(rules.nameMatch, `${path}: nameMatch`);
  return rules;
}

/** At most MAX_RULES_FILE_BYTES of the file, as UTF-8 text; refuses a bigger file, whatever kind it is. */
function readRulesText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(`cannot read rules file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: path, hint: FILE_HINT });
  }
  try {
    const buffer = Buffer.alloc(MAX_RULES_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
      if (read === 0 || length === buffer.length) break;
    }
    if (length > MAX_RULES_FILE_BYTES) {
      throw new InputError(`rules file is larger than ${MAX_RULES_FILE_BYTES / 1024} KiB`, { where: `${path}: (whole file)`, hint: `${FILE_HINT}; a rules file is a few KB` });
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read rules file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: path, hint: FILE_HINT });
  } finally {
    closeSync(fd);
  }
}

/**
 * Parses the text of a rules file (YAML, or JSON, which is YAML) and validates it. The values and
 * keys under `tags` are taken as the text written: YAML would read `0x1F` as 31, `01234` as 1234,
 * `1.10` as 1.1 and `True` as true, none of which is what a tag should say. The other options keep
 * their YAML types (`dryRun: true` is a boolean).
 */
export function parseRulesText(text: string, where: string): Rules {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: sameKey });
  const [first] = document.errors;
  if (first) {
    const line = first.linePos?.[0];
    throw new InputError(`rules file is not valid YAML: ${clip(first.message.split('\n')[0] ?? '', 200)}`, {
      where: line ? `${where}:${line.line}:${line.col}` : where,
      hint: 'fix the YAML syntax at that position',
    });
  }
  refuseCollectionKeys(document, where);
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const aliases = /alias/i.test((error as Error).message);
    throw new InputError(aliases ? `rules file expands YAML aliases too far (more than ${MAX_YAML_ALIAS_COUNT} nodes)` : `rules file cannot be read: ${clip((error as Error).message, 200)}`, {
      where: `${where}: (whole file)`,
      hint: aliases ? 'write the values out instead of repeating anchors (&name) through aliases (*name)' : 'fix the YAML at that position',
    });
  }
  const tags = isMap(document.contents) ? resolve(document, document.contents.get('tags', true)) : undefined;
  if (isMap(tags) && typeof data === 'object' && data !== null && !Array.isArray(data)) {
    data = { ...data, tags: tagsAsWritten(document, tags.items, where) };
  }
  return parseRules(data, where);
}

/** A list or mapping used as a key (`? [a, b]`) is no option and no tag key; JavaScript objects could only stringify it. */
function refuseCollectionKeys(document: Document, where: string): void {
  visit(document, {
    Pair(_index, pair, path) {
      const key = resolve(document, pair.key);
      if (key === null || isScalar(key)) return;
      const fields = path.filter(isPair).map((parent) => (isScalar(parent.key) ? String(scalarText(parent.key)) : '?'));
      const field = fields.length === 0 ? '(top level)' : clip(fields.join('.'), 80);
      throw new InputError(`${fields.at(-1) === 'tags' ? 'tags has a key' : 'rules file has a key'} that is not text (a list or mapping)`, {
        where: `${where}: ${field}`,
        hint: 'each entry is "key: value" with a text key',
      });
    },
  });
}

function resolve(document: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

/** Builds the `tags` mapping from the YAML nodes: each key and value the text it was written as. */
function tagsAsWritten(document: Document, pairs: ReadonlyArray<{ key: unknown; value: unknown }>, where: string): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const pair of pairs) {
    const keyNode = resolve(document, pair.key);
    const key = isScalar(keyNode) ? scalarText(keyNode) : undefined;
    if (key === undefined) {
      throw new InputError(`tags has a key that is not text (${isScalar(keyNode) ? 'empty or null' : 'a list or mapping'})`, {
        where: `${where}: tags`,
        hint: 'each tag is "Key: value" with a text key; quote a key such as "null" or "~" if you mean that text',
      });
    }
    const valueNode = resolve(document, pair.value);
    // A list or mapping is passed on as one, for parseRules to refuse with the key named.
    const value = isScalar(valueNode) ? (scalarText(valueNode) ?? null) : isSeq(valueNode) ? [] : isMap(valueNode) ? {} : null;
    entries.push([key, value]);
  }
  return Object.fromEntries(entries);
}

/** A scalar as written: a plain scalar's source text, a quoted or block scalar's string; undefined for null. */
function scalarText(node: Scalar): string | undefined {
  if (node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source;
  return String(node.value);
}

/** Keys are the same when their text is: `1.10` and `1.1` are two tag keys, not one written twice. */
function sameKey(a: ParsedNode, b: ParsedNode): boolean {
  if (a === b) return true;
  // A list or mapping as a key is refused later (tags) or reported as an unknown option.
  return isScalar(a) && isScalar(b) && scalarText(a) === scalarText(b);
}
