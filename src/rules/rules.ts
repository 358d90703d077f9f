import * as v from 'valibot';
import { InputError } from '../errors';
import { isReservedKey, MAX_KEY_LENGTH, MAX_TAGS_PER_RESOURCE, MAX_VALUE_LENGTH, PORTABLE_TAG_CHARACTERS, tagProblem } from '../model/tag-limits';
import { didYouMean } from '../validation/did-you-mean';
import { parseOrThrow } from '../validation/parse';
import { clip, codePoints, show } from '../validation/show';
import { FACT_NAMES, FACT_PREFIXES, isKnownFact, PLACEHOLDER, placeholdersOf } from './placeholders';

/**
 * The tag rules file (`ami-tagger.yml`): which tags an image and its snapshots should carry.
 * Every option has a default here, in one place; README "Rules file" documents them.
 */
export interface Rules {
  /** Tag key -> value template; values may use {placeholders}. Written in this order. */
  tags: Record<string, string>;
  /** A regex with named groups matched against the image name; groups become {name.GROUP}. */
  nameMatch?: string;
  /** CopyImage: the copy also gets the source image's tags (read in the source region). */
  copySourceTags: boolean;
  snapshots: {
    /** Tag the image's EBS snapshots too. */
    tag: boolean;
    /** Snapshots get all of the image's tags (what the bake wrote included), not only the rules' tags. */
    copyImageTags: boolean;
  };
  /** Replace a tag that already has another value: false (never), true (always), or a list of keys. */
  overwrite: boolean | string[];
  /** Plan and report without writing. */
  dryRun: boolean;
  /** Refuse characters outside what IAM policies and most tools accept: letters, digits, spaces, + - = . _ : / @ */
  strictCharacters: boolean;
  /**
   * Backfill also tags each image's view in the accounts it is shared with (tags do not travel
   * with a shared AMI), in the accounts of the allow-list, through the member role.
   */
  shareTargets: boolean;
}

export const DEFAULT_RULES: Rules = {
  tags: {
    ManagedBy: 'ami-tagger',
    CreatedBy: '{creator.principal}',
    CreatedAt: '{image.creationDate}',
  },
  copySourceTags: true,
  snapshots: { tag: true, copyImageTags: true },
  overwrite: false,
  dryRun: false,
  strictCharacters: true,
  shareTargets: false,
};

/**
 * The longest nameMatch accepted. An AMI name is at most 128 characters; a pattern with a few
 * named groups for it fits in well under 100, and the bound keeps both matching and the ReDoS
 * check at load (whose cost grows with the pattern) small.
 */
export const MAX_NAME_MATCH_LENGTH = 256;

/**
 * Tag keys that are names every JavaScript object already answers to (`toString`, `constructor`,
 * `__proto__`, ...), and `prototype`. A tag map read with `tags[key]` would "have" them on every
 * image, and some JSON and schema code drops them silently, so the rules refuse them outright.
 */
const OBJECT_PROPERTY_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const RulesSchema = v.strictObject({
  // Checked by parseTags: valibot's record would take a list (as keys "0", "1", ...) and drop prototype names.
  tags: v.optional(v.unknown()),
  nameMatch: v.optional(
    v.pipe(
      v.string('nameMatch must be text: a regular expression with named groups'),
      v.maxLength(MAX_NAME_MATCH_LENGTH, `nameMatch is longer than ${MAX_NAME_MATCH_LENGTH} characters`),
    ),
  ),
  copySourceTags: v.optional(v.boolean()),
  snapshots: v.optional(v.strictObject({ tag: v.optional(v.boolean()), copyImageTags: v.optional(v.boolean()) })),
  overwrite: v.optional(v.union([v.boolean(), v.array(v.string())], 'overwrite must be true, false or a list of tag keys')),
  dryRun: v.optional(v.boolean()),
  strictCharacters: v.optional(v.boolean()),
  shareTargets: v.optional(v.boolean()),
});

const RULES_HINT = 'see README, "Rules file", for the options and the placeholders';
const TAGS_EXAMPLE = 'tags:\n    ManagedBy: ami-tagger\n    CreatedBy: "{creator.principal}"';
const NAME_MATCH_EXAMPLE = "nameMatch: '^(?<app>[a-z][a-z0-9-]*)-(?<version>\\d[\\w.]*)-'";

