import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { InputError } from '../errors';
import type { ImageRef, Tag } from '../model/image-ref';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN } from '../contract/aws-ids';
import type { Rules } from '../rules/rules';
import type { ImageDescription, TagMap } from '../model/facts';
import { parseOrThrow } from '../validation/parse';

/**
 * A reviewed plan: `backfill --dry-run --out plan.json` writes what it would write, image by image;
 * `backfill --apply plan.json` carries it out. Each image carries a digest of the tags it and its
 * snapshots had when planned; an image whose tags changed since is skipped, never re-planned
 * behind the reviewer's back. The rules' digest makes sure the same rules carry it out.
 */
export const PLAN_FILE_KIND = 'ami-tagger-backfill-plan';
export const PLAN_FILE_VERSION = 1;

export interface PlanEntry {
  account: string;
  region: string;
  imageId: string;
  name?: string;
  /** What was known about the image besides EC2's answer (the creator from CloudTrail's history). */
  ref: Pick<ImageRef, 'creator' | 'copiedFrom'>;
  /** The tags of the image and its snapshots when planned (tagsDigest). */
  tagsDigest: string;
  /** What would be written, by resource id. */
  writes: Record<string, Tag[]>;
}

export interface PlanFile {
  kind: typeof PLAN_FILE_KIND;
  version: typeof PLAN_FILE_VERSION;
  createdAt: string;
  rulesDigest: string;
  images: PlanEntry[];
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value), 'utf8').digest('hex').slice(0, 32);
}

function sortedEntries(tags: TagMap): Array<[string, string]> {
  return Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The tags an image and its snapshots carry, as one short value, which changes with every change to any of them. */
export function tagsDigest(image: ImageDescription, snapshotTags: Readonly<Record<string, TagMap>>): string {
  const snapshots = [...image.snapshotIds].sort().map((id) => [id, Object.hasOwn(snapshotTags, id) ? sortedEntries(snapshotTags[id] ?? {}) : null]);
  return digest([sortedEntries(image.tags), snapshots]);
}

export function rulesDigest(rules: Rules): string {
  return digest(rules);
}

const optionalString = v.optional(v.string());
const TagSchema = v.object({ key: v.string(), value: v.string() });
const EntrySchema = v.object({
  account: v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit account id')),
  region: v.pipe(v.string(), v.regex(REGION_PATTERN, 'must be a region name')),
  imageId: v.pipe(v.string(), v.regex(IMAGE_ID_PATTERN, 'must be an AMI id')),
  name: optionalString,
  ref: v.object({
    creator: v.optional(
      v.object({ principal: v.string(), type: v.string(), arn: optionalString, role: optionalString, session: optionalString, accountId: optionalString }),
    ),
    copiedFrom: v.optional(v.object({ region: v.pipe(v.string(), v.regex(REGION_PATTERN, 'must be a region name')), imageId: v.pipe(v.string(), v.regex(IMAGE_ID_PATTERN, 'must be an AMI id')) })),
  }),
  tagsDigest: v.string(),
  writes: v.record(v.string(), v.array(TagSchema)),
});
const PlanSchema = v.object({
  kind: v.literal(PLAN_FILE_KIND, `must be "${PLAN_FILE_KIND}"`),
  version: v.literal(PLAN_FILE_VERSION, `must be ${PLAN_FILE_VERSION}`),
  createdAt: v.string(),
  rulesDigest: v.string(),
  images: v.array(EntrySchema),
});

const PLAN_HINT = 'pass a file that `ami-tagger backfill --dry-run --out FILE` wrote';

export function writePlanFile(path: string, plan: PlanFile): void {
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
}

export function readPlanFile(path: string): PlanFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the plan ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { where: '--apply', hint: PLAN_HINT });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the plan ${path} is not JSON: ${(error as Error).message}`, { where: '--apply', hint: PLAN_HINT });
  }
  return parseOrThrow(PlanSchema, raw, `plan ${path}`, PLAN_HINT);
}

/** The image reference a plan entry stands for: what the dry run knew, so the apply needs no lookup. */
export function refOfEntry(entry: PlanEntry): ImageRef {
  const ref: ImageRef = { account: entry.account, region: entry.region, imageId: entry.imageId, trigger: 'Backfill' };
  if (entry.ref.creator) ref.creator = entry.ref.creator;
  if (entry.ref.copiedFrom) ref.copiedFrom = entry.ref.copiedFrom;
  return ref;
}
