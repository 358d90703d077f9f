/**
 * Placeholders in tag values: `{creator.principal}`, and alternatives `{appversion.package|name.app}`
 * (the first that has a value wins). A value whose placeholders do not all resolve is not written.
 */
export const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The facts a placeholder may name are defined once, in fact-catalogue.ts. */
export { FACT_NAMES, FACT_PREFIX_NAMES as FACT_PREFIXES, isKnownFact } from './fact-catalogue';

/** The fact names each placeholder of `template` refers to, e.g. `["appversion.package", "name.app"]` per placeholder. */
export function placeholdersOf(template: string): string[][] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => (match[1] ?? '').split('|').map((name) => name.trim()));
}

export type Rendered = { value: string } | { missing: string[] };

/**
 * Fills the placeholders of `template` from `facts`; reports the placeholders that had no value.
 * Only the facts' own text values count: `{constructor}` or `{toString}` never reach a property
 * that every object inherits.
 */
export function renderTemplate(template: string, facts: Readonly<Record<string, string>>): Rendered {
  const missing: string[] = [];
  const value = template.replace(PLACEHOLDER, (_whole, inner: string) => {
    const names = inner.split('|').map((name) => name.trim());
    for (const name of names) {
      const fact: unknown = Object.hasOwn(facts, name) ? facts[name] : undefined;
      if (typeof fact === 'string' && fact !== '') return fact;
    }
    missing.push(names.join('|'));
    return '';
  });
  return missing.length > 0 ? { missing } : { value };
}