/** Validates a parsed rules document (from YAML or JSON) and fills in the defaults. */
export function parseRules(document: unknown, where: string): Rules {
  if (document === null || document === undefined) return structuredClone(DEFAULT_RULES);
  const raw = parseOrThrow(RulesSchema, document, `rules file ${where}`, RULES_HINT, { where, keyNoun: 'option' });
  const rules: Rules = {
    tags: raw.tags === undefined ? { ...DEFAULT_RULES.tags } : parseTags(raw.tags, where),
    copySourceTags: raw.copySourceTags ?? DEFAULT_RULES.copySourceTags,
    snapshots: { ...DEFAULT_RULES.snapshots, ...raw.snapshots },
    overwrite: raw.overwrite ?? DEFAULT_RULES.overwrite,
    dryRun: raw.dryRun ?? DEFAULT_RULES.dryRun,
    strictCharacters: raw.strictCharacters ?? DEFAULT_RULES.strictCharacters,
    shareTargets: raw.shareTargets ?? DEFAULT_RULES.shareTargets,
  };
  if (raw.nameMatch !== undefined) rules.nameMatch = raw.nameMatch;
  const groups = nameMatchGroups(rules.nameMatch, where);
  for (const [key, template] of Object.entries(rules.tags)) checkTag(rules, key, template, groups, where);
  return rules;
}

/** Where a tag sits, for `where`: `r.yml: tags.Team`, or `r.yml: tags["a key"]` for an unusual key. */
export function tagField(where: string, key: string): string {
  return /^[\p{L}\p{N}_-]{1,40}$/u.test(key) ? `${where}: tags.${key}` : `${where}: tags[${show(key, 40)}]`;
}

/**
 * `tags` as the rules hold it: a mapping of text keys to text values, built as a fresh plain
 * object with Object.fromEntries (so even a key that JavaScript treats specially would be an own,
 * ordinary property; such keys are refused in checkTag anyway). JSON numbers and booleans become
 * their text; a YAML file keeps what was written (see load.ts).
 */
