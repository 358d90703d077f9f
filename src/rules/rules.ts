import * as v from 'valibot';
import { InputError } from '../errors';
import { parseOrThrow } from '../validation/parse';
import { FACT_NAMES, FACT_PREFIXES, isKnownFact, placeholdersOf } from './placeholders';

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
};

const RulesSchema = v.strictObject({
  tags: v.optional(v.record(v.string(), v.pipe(v.union([v.string(), v.number(), v.boolean()], 'a tag value must be text'), v.transform(String)))),
  nameMatch: v.optional(v.string()),
  copySourceTags: v.optional(v.boolean()),
  snapshots: v.optional(v.strictObject({ tag: v.optional(v.boolean()), copyImageTags: v.optional(v.boolean()) })),
  overwrite: v.optional(v.union([v.boolean(), v.array(v.string())], 'overwrite must be true, false or a list of tag keys')),
  dryRun: v.optional(v.boolean()),
  strictCharacters: v.optional(v.boolean()),
});

const RULES_HINT = 'see README, "Rules file", for the options and the placeholders';

/** Validates a parsed rules document (from YAML or JSON) and fills in the defaults. */
export function parseRules(document: unknown, where: string): Rules {
  if (document === null || document === undefined) return structuredClone(DEFAULT_RULES);
  const raw = parseOrThrow(RulesSchema, document, `rules file ${where}`, RULES_HINT);
  const rules: Rules = {
    tags: raw.tags ?? { ...DEFAULT_RULES.tags },
    copySourceTags: raw.copySourceTags ?? DEFAULT_RULES.copySourceTags,
    snapshots: { ...DEFAULT_RULES.snapshots, ...raw.snapshots },
    overwrite: raw.overwrite ?? DEFAULT_RULES.overwrite,
    dryRun: raw.dryRun ?? DEFAULT_RULES.dryRun,
    strictCharacters: raw.strictCharacters ?? DEFAULT_RULES.strictCharacters,
  };
  if (raw.nameMatch !== undefined) rules.nameMatch = raw.nameMatch;
  checkTemplates(rules, where);
  checkNameMatch(rules, where);
  return rules;
}

function checkTemplates(rules: Rules, where: string): void {
  for (const [key, template] of Object.entries(rules.tags)) {
    const stray = template.replace(/\{[^{}]*\}/g, '');
    if (stray.includes('{') || stray.includes('}')) {
      throw new InputError(`tag "${key}": unbalanced brace in "${template}"`, { where: `${where}: tags.${key}`, hint: 'placeholders look like {creator.principal}' });
    }
    for (const alternatives of placeholdersOf(template)) {
      for (const name of alternatives) {
        if (!isKnownFact(name)) {
          throw new InputError(`tag "${key}": unknown placeholder {${name}}`, {
            where: `${where}: tags.${key}`,
            hint: `use one of ${FACT_NAMES.join(', ')}, or ${FACT_PREFIXES.map((prefix) => `${prefix}NAME`).join(', ')}`,
          });
        }
      }
    }
  }
}

function checkNameMatch(rules: Rules, where: string): void {
  if (rules.nameMatch === undefined) return;
  let pattern: RegExp;
  try {
    pattern = new RegExp(rules.nameMatch);
  } catch (error) {
    throw new InputError(`nameMatch is not a valid regular expression: ${(error as Error).message}`, { where: `${where}: nameMatch`, hint: "use named groups, e.g. '^(?<app>[a-z-]+)-(?<version>\\d[\\w.]*)-'" });
  }
  const groups = new Set([...rules.nameMatch.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((match) => match[1]));
  for (const [key, template] of Object.entries(rules.tags)) {
    for (const alternatives of placeholdersOf(template)) {
      for (const name of alternatives) {
        if (name.startsWith('name.') && !groups.has(name.slice('name.'.length))) {
          throw new InputError(`tag "${key}": {${name}} has no named group in nameMatch`, { where: `${where}: tags.${key}`, hint: `add (?<${name.slice(5)}>...) to nameMatch ${pattern.source}` });
        }
      }
    }
  }
}

export function mayOverwrite(rules: Rules, key: string): boolean {
  return Array.isArray(rules.overwrite) ? rules.overwrite.includes(key) : rules.overwrite;
}
