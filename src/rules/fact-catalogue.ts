import type { ImageFacts, TagMap } from '../model/facts';
import { parseAppVersion, type AppVersion } from './appversion';

/**
 * Every fact a rule's {placeholder} may name, defined once: its name, how its value is found, and
 * which inputs can have it at all. The rules loader accepts exactly these names, the plan renders
 * values from them, and a tag built only from facts that its input can never have (Spinnaker's on
 * the event path, a copy source for an image that was not copied) is "not applicable" rather than
 * missing. README, "Placeholders", lists them.
 */

/** The tag the bakery writes on every AMI it makes (Rosco's default Packer template). */
export const APPVERSION_TAG = 'appversion';

/** What a fact reads from: the facts about the image, and its appversion tag parsed once. */
export interface FactSource {
  facts: ImageFacts;
  appversion: AppVersion | undefined;
}

export interface FactDefinition {
  read: (source: FactSource) => string | undefined;
  /** Which inputs can have this fact; absent: every input can. */
  appliesTo?: (facts: ImageFacts) => boolean;
}

const API_CALLS = new Set(['CreateImage', 'CopyImage', 'RegisterImage']);
const copied = (facts: ImageFacts): boolean => facts.ref.copiedFrom !== undefined;
const fromSpinnaker = (facts: ImageFacts): boolean => facts.ref.pipeline !== undefined;
const spinnaker = (key: keyof NonNullable<ImageFacts['ref']['pipeline']>): FactDefinition => ({ read: ({ facts }) => facts.ref.pipeline?.[key], appliesTo: fromSpinnaker });

export const FACTS = {
  account: { read: ({ facts }) => facts.ref.account },
  region: { read: ({ facts }) => facts.ref.region },
  trigger: { read: ({ facts }) => facts.ref.trigger },
  'event.apiCall': { read: ({ facts }) => (API_CALLS.has(facts.ref.trigger) ? facts.ref.trigger : undefined) },
  'event.time': { read: ({ facts }) => facts.ref.eventTime },
  'image.id': { read: ({ facts }) => facts.image.imageId },
  'image.name': { read: ({ facts }) => facts.image.name ?? facts.ref.name },
  'image.description': { read: ({ facts }) => facts.image.description },
  'image.creationDate': { read: ({ facts }) => facts.image.creationDate },
  'image.ownerId': { read: ({ facts }) => facts.image.ownerId },
  'image.architecture': { read: ({ facts }) => facts.image.architecture },
  'creator.principal': { read: ({ facts }) => facts.ref.creator?.principal },
  'creator.type': { read: ({ facts }) => facts.ref.creator?.type },
  'creator.arn': { read: ({ facts }) => facts.ref.creator?.arn },
  'creator.role': { read: ({ facts }) => facts.ref.creator?.role },
  'creator.session': { read: ({ facts }) => facts.ref.creator?.session },
  'creator.accountId': { read: ({ facts }) => facts.ref.creator?.accountId },
  'copy.sourceRegion': { read: ({ facts }) => facts.ref.copiedFrom?.region, appliesTo: copied },
  'copy.sourceImageId': { read: ({ facts }) => facts.ref.copiedFrom?.imageId, appliesTo: copied },
  'appversion.raw': { read: ({ facts, appversion }) => (appversion ? ownText(facts.image.tags, APPVERSION_TAG) : undefined) },
  'appversion.package': { read: ({ appversion }) => appversion?.package },
  'appversion.version': { read: ({ appversion }) => appversion?.version },
  'appversion.buildNumber': { read: ({ appversion }) => appversion?.buildNumber },
  'appversion.commit': { read: ({ appversion }) => appversion?.commit },
  'appversion.buildJob': { read: ({ appversion }) => appversion?.buildJob },
  'spinnaker.application': spinnaker('application'),
  'spinnaker.pipeline': spinnaker('pipeline'),
  'spinnaker.executionId': spinnaker('executionId'),
  'spinnaker.user': spinnaker('user'),
  'spinnaker.package': spinnaker('package'),
  'spinnaker.baseAmiId': spinnaker('baseAmiId'),
  'spinnaker.baseOs': spinnaker('baseOs'),
  'spinnaker.baseLabel': spinnaker('baseLabel'),
} as const satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof FACTS;
export const FACT_NAMES = Object.keys(FACTS) as FactName[];

/** Families of facts named by a prefix and any suffix: `{name.app}`, `{tag.Team}`, `{source.tag.Team}`. */
export const FACT_PREFIXES = {
  /** A named group of the rules' nameMatch, matched against the image name. */
  'name.': {},
  /** A tag the image carries. */
  'tag.': {},
  /** A tag of the copy's source image. */
  'source.tag.': { appliesTo: copied },
} as const satisfies Record<string, Pick<FactDefinition, 'appliesTo'>>;
export const FACT_PREFIX_NAMES = Object.keys(FACT_PREFIXES) as Array<keyof typeof FACT_PREFIXES>;

export function isKnownFact(name: string): boolean {
  return Object.hasOwn(FACTS, name) || FACT_PREFIX_NAMES.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}

/** Can an input like this one ever have the fact? (Unknown names: yes, so that they are reported.) */
export function factAppliesTo(name: string, facts: ImageFacts): boolean {
  if (Object.hasOwn(FACTS, name)) {
    const definition: FactDefinition = FACTS[name as FactName];
    return definition.appliesTo?.(facts) ?? true;
  }
  const prefix = FACT_PREFIX_NAMES.find((candidate) => name.startsWith(candidate));
  if (!prefix) return true;
  const family: Pick<FactDefinition, 'appliesTo'> = FACT_PREFIXES[prefix];
  return family.appliesTo?.(facts) ?? true;
}

/** The appversion tag, parsed (undefined when absent or not in Frigga's format). */
export function appVersionOf(tags: TagMap): AppVersion | undefined {
  const text = ownText(tags, APPVERSION_TAG);
  return text === undefined ? undefined : parseAppVersion(text);
}

export function ownText(tags: TagMap, key: string): string | undefined {
  const value: unknown = Object.hasOwn(tags, key) ? tags[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
