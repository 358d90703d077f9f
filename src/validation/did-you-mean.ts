/**
 * "Did you mean ...?" for a misspelt name: the candidate closest to `input` by edit distance
 * (Damerau-Levenshtein, optimal string alignment: an insertion, deletion, substitution or swap of
 * two neighbours costs 1), compared without regard to case. Undefined when none is close enough.
 */

/** Inputs longer than this get no suggestion: names are short, and the distance costs length². */
const MAX_INPUT_LENGTH = 100;

/** How many edits a suggestion may be away: a third of the input's length, at least 1, at most 3. */
export function maxSuggestionDistance(input: string): number {
  return Math.max(1, Math.min(3, Math.floor(input.length / 3)));
}

export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length === 0 || input.length > MAX_INPUT_LENGTH) return undefined;
  const limit = maxSuggestionDistance(input);
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) > limit) continue;
    const distance = editDistance(wanted, lower);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance between `a` and `b` (UTF-16 units; names are mostly ASCII). */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // Three rows: the one before the previous (for swaps), the previous, the current.
  let older: number[] = new Array<number>(width).fill(0);
  let previous: number[] = Array.from({ length: width }, (_, j) => j);
  let current: number[] = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (older[j - 2] ?? 0) + 1);
      current[j] = value;
    }
    [older, previous, current] = [previous, current, older];
  }
  return previous[b.length] ?? 0;
}
