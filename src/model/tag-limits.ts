/**
 * EC2's tag limits (AWS docs, "Tag your Amazon EC2 resources", Tag restrictions; and the
 * CreateTags API reference). Checked before writing, so one bad tag never fails the others.
 */
export const MAX_TAGS_PER_RESOURCE = 50;
export const MAX_KEY_LENGTH = 128; // Unicode characters
export const MAX_VALUE_LENGTH = 256; // Unicode characters
export const RESERVED_KEY_PREFIX = 'aws:'; // any case
/** CreateTags takes up to 1000 resource ids per call (CreateTags API reference). */
export const MAX_RESOURCES_PER_CREATE_TAGS = 1000;
/** The characters AWS allows "across services" and in IAM policy conditions: letters, digits, spaces, + - = . _ : / @ */
export const PORTABLE_TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export type TagProblem = string;

/** Unicode characters (code points); a text of more than 2 x `limit` UTF-16 units is over any limit without counting. */
function characters(text: string, limit: number): number {
  if (text.length > 2 * limit) return text.length;
  return [...text].length;
}

/** Why EC2 (or, when `strict`, IAM policies and most tools) would refuse this tag; undefined when it is fine. */
export function tagProblem(key: string, value: string, strict: boolean): TagProblem | undefined {
  if (key.length === 0) return 'empty key';
  if (characters(key, MAX_KEY_LENGTH) > MAX_KEY_LENGTH) return `key longer than ${MAX_KEY_LENGTH} characters`;
  if (characters(value, MAX_VALUE_LENGTH) > MAX_VALUE_LENGTH) return `value longer than ${MAX_VALUE_LENGTH} characters`;
  if (isReservedKey(key)) return `keys starting with "${RESERVED_KEY_PREFIX}" are reserved for AWS`;
  if (strict && !PORTABLE_TAG_CHARACTERS.test(key)) return 'key has characters outside letters, digits, spaces and + - = . _ : / @';
  if (strict && !PORTABLE_TAG_CHARACTERS.test(value)) return 'value has characters outside letters, digits, spaces and + - = . _ : / @';
  return undefined;
}

export function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith(RESERVED_KEY_PREFIX);
}
