import * as v from 'valibot';
import { creatorFromIdentity, TAGGED_API_CALLS, UserIdentitySchema } from '../events/eventbridge';
import type { Creator } from '../model/image-ref';
import { IMAGE_ID_PATTERN, REGION_PATTERN } from '../contract/aws-ids';
import { placeholdersOf } from '../rules/placeholders';
import type { Rules } from '../rules/rules';
import type { ImageDescription } from '../model/facts';
import { tagValue } from '../model/facts';
import type { TrailGateway } from './ports';
import type { RateLimiter } from './rate';

/**
 * Who made an image, from CloudTrail's event history: every account has the last 90 days of
 * management events, trail or not (aws-facts.md). LookupEvents takes one lookup attribute per call,
 * hands out 50 events a page and answers 2 calls a second per account and region, so one lookup
 * per image would take over an hour for 10,000 images. Instead the creating calls are paged by
 * event name (CreateImage, CopyImage, RegisterImage) over the window once per account and region,
 * and matched to the images by `responseElements.imageId`. The creator comes out of the recorded
 * `userIdentity` by the event path's own rule (creatorFromIdentity).
 */

/** CloudTrail keeps 90 days of event history (CloudTrail User Guide, "Working with CloudTrail event history"). */
export const EVENT_HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
/** The creating call is made a little before EC2 stamps the image's CreationDate; look that much earlier. */
export const CREATION_LOOKBACK_MS = 60 * 60 * 1000;

/** What the history says about how an image was made. */
export interface Creation {
  eventName: string;
  eventTime?: string;
  creator?: Creator;
  copiedFrom?: { region: string; imageId: string };
}

const optionalString = v.optional(v.nullable(v.string()));
const RecordSchema = v.looseObject({
  eventName: v.string(),
  eventTime: v.optional(v.string()),
  errorCode: optionalString,
  userIdentity: v.optional(UserIdentitySchema),
  requestParameters: v.optional(v.nullable(v.looseObject({ sourceRegion: v.optional(v.unknown()), sourceImageId: v.optional(v.unknown()) }))),
  responseElements: v.optional(v.nullable(v.looseObject({ imageId: v.optional(v.unknown()) }))),
});

/** One CloudTrail record (LookupEvents' `CloudTrailEvent`) as the creation of an image, or undefined when it made none. */
export function creationFromRecord(json: string): { imageId: string; creation: Creation } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(RecordSchema, raw);
  if (!parsed.success) return undefined;
  const record = parsed.output;
  const imageId = record.responseElements?.imageId;
  // A failed or dry-run call made no image (it carries an errorCode and no responseElements).
  if (record.errorCode || typeof imageId !== 'string' || !IMAGE_ID_PATTERN.test(imageId)) return undefined;
  const creation: Creation = { eventName: record.eventName };
  if (record.eventTime) creation.eventTime = record.eventTime;
  const creator = record.userIdentity ? creatorFromIdentity(record.userIdentity) : undefined;
  if (creator) creation.creator = creator;
  const source = record.requestParameters;
  if (record.eventName === 'CopyImage' && typeof source?.sourceRegion === 'string' && typeof source.sourceImageId === 'string') {
    if (REGION_PATTERN.test(source.sourceRegion) && IMAGE_ID_PATTERN.test(source.sourceImageId)) creation.copiedFrom = { region: source.sourceRegion, imageId: source.sourceImageId };
  }
  return { imageId, creation };
}

/** The rule tags that name the creator ({creator.principal}, ...). */
export function creatorTagKeys(rules: Rules): string[] {
  return Object.entries(rules.tags)
    .filter(([, template]) => placeholdersOf(template).some((alternatives) => alternatives.some((name) => name.startsWith('creator.'))))
    .map(([key]) => key);
}

/**
 * The images worth a lookup: young enough to be in the history, and missing a tag the rules fill
 * from the creator. An image that has them all (a rerun) costs no lookup at all.
 */
export function imagesNeedingCreator(rules: Rules, images: readonly ImageDescription[], now: number): ImageDescription[] {
  const keys = creatorTagKeys(rules);
  if (keys.length === 0) return [];
  const oldest = now - EVENT_HISTORY_DAYS * DAY_MS;
  return images.filter((image) => {
    const created = image.creationDate === undefined ? Number.NaN : Date.parse(image.creationDate);
    return created >= oldest && keys.some((key) => tagValue(image.tags, key) === undefined);
  });
}

export interface CreationLookup {
  trail: TrailGateway;
  /** Paces LookupEvents per account and region (2 a second). */
  limiter: RateLimiter;
  now: number;
}

/**
 * Pages the creating calls over the window that covers `images` (their oldest CreationDate, back
 * at most 90 days) and returns what the history says about each image it names. Stops as soon as
 * every image is found.
 */
export async function lookupCreations(account: string, region: string, images: readonly ImageDescription[], lookup: CreationLookup): Promise<Map<string, Creation>> {
  const found = new Map<string, Creation>();
  const wanted = new Set(images.map((image) => image.imageId));
  if (wanted.size === 0) return found;
  const oldestCreated = Math.min(...images.map((image) => Date.parse(image.creationDate ?? '') || lookup.now));
  const start = new Date(Math.max(lookup.now - EVENT_HISTORY_DAYS * DAY_MS, oldestCreated - CREATION_LOOKBACK_MS));
  const end = new Date(lookup.now);
  for (const eventName of TAGGED_API_CALLS) {
    let nextToken: string | undefined;
    do {
      await lookup.limiter.take(`${account}/${region}`);
      const page = await lookup.trail.lookupEvents(account, region, { eventName, start, end, ...(nextToken ? { nextToken } : {}) });
      for (const record of page.records) {
        const made = creationFromRecord(record.json);
        if (made && wanted.has(made.imageId) && !found.has(made.imageId)) found.set(made.imageId, made.creation);
      }
      nextToken = page.nextToken;
    } while (nextToken && found.size < wanted.size);
    if (found.size >= wanted.size) break;
  }
  return found;
}
