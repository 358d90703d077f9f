import type { ImageFacts, TagMap } from '../model/facts';
import { appVersionOf, FACT_NAMES, FACTS } from './fact-catalogue';
import type { Rules } from './rules';

/**
 * Flattens the facts about an image into the values {placeholders} can use, as the catalogue
 * (fact-catalogue.ts) defines them, plus the prefixed families. Pure. Built in a Map and returned as
 * a fresh object of own properties only, so a tag or group named like an object property
 * (`constructor`, `__proto__`) is an ordinary fact, and no other name resolves.
 */
export function factValues(facts: ImageFacts, rules: Rules): Record<string, string> {
  const source = { facts, appversion: appVersionOf(facts.image.tags) };
  const values = new Map<string, string | undefined>(FACT_NAMES.map((name) => [name, FACTS[name].read(source)]));
  addPrefixed(values, 'tag.', facts.image.tags);
  if (facts.sourceImageTags) addPrefixed(values, 'source.tag.', facts.sourceImageTags);
  const name = values.get('image.name');
  if (rules.nameMatch && name) {
    const groups = new RegExp(rules.nameMatch).exec(name)?.groups ?? {};
    for (const [group, value] of Object.entries(groups)) values.set(`name.${group}`, value);
  }
  return Object.fromEntries([...values].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

function addPrefixed(values: Map<string, string | undefined>, prefix: string, tags: TagMap): void {
  for (const [key, value] of Object.entries(tags)) values.set(`${prefix}${key}`, value);
}
