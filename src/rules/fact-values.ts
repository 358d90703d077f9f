import type { ImageFacts, TagMap } from '../tagger/facts';
import { parseAppVersion } from './appversion';
import type { Rules } from './rules';

/** The tag the bakery writes on every AMI it makes (Rosco's default Packer template). */
export const APPVERSION_TAG = 'appversion';

/** Flattens the facts about an image into the values {placeholders} can use. Pure. */
export function factValues(facts: ImageFacts, rules: Rules): Record<string, string> {
  const { ref, image } = facts;
  const values: Record<string, string | undefined> = {
    account: ref.account,
    region: ref.region,
    trigger: ref.trigger,
    'event.apiCall': ref.trigger === 'CreateImage' || ref.trigger === 'CopyImage' || ref.trigger === 'RegisterImage' ? ref.trigger : undefined,
    'event.time': ref.eventTime,
    'image.id': image.imageId,
    'image.name': image.name ?? ref.name,
    'image.description': image.description,
    'image.creationDate': image.creationDate,
    'image.ownerId': image.ownerId,
    'image.architecture': image.architecture,
    'creator.principal': ref.creator?.principal,
    'creator.type': ref.creator?.type,
    'creator.arn': ref.creator?.arn,
    'creator.role': ref.creator?.role,
    'creator.session': ref.creator?.session,
    'creator.accountId': ref.creator?.accountId,
    'copy.sourceRegion': ref.copiedFrom?.region,
    'copy.sourceImageId': ref.copiedFrom?.imageId,
  };
  const appversionText = image.tags[APPVERSION_TAG];
  const appversion = appversionText === undefined ? undefined : parseAppVersion(appversionText);
  if (appversion) {
    values['appversion.raw'] = appversionText;
    values['appversion.package'] = appversion.package;
    values['appversion.version'] = appversion.version;
    values['appversion.buildNumber'] = appversion.buildNumber;
    values['appversion.commit'] = appversion.commit;
    values['appversion.buildJob'] = appversion.buildJob;
  }
  for (const [key, value] of Object.entries(ref.pipeline ?? {})) values[`spinnaker.${key}`] = value;
  addPrefixed(values, 'tag.', image.tags);
  if (facts.sourceImageTags) addPrefixed(values, 'source.tag.', facts.sourceImageTags);
  const name = values['image.name'];
  if (rules.nameMatch && name) {
    const groups = new RegExp(rules.nameMatch).exec(name)?.groups ?? {};
    for (const [group, value] of Object.entries(groups)) values[`name.${group}`] = value;
  }
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') defined[key] = value;
  return defined;
}

function addPrefixed(values: Record<string, string | undefined>, prefix: string, tags: TagMap): void {
  for (const [key, value] of Object.entries(tags)) values[`${prefix}${key}`] = value;
}
