import { createHash } from 'node:crypto';
import type { TagMap } from '../model/facts';
import { MAX_VALUE_LENGTH } from '../model/tag-limits';

/**
 * Which of ami-tagger's own values are guesses that a better source may replace.
 *
 * A rule like `Application: "{appversion.package|spinnaker.package|name.app}"` lists its sources
 * best first. A value from a later alternative (the image name, say) is a guess: when another
 * invocation for the same image knows an earlier one (Spinnaker's package, on the direct path),
 * it may replace the guess, so the final tags are the same whichever invocation runs first.
 * Nothing else is ever replaced: ami-tagger records, in one tag on each resource, the keys it
 * guessed, the rank of the source, and a short hash of the value it wrote. A value that someone
 * changed since (its hash differs) is theirs, and is kept.
 *
 * Value format: `RANK.HASH.KEY` entries sorted by key, joined by ",". A key that holds "," is
 * never recorded (so never replaced).
 */
export const GUESSES_TAG_KEY = 'ami-tagger:guesses';
const ENTRY_SEPARATOR = ',';
const ENTRY = /^(\d+)\.([0-9a-f]{6})\.(.+)$/s;

export interface Guess {
  /** 1 = the second alternative of the rule, 2 = the third, ... (0 is the best source: no guess). */
  rank: number;
  hash: string;
}

/** Six hex digits of the value's SHA-256: enough to tell "the value ami-tagger wrote" from an edit. */
export function valueHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 6);
}

export function parseGuesses(tags: TagMap): Map<string, Guess> {
  const guesses = new Map<string, Guess>();
  const text = Object.hasOwn(tags, GUESSES_TAG_KEY) ? tags[GUESSES_TAG_KEY] : undefined;
  for (const entry of (text ?? '').split(ENTRY_SEPARATOR)) {
    const match = ENTRY.exec(entry);
    if (match?.[1] && match[2] && match[3]) guesses.set(match[3], { rank: Number(match[1]), hash: match[2] });
  }
  return guesses;
}

/** The marker's value; entries that would make it longer than EC2 allows are left out (kept for good). */
export function formatGuesses(guesses: ReadonlyMap<string, Guess>): string {
  let text = '';
  for (const key of [...guesses.keys()].sort()) {
    const guess = guesses.get(key);
    if (!guess || key.includes(ENTRY_SEPARATOR)) continue;
    const entry = `${guess.rank}.${guess.hash}.${key}`;
    const next = text === '' ? entry : `${text}${ENTRY_SEPARATOR}${entry}`;
    if ([...next].length <= MAX_VALUE_LENGTH) text = next;
  }
  return text;
}

/** May a value from a source of rank `rank` replace `existing`, which the resource carries now? */
export function mayReplaceGuess(guesses: ReadonlyMap<string, Guess>, key: string, existing: string, rank: number): boolean {
  const guess = guesses.get(key);
  return guess !== undefined && guess.hash === valueHash(existing) && rank < guess.rank;
}