function parseTags(input: unknown, where: string): Record<string, string> {
  const field = `${where}: tags`;
  if (input === null) {
    throw new InputError('tags is empty: it lists no tag', { where: field, hint: `list the tags under it (${TAGS_EXAMPLE}), or leave tags out for the defaults` });
  }
  if (Array.isArray(input)) {
    throw new InputError('tags must be a mapping of tag key to value, not a list', { where: field, hint: `write each tag as "Key: value" under tags, e.g.\n  ${TAGS_EXAMPLE}` });
  }
  if (typeof input !== 'object' || !isPlainObject(input)) {
    throw new InputError(`tags must be a mapping of tag key to value, not ${describeType(input)}`, { where: field, hint: `e.g.\n  ${TAGS_EXAMPLE}` });
  }
  const keys = Reflect.ownKeys(input);
  if (keys.length > MAX_TAGS_PER_RESOURCE) {
    throw new InputError(`tags lists ${keys.length} tags; EC2 allows ${MAX_TAGS_PER_RESOURCE} on an image or snapshot`, {
      where: field,
      hint: `keep at most ${MAX_TAGS_PER_RESOURCE}, fewer if the bake tags the image too (its tags count toward the limit)`,
    });
  }
  const entries: Array<[string, string]> = [];
  for (const key of keys) {
    if (typeof key !== 'string') throw new InputError('tags has a key that is not text', { where: field, hint: 'tag keys are text, e.g. ManagedBy' });
    // The descriptor, not input[key]: no getter runs, and an inherited name never answers.
    const value: unknown = Object.getOwnPropertyDescriptor(input, key)?.value;
    if (typeof value === 'string') entries.push([key, value]);
    else if (typeof value === 'number' || typeof value === 'boolean') entries.push([key, String(value)]);
    else if (value === null || value === undefined) {
      throw new InputError(`tag ${show(key)} has no value`, { where: tagField(where, key), hint: 'give it a value, e.g. "ami-tagger" or "{creator.principal}"; write "null" in quotes if you mean that text' });
    } else {
      throw new InputError(`tag ${show(key)}: the value must be text, not ${describeType(value)}`, { where: tagField(where, key), hint: 'a tag value is one line of text, which may use {placeholders}' });
    }
  }
  return Object.fromEntries(entries);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** EC2 counts Unicode characters; a text longer than twice the limit in UTF-16 units is over it anyway. */
function head(text: string, limit: number): string {
  return text.slice(0, 2 * limit + 2);
}

/** Everything about one tag that is wrong whatever image it meets: refused now rather than dropped on every event. */
function checkTag(rules: Rules, key: string, template: string, groups: ReadonlySet<string> | undefined, where: string): void {
  const at = tagField(where, key);
  if (OBJECT_PROPERTY_NAMES.has(key)) {
    throw new InputError(`tag key ${show(key)} is refused: it is the name of a built-in JavaScript object property`, {
      where: at,
      hint: `ami-tagger could mistake it for a tag that every image already has; use another key (keys are case-sensitive, so ${show(key.charAt(0).toUpperCase() + key.slice(1))} would do)`,
    });
  }
  const keyProblem = tagProblem(head(key, MAX_KEY_LENGTH), '', rules.strictCharacters);
  if (keyProblem) throw new InputError(`tag ${show(key)}: ${keyProblem}`, { where: at, hint: keyHint(key) });

  const stray = template.replace(PLACEHOLDER, '');
  if (stray.includes('{') || stray.includes('}')) {
    throw new InputError(`tag ${show(key)}: unbalanced brace in ${show(template)}`, { where: at, hint: 'placeholders look like {creator.principal}' });
  }
  for (const alternatives of placeholdersOf(template)) {
    for (const name of alternatives) checkPlaceholder(rules, key, name, groups, at);
  }

  // What the value holds whatever the placeholders become.
  const valueProblem = tagProblem(key, head(stray, MAX_VALUE_LENGTH), rules.strictCharacters);
  if (valueProblem) {
    const placeholders = stray.length < template.length ? ' (not counting its placeholders)' : '';
    throw new InputError(`tag ${show(key)}: ${valueProblem}${placeholders}`, {
      where: at,
      hint: stray.length > MAX_VALUE_LENGTH
        ? `EC2 takes values of at most ${MAX_VALUE_LENGTH} characters; shorten it`
        : 'use letters, digits, spaces and + - = . _ : / @ in the value, or set strictCharacters: false',
    });
  }
}

function keyHint(key: string): string {
  if (isReservedKey(key)) return 'keys starting with "aws:" (any case) belong to AWS; choose another prefix';
  if (key.length === 0) return 'give the tag a key';
  if (codePoints(key) > MAX_KEY_LENGTH) return `EC2 takes keys of at most ${MAX_KEY_LENGTH} characters; shorten it`;
  if (!PORTABLE_TAG_CHARACTERS.test(key)) return 'use letters, digits, spaces and + - = . _ : / @ in the key, or set strictCharacters: false';
  return RULES_HINT;
}

function placeholderText(name: string): string {
  return /^[\w.:/@+=-]{0,80}$/.test(name) ? `{${name}}` : show(`{${name}}`);
}

function checkPlaceholder(rules: Rules, key: string, name: string, groups: ReadonlySet<string> | undefined, at: string): void {
  if (!isKnownFact(name)) {
    const suggestion = didYouMean(name, placeholderCandidates(name));
    throw new InputError(`tag ${show(key)}: unknown placeholder ${placeholderText(name)}${suggestion ? `; did you mean {${suggestion}}?` : ''}`, {
      where: at,
      hint: `use one of ${FACT_NAMES.join(', ')}, or ${FACT_PREFIXES.map((prefix) => `${prefix}NAME`).join(', ')}`,
    });
  }
  if (!name.startsWith('name.')) return;
  const group = name.slice('name.'.length);
  const groupText = /^[\p{L}\p{N}_$]{1,40}$/u.test(group) ? group : 'NAME';
  if (groups === undefined) {
    throw new InputError(`tag ${show(key)}: ${placeholderText(name)} needs nameMatch with a named group (?<${groupText}>...)`, {
      where: at,
      hint: `add nameMatch, a regular expression matched against the image name, e.g. ${NAME_MATCH_EXAMPLE}`,
    });
  }
  if (!groups.has(group)) {
    throw new InputError(`tag ${show(key)}: ${placeholderText(name)} has no named group in nameMatch`, {
      where: at,
      hint: `add (?<${groupText}>...) to nameMatch ${clip(rules.nameMatch ?? '', 120)}`,
    });
  }
}

/** Fact names, and for `prefix.rest`-like typos (`tags.Team`, `nmae.app`) the same rest under each prefix. */
function placeholderCandidates(name: string): string[] {
  const candidates: string[] = [...FACT_NAMES];
  const dot = name.indexOf('.');
  if (dot > 0 && dot < name.length - 1) for (const prefix of FACT_PREFIXES) candidates.push(`${prefix}${name.slice(dot + 1)}`);
  return candidates;
}

/** The named groups of nameMatch (undefined when there is none); refuses a pattern that is not a valid regex. */
function nameMatchGroups(nameMatch: string | undefined, where: string): ReadonlySet<string> | undefined {
  if (nameMatch === undefined) return undefined;
  let pattern: RegExp;
  try {
    new RegExp(nameMatch);
    // The empty alternative matches "" at once, and the match lists every named group of the pattern.
    pattern = new RegExp(`(?:${nameMatch})|`);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new InputError(`nameMatch is not a valid regular expression: ${clip(reason, 120)}`, { where: `${where}: nameMatch`, hint: `use named groups, e.g. ${NAME_MATCH_EXAMPLE}` });
  }
  return new Set(Object.keys(pattern.exec('')?.groups ?? {}));
}

export function mayOverwrite(rules: Rules, key: string): boolean {
  return Array.isArray(rules.overwrite) ? rules.overwrite.includes(key) : rules.overwrite;
}
