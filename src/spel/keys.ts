import { InputError } from '../errors';

/** Evaluate Variables keys (spinnaker-facts.md): no dashes, no leading digit. */
export const VARIABLE_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Characters a --prefix may hold; dashes become underscores like in region names. */
const PREFIX_PATTERN = /^[A-Za-z0-9_-]*$/;

/** One part of a key: `us-east-1` -> `us_east_1`. */
export function keyPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Checks a --prefix and turns its dashes into underscores. */
export function normalizePrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new InputError(`the key prefix ${JSON.stringify(prefix)} holds characters a variable key cannot hold`, {
      where: '--prefix',
      hint: 'use letters, digits, _ and - only (dashes become underscores), e.g. --prefix bake_',
    });
  }
  return keyPart(prefix);
}

/**
 * `prefix` + parts joined by underscores; a key that would start with a digit (a prefix like
 * `2024`) gets a leading underscore, so every key matches VARIABLE_KEY_PATTERN.
 */
export function variableKey(prefix: string, parts: readonly string[]): string {
  const body = parts.map(keyPart).filter((part) => part !== '').join('_');
  const joined = prefix === '' ? body : body === '' ? prefix : prefix.endsWith('_') ? `${prefix}${body}` : `${prefix}_${body}`;
  const key = /^[0-9]/.test(joined) ? `_${joined}` : joined;
  if (!VARIABLE_KEY_PATTERN.test(key)) {
    // Unreachable with normalized parts; kept so a future change cannot emit a key Orca rejects.
    throw new InputError(`cannot build a variable key from ${JSON.stringify([prefix, ...parts])}`, { where: '--prefix' });
  }
  return key;
}

export interface KeySource {
  key: string;
  /** What the key stands for, for the message: `imageId in us-east-1`. */
  from: string;
}

/** Two inputs that map to the same key would overwrite each other in the stage's outputs. */
export function assertDistinctKeys(sources: readonly KeySource[]): void {
  const seen = new Map<string, string>();
  for (const source of sources) {
    const earlier = seen.get(source.key);
    if (earlier !== undefined) {
      throw new InputError(`${earlier} and ${source.from} would both be stored as the variable ${source.key}`, {
        where: '--fields/--regions/--prefix',
        hint: 'list each field and region once, or choose a prefix that keeps the keys apart',
      });
    }
    seen.set(source.key, source.from);
  }
}
