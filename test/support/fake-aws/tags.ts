/**
 * EC2 tags: the limits CreateTags enforces and how tags are written in responses.
 * Limits from the EC2 User Guide, "Tag restrictions".
 */
import { invalidParameterValue } from './api-error';
import type { QueryTag } from './query';
import { itemList, leaf } from './xml';

/** At most 50 user tags per resource; `aws:` tags do not count. */
export const MAX_USER_TAGS_PER_RESOURCE = 50;
/** Key length 1..128 Unicode characters. */
export const MAX_TAG_KEY_LENGTH = 128;
/** Value length 0..256 Unicode characters. */
export const MAX_TAG_VALUE_LENGTH = 256;
/** Reserved prefix, in any letter case; users cannot write or delete such keys. */
export const RESERVED_TAG_PREFIX = 'aws:';

/** Counts Unicode characters (code points), as EC2's limits do, not UTF-16 units. */
function characterCount(text: string): number {
  return [...text].length;
}

export function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith(RESERVED_TAG_PREFIX);
}

/** Throws InvalidParameterValue for the first tag EC2 would refuse. */
export function validateTags(tags: readonly QueryTag[]): void {
  for (const { key, value } of tags) {
    if (key === '') throw invalidParameterValue('Tag key cannot be empty');
    if (characterCount(key) > MAX_TAG_KEY_LENGTH) {
      throw invalidParameterValue(`Tag key exceeds the maximum length of ${MAX_TAG_KEY_LENGTH} characters: '${key}'`);
    }
    if (characterCount(value) > MAX_TAG_VALUE_LENGTH) {
      throw invalidParameterValue(`Tag value exceeds the maximum length of ${MAX_TAG_VALUE_LENGTH} characters (key '${key}')`);
    }
    if (isReservedKey(key)) throw invalidParameterValue(`Tag keys starting with '${RESERVED_TAG_PREFIX}' are reserved for internal use: '${key}'`);
  }
}

export function userTagCount(tags: Record<string, string>): number {
  return Object.keys(tags).filter((key) => !isReservedKey(key)).length;
}

/** `<tagSet>`, left out when there are no tags, as EC2 does. */
export function tagSetXml(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  if (entries.length === 0) return '';
  return itemList('tagSet', entries, ([key, value]) => leaf('key', key) + leaf('value', value));
}
