/**
 * How an error message quotes what the user wrote: in double quotes, with control, format and
 * line-separator characters made visible (a zero-width space in a tag key is otherwise invisible),
 * and cut after MAX_SHOWN_CHARACTERS so that a message never echoes a huge input.
 */
export const MAX_SHOWN_CHARACTERS = 80;

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

export function show(text: string, max: number = MAX_SHOWN_CHARACTERS): string {
  // At most `max` code points, never splitting a surrogate pair; only the head is looked at.
  const head = [...text.slice(0, max * 2)].slice(0, max).join('');
  const quoted = JSON.stringify(head).replace(INVISIBLE, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
  if (head.length === text.length) return quoted;
  return `${quoted.slice(0, -1)}…" (${codePoints(text)} characters)`;
}

/** A short text cut to `max` characters (for messages from libraries that may embed the input). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${[...text.slice(0, max)].slice(0, max - 1).join('')}…`;
}

export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A low surrogate that follows a high one is the second half of one code point.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) continue;
    }
    count += 1;
  }
  return count;
}
