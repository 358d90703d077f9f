import type { Tag } from '../model/image-ref';
import { factAppliesTo } from '../rules/fact-catalogue';
import { factValues } from '../rules/fact-values';
import { placeholdersOf, renderTemplate } from '../rules/placeholders';
import { mayOverwrite, type Rules } from '../rules/rules';
import { setTag, tagValue, type CreateTagsCall, type ImageFacts, type TagMap } from '../model/facts';
import { formatGuesses, GUESSES_TAG_KEY, mayReplaceGuess, parseGuesses, valueHash } from './guesses';
import { isReservedKey, MAX_RESOURCES_PER_CREATE_TAGS, MAX_TAGS_PER_RESOURCE, tagProblem } from '../model/tag-limits';

/** Why a tag the rules asked for is not written on a resource. */
export type SkipReason = 'no-value' | 'not-applicable' | 'kept-existing' | 'invalid' | 'tag-limit';

export interface SkippedTag {
  key: string;
  /** The image, or a snapshot id. */
  resource: string;
  reason: SkipReason;
  detail: string;
}

/** What to write, where, and what was left out and why. Pure data: `applyPlan` carries it out. */
export interface TagPlan {
  account: string;
  region: string;
  imageId: string;
  /** The tags each resource is missing, by resource id (the image and its snapshots). */
  additions: Record<string, Tag[]>;
  /** The tags each resource carries once `additions` are written. */
  finalTags: Record<string, TagMap>;
  /** The CreateTags calls that write `additions`: usually one, for the image and all its snapshots. */
  calls: CreateTagsCall[];
  skipped: SkippedTag[];
  snapshotIds: string[];
  /** The image is pending and lists no snapshots yet: the "available" event tags them later. */
  snapshotsNotYetListed: boolean;
}

interface DesiredTag {
  key: string;
  value: string;
  /** 0: from the rule's best source; n: from its (n+1)th alternative, a guess a better source may replace. */
  rank: number;
}

/** Decides the tags for an image and its snapshots. Pure: the same facts give the same plan. */
export function planTags(rules: Rules, facts: ImageFacts): TagPlan {
  const imageId = facts.image.imageId;
  const skipped: SkippedTag[] = [];
  const desired = desiredImageTags(rules, facts, skipped);

  const additions: Record<string, Tag[]> = {};
  const finalTags: Record<string, TagMap> = {};
  const imageResult = resourceAdditions(rules, imageId, facts.image.tags, desired, skipped);
  additions[imageId] = imageResult.additions;
  finalTags[imageId] = imageResult.final;

  const snapshotIds = rules.snapshots.tag ? facts.image.snapshotIds : [];
  if (snapshotIds.length > 0) {
    // Snapshots take their values from the image's tags once written, so a later event that
    // lacks a fact (the state change has no caller) still gives them the same values.
    const ruleKeys = new Set(desired.map((tag) => tag.key));
    const imageGuesses = parseGuesses(imageResult.final);
    const snapshotDesired = Object.entries(imageResult.final)
      .filter(([key]) => key !== GUESSES_TAG_KEY && !isReservedKey(key) && (rules.snapshots.copyImageTags || ruleKeys.has(key)))
      .map(([key, value]) => {
        // A snapshot's value is as good a guess as the image's it mirrors.
        const guess = imageGuesses.get(key);
        return { key, value, rank: guess && guess.hash === valueHash(value) ? guess.rank : 0 };
      });
    for (const snapshotId of snapshotIds) {
      const current = Object.hasOwn(facts.snapshotTags, snapshotId) ? facts.snapshotTags[snapshotId] : undefined;
      if (current === undefined) throw new Error(`planTags: tags of ${snapshotId} are not known; describe the snapshots first`);
      const result = resourceAdditions(rules, snapshotId, current, snapshotDesired, skipped, 'snapshot');
      additions[snapshotId] = result.additions;
      finalTags[snapshotId] = result.final;
    }
  }

  return {
    account: facts.ref.account,
    region: facts.ref.region,
    imageId,
    additions,
    finalTags,
    calls: groupIntoCalls(additions, finalTags),
    skipped,
    snapshotIds,
    snapshotsNotYetListed: rules.snapshots.tag && facts.image.snapshotIds.length === 0 && facts.image.state === 'pending',
  };
}

