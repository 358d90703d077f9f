import type { Diagnostics } from 'recheck';
import { InputError } from '../errors';
import { clip, show } from '../validation/show';

/**
 * Refuses a nameMatch that can backtrack catastrophically (ReDoS): `^(?<app>(a+)+)$` takes longer
 * than the Lambda's time limit on a 32-character image name. The check is `recheck`'s (automata
 * theory, with fuzzing for what that cannot decide), run when the rules load from YAML: by the CLI
 * and by `sls package` (serverless/rules.cjs). Only load.ts imports this module, so the Lambda,
 * which loads the packaged JSON through compiled.ts, carries neither recheck nor its cost.
 */

/**
 * The highest polynomial degree let through. An AMI name is at most 128 characters, but the
 * direct path may name an image with a longer text; quadratic backtracking over 10,000 characters
 * is still well under a second, cubic is not. Exponential is always refused.
 */
export const MAX_POLYNOMIAL_DEGREE = 2;
/** How long the check may take; a pattern it cannot settle in this time is refused. */
export const REGEX_CHECK_TIMEOUT_MS = 3000;

/** Verdicts by pattern, for the few patterns a process meets (a CLI run, a test file). */
const verdicts = new Map<string, Diagnostics>();
const MAX_VERDICTS = 100;

/** Throws an InputError (at `where`) unless recheck shows `pattern` safe enough to run on every image name. */
export function checkRegexSafety(pattern: string, where: string, option = 'nameMatch'): void {
  const diagnostics = diagnose(pattern);
  const hint = 'write it so that no repeated part can match the same text in more than one way: e.g. (?<app>[a-z]+) rather than (?<app>(a+)+) or (a|a)*, and [^-]+ rather than .+ before a "-"';
  if (diagnostics.status === 'safe') return;
  if (diagnostics.status === 'unknown') {
    const reason = diagnostics.error.kind === 'timeout' ? `not settled within ${REGEX_CHECK_TIMEOUT_MS / 1000} s` : `${diagnostics.error.kind}${'message' in diagnostics.error ? `: ${clip(diagnostics.error.message, 120)}` : ''}`;
    throw new InputError(`${option} could not be shown safe from catastrophic backtracking (${reason})`, { where, hint: `simplify it; ${hint}` });
  }
  const { complexity } = diagnostics;
  if (complexity.type === 'polynomial' && complexity.degree <= MAX_POLYNOMIAL_DEGREE) return;
  const cost = complexity.type === 'exponential' ? 'exponential time' : `time growing as the name's length to the power ${complexity.degree}`;
  const example = clip(diagnostics.attack.pattern, 80);
  throw new InputError(`${option} can take ${cost} on some image names, e.g. ${example}${hotspotText(pattern, diagnostics.hotspot)}`, { where, hint });
}

/** The span of the pattern that backtracks, as recheck locates it. */
function hotspotText(pattern: string, hotspots: ReadonlyArray<{ start: number; end: number }>): string {
  if (hotspots.length === 0) return '';
  const start = Math.min(...hotspots.map((spot) => spot.start));
  const end = Math.max(...hotspots.map((spot) => spot.end));
  return ` (it backtracks in ${show(pattern.slice(start, end), 60)})`;
}

function diagnose(pattern: string): Diagnostics {
  const known = verdicts.get(pattern);
  if (known) return known;
  // Loaded on first use: a CLI command that reads no rules file does not pay for it.
  const { checkSync } = require('recheck') as typeof import('recheck');
  // recheck reads its synchronous backend from the environment at each call. "pure" runs its
  // JavaScript build in this thread: no worker, no Java, no native binary (the optional
  // recheck-* packages are not used), so it works the same from the repo, tsx and the CLI bundle.
  const previous = process.env.RECHECK_SYNC_BACKEND;
  process.env.RECHECK_SYNC_BACKEND = 'pure';
  let diagnostics: Diagnostics;
  try {
    diagnostics = checkSync(pattern, '', { timeout: REGEX_CHECK_TIMEOUT_MS, randomSeed: 0 });
  } catch (error) {
    diagnostics = { source: pattern, flags: '', status: 'unknown', error: { kind: 'unexpected', message: (error as Error).message } };
  } finally {
    if (previous === undefined) delete process.env.RECHECK_SYNC_BACKEND;
    else process.env.RECHECK_SYNC_BACKEND = previous;
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(pattern, diagnostics);
  return diagnostics;
}
