/**
 * The keys of one `deploymentDetails` entry of an AWS bake (spinnaker-facts.md, "Where bake
 * results live"). A key that is not here evaluates to null in Orca, so a typo silently yields
 * nothing: ami-tagger refuses or reports it and names the key that was meant.
 */
export const DEPLOYMENT_DETAILS_KEYS = [
  'ami',
  'imageId',
  'region',
  'amiSuffix',
  'imageName',
  'amiName',
  'baseLabel',
  'baseOs',
  'refId',
  'storeType',
  'vmType',
  'package',
  'cloudProviderType',
  'cloudProvider',
  'baseAmiId',
] as const;

export type DeploymentDetailsKey = (typeof DEPLOYMENT_DETAILS_KEYS)[number];

/** Suggestions further than this many edits away are more likely another word than a typo. */
export const MAX_SUGGESTION_DISTANCE = 3;

export function isDeploymentDetailsKey(name: string): name is DeploymentDetailsKey {
  return (DEPLOYMENT_DETAILS_KEYS as readonly string[]).includes(name);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate most likely meant by `name`: same letters in another case first, then the nearest by edits. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const sameLetters = candidates.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (sameLetters !== undefined) return sameLetters;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= MAX_SUGGESTION_DISTANCE && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export function suggestDeploymentDetailsKey(name: string): DeploymentDetailsKey | undefined {
  const suggestion = closestName(name, DEPLOYMENT_DETAILS_KEYS);
  return suggestion !== undefined && isDeploymentDetailsKey(suggestion) ? suggestion : undefined;
}