/** The rules' tags rendered from the facts, then the copy source's tags (the rules win a clash). */
function desiredImageTags(rules: Rules, facts: ImageFacts, skipped: SkippedTag[]): DesiredTag[] {
  const values = factValues(asCopied(rules, facts), rules);
  const desired: DesiredTag[] = [];
  for (const [key, template] of Object.entries(rules.tags)) {
    const rendered = renderTemplate(template, values);
    if ('missing' in rendered) {
      // A tag the image already carries needs no value now (the state change knows no caller).
      if (Object.hasOwn(facts.image.tags, key)) continue;
      const reason = rendered.missing.every((alternatives) => notApplicable(alternatives, facts)) ? 'not-applicable' : 'no-value';
      skipped.push({ key, resource: facts.image.imageId, reason, detail: `no value for {${rendered.missing.join('}, {')}}` });
      continue;
    }
    const problem = tagProblem(key, rendered.value, rules.strictCharacters);
    if (problem) {
      skipped.push({ key, resource: facts.image.imageId, reason: 'invalid', detail: problem });
      continue;
    }
    desired.push(betterRecordedGuess(facts, key, { key, value: rendered.value, rank: sourceRank(template, values) }));
  }
  if (rules.copySourceTags && facts.sourceImageTags) {
    const taken = new Set(desired.map((tag) => tag.key));
    for (const [key, value] of Object.entries(facts.sourceImageTags)) {
      if (taken.has(key) || isReservedKey(key) || key === GUESSES_TAG_KEY) continue;
      const problem = tagProblem(key, value, rules.strictCharacters);
      if (problem) {
        skipped.push({ key, resource: facts.image.imageId, reason: 'invalid', detail: `source image tag: ${problem}` });
        continue;
      }
      desired.push({ key, value, rank: 0 });
      // The source supplies a tag the rules had no value for: it is written, so not "skipped".
      for (let index = skipped.length - 1; index >= 0; index -= 1) {
        const skip = skipped[index];
        if (skip?.key === key && skip.resource === facts.image.imageId && (skip.reason === 'no-value' || skip.reason === 'not-applicable')) skipped.splice(index, 1);
      }
    }
  }
  return desired;
}

/**
 * A better value that another invocation of ami-tagger wrote for this key, on the image or one of
 * its snapshots (it knew a better source, such as Spinnaker's package): this invocation then
 * writes that value rather than its own guess, so that two invocations racing each other still
 * leave the image and its snapshots alike.
 */
function betterRecordedGuess(facts: ImageFacts, key: string, own: DesiredTag): DesiredTag {
  let best = own;
  for (const tags of [facts.image.tags, ...Object.values(facts.snapshotTags)]) {
    const guess = parseGuesses(tags).get(key);
    const value = tagValue(tags, key);
    if (guess && value !== undefined && guess.rank < best.rank && guess.hash === valueHash(value)) best = { key, value, rank: guess.rank };
  }
  return best;
}

/**
 * A copy's facts as they will be once the source's tags are copied: the bake's `appversion` is then
 * the copy's too, so the rules read it now rather than guess from the name and correct it later.
 */
function asCopied(rules: Rules, facts: ImageFacts): ImageFacts {
  if (!rules.copySourceTags || !facts.sourceImageTags) return facts;
  const inherited = Object.fromEntries(Object.entries(facts.sourceImageTags).filter(([key]) => key !== GUESSES_TAG_KEY && !isReservedKey(key)));
  return { ...facts, image: { ...facts.image, tags: { ...inherited, ...facts.image.tags } } };
}

/** How far down its alternatives a rendered template had to go: 0 when every placeholder took its first. */
function sourceRank(template: string, values: Readonly<Record<string, string>>): number {
  let rank = 0;
  for (const alternatives of placeholdersOf(template)) {
    const used = alternatives.findIndex((name) => Object.hasOwn(values, name) && values[name] !== '');
    rank = Math.max(rank, used);
  }
  return rank;
}

/**
 * Facts that this kind of input can never have: Spinnaker's on the event path, a copy source
 * for an image that was not copied. A tag built only from them is left out without a warning.
 */
