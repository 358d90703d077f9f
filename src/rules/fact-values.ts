import type { ImageFacts, TagMap } from '../tagger/facts';
import { parseAppVersion } from './appversion';
import type { Rules } from './rules';

/** The tag the bakery writes on every AMI it makes (Rosco's default Packer template). */
export const APPVERSION_TAG = 'appversion';

/**
 * Flattens the facts about an image into the values {placeholders} can use. Pure. Built in a Map
 * and returned as a fresh object of own properties only, so a tag or group named like an object
 * property (`constructor`, `__proto__`) is an ordinary fact, and no other name resolves.
 */
export function factValues(facts: ImageFacts, rules: Rules): Record<string, string> {
  const { ref, image } = facts;
  const values = new Map<string, string | undefined>([
    ['account', ref.account],
    ['region', ref.region],
    ['trigger', ref.trigger],
    ['event.apiCall', ref.trigger === 'CreateImage' || ref.trigger === 'CopyImage' || ref.trigger === 'RegisterImage' ? ref.trigger : undefined],
    ['event.time', ref.eventTime],
    ['image.id', image.imageId],
    ['image.name', image.name ?? ref.name],
    ['image.description', image.description],
    ['image.creationDate', image.creationDate],
    ['image.ownerId', image.ownerId],
    ['image.architecture', image.architecture],
    ['creator.principal', ref.creator?.principal],
    ['creator.type', ref.creator?.type],
    ['creator.arn', ref.creator?.arn],
    ['creator.role', ref.creator?.role],
    ['creator.session', ref.creator?.session],
    ['creator.accountId', ref.creator?.accountId],
    ['copy.sourceRegion', ref.copiedFrom?.region],
    ['copy.sourceImageId', ref.copiedFrom?.imageId],
  ]);
  const appversionText = ownText(image.tags, APPVERSION_TAG);
  const appversion = appversionText === undefined ? undefined : parseAppVersion(appversionText);
  if (appversion) {
    values.set('appversion.raw', appversionText);
    values.set('appversion.package', appversion.package);
    values.set('appversion.version', appversion.version);
    values.set('appversion.buildNumber', appversion.buildNumber);
    values.set('appversion.commit', appversion.commit);
    values.set('appversion.buildJob', appversion.buildJob);
  }
  for (const [key, value] of Object.entries(ref.pipeline ?? {})) values.set(`spinnaker.${key}`, value);
  addPrefixed(values, 'tag.', image.tags);
  if (facts.sourceImageTags) addPrefixed(values, 'source.tag.', facts.sourceImageTags);
  const name = values.get('image.name');
  if (rules.nameMatch && name) {
    const groups = new RegExp(rules.nameMatch).exec(name)?.groups ?? {};
    for (const [group, value] of Object.entries(groups)) values.set(`name.${group}`, value);
  }
  return Object.fromEntries([...values].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

function ownText(tags: TagMap, key: string): string | undefined {
  const value: unknown = Object.hasOwn(tags, key) ? tags[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function addPrefixed(values: Map<string, string | undefined>, prefix: string, tags: TagMap): void {
  for (const [key, value] of Object.entries(tags)) values.set(`${prefix}${key}`, value);
}