function notApplicable(alternatives: string, facts: ImageFacts): boolean {
  return alternatives.split('|').every((name) => !factAppliesTo(name.trim(), facts));
}

/**
 * What one resource is missing of `desired`. A value already there is kept unless the rules allow
 * overwriting it, or ami-tagger itself wrote it as a guess and `desired` comes from a better
 * source (guesses.ts). The resource's guesses marker is updated alongside.
 */
function resourceAdditions(
  rules: Rules,
  resource: string,
  current: TagMap,
  desired: DesiredTag[],
  skipped: SkippedTag[],
  kind: 'image' | 'snapshot' = 'image',
): { additions: Tag[]; final: TagMap } {
  const final: TagMap = { ...current };
  const additions: Tag[] = [];
  const guesses = parseGuesses(current);
  let userTagCount = Object.keys(current).filter((key) => !isReservedKey(key)).length;
  const add = (key: string, value: string): boolean => {
    const existing = tagValue(current, key);
    if (existing === undefined && userTagCount >= MAX_TAGS_PER_RESOURCE) return false;
    if (existing === undefined) userTagCount += 1;
    additions.push({ key, value });
    setTag(final, key, value);
    return true;
  };
  for (const { key, value, rank } of desired) {
    const existing = tagValue(current, key);
    if (existing === value) {
      // The same value from a better source is no longer a guess.
      const guess = guesses.get(key);
      if (guess && rank < guess.rank) setGuess(guesses, key, value, rank);
      continue;
    }
    if (existing !== undefined && !mayOverwrite(rules, key) && !mayReplaceGuess(guesses, key, existing, rank)) {
      skipped.push({ key, resource, reason: 'kept-existing', detail: `already "${existing}"; overwrite is off for this key` });
      continue;
    }
    if (!add(key, value)) {
      skipped.push({ key, resource, reason: 'tag-limit', detail: `${kind} already has ${MAX_TAGS_PER_RESOURCE} tags, EC2's limit` });
      continue;
    }
    setGuess(guesses, key, value, rank);
  }
  const marker = formatGuesses(guesses);
  const currentMarker = tagValue(current, GUESSES_TAG_KEY);
  // Without room for the marker the guesses simply stay: nothing is replaced by surprise.
  if (marker !== (currentMarker ?? '')) add(GUESSES_TAG_KEY, marker);
  return { additions, final };
}

function setGuess(guesses: Map<string, { rank: number; hash: string }>, key: string, value: string, rank: number): void {
  if (rank > 0) guesses.set(key, { rank, hash: valueHash(value) });
  else guesses.delete(key);
}

/**
 * As few CreateTags calls as possible. CreateTags writes one tag set on every resource it names,
 * so the image and its snapshots share a call when, for each of them, every tag in the call is
 * either missing (and wanted) or already there with that same value. Otherwise resources are
 * grouped by identical additions. Each call names at most 1000 resources.
 */
export function groupIntoCalls(additions: Record<string, Tag[]>, finalTags: Record<string, TagMap>): CreateTagsCall[] {
  const needing = Object.keys(additions).filter((resource) => (additions[resource] ?? []).length > 0);
  if (needing.length === 0) return [];
  const union = new Map<string, string>();
  for (const resource of needing) for (const tag of additions[resource] ?? []) union.set(tag.key, tag.value);
  const consistent = needing.every((resource) => [...union].every(([key, value]) => tagValue(finalTags[resource] ?? {}, key) === value));
  const groups = new Map<string, { tags: Tag[]; resourceIds: string[] }>();
  if (consistent) {
    groups.set('all', { tags: [...union].map(([key, value]) => ({ key, value })), resourceIds: needing });
  } else {
    for (const resource of needing) {
      const tags = additions[resource] ?? [];
      const signature = JSON.stringify(tags.map((tag) => [tag.key, tag.value]).sort());
      const group = groups.get(signature) ?? { tags, resourceIds: [] };
      group.resourceIds.push(resource);
      groups.set(signature, group);
    }
  }
  const calls: CreateTagsCall[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.resourceIds.length; start += MAX_RESOURCES_PER_CREATE_TAGS) {
      calls.push({ resourceIds: group.resourceIds.slice(start, start + MAX_RESOURCES_PER_CREATE_TAGS), tags: group.tags });
    }
  }
  return calls;
}
