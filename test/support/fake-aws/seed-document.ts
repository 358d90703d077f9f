/**
 * A seed file for the standalone stand-in (`scripts/fake-aws.ts --seed FILE`): JSON or YAML
 * naming accounts, keys, regions, snapshots and images, checked before anything is stored.
 *
 * @example
 *   defaultAccount: "111122223333"
 *   accessKeys: { AKIAMEMBERACCOUNT001: "444455556666" }
 *   regions: [us-east-1, eu-west-1]
 *   externalIds: { "arn:aws:iam::444455556666:role/ami-tagger-member": "ext-1" }
 *   images:
 *     - { region: eu-west-1, name: web-1.2.3, state: pending, snapshotCount: 1, tags: { Team: web } }
 *   snapshots:
 *     - { account: "444455556666", region: eu-west-1, description: spare }
 */
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../../src/errors';
import { parseOrThrow } from '../../../src/validation/parse';
import type { FakeAws, FakeAwsOptions } from './index';

const accountId = v.pipe(v.string(), v.regex(/^\d{12}$/, 'an account id is 12 digits (quote it in YAML)'));
const tags = v.record(v.string(), v.string());
const placement = { account: v.optional(accountId), region: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like eu-west-1'))) };

const SnapshotEntry = v.strictObject({
  ...placement,
  snapshotId: v.optional(v.pipe(v.string(), v.regex(/^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'a snapshot id is snap- and 8 or 17 lowercase hex digits'))),
  ownerId: v.optional(accountId),
  description: v.optional(v.string()),
  tags: v.optional(tags),
});

const ImageEntry = v.strictObject({
  ...placement,
  imageId: v.optional(v.pipe(v.string(), v.regex(/^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'an image id is ami- and 8 or 17 lowercase hex digits'))),
  ownerId: v.optional(accountId),
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  state: v.optional(v.picklist(['pending', 'available', 'failed'])),
  creationDate: v.optional(v.pipe(v.string(), v.isoTimestamp('creationDate is ISO 8601, e.g. 2024-05-01T12:00:00.000Z'))),
  architecture: v.optional(v.string()),
  blockDeviceMappings: v.optional(v.array(v.strictObject({ deviceName: v.string(), snapshotId: v.optional(v.string()) }))),
  tags: v.optional(tags),
  snapshotCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(16))),
});

const SeedDocumentSchema = v.strictObject({
  defaultAccount: v.optional(accountId),
  accessKeys: v.optional(v.record(v.string(), accountId)),
  regions: v.optional(v.array(v.string())),
  externalIds: v.optional(v.record(v.string(), v.string())),
  snapshots: v.optional(v.array(SnapshotEntry)),
  images: v.optional(v.array(ImageEntry)),
});

export type SeedDocument = v.InferOutput<typeof SeedDocumentSchema>;

export function readSeedDocument(text: string, fileName: string): SeedDocument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InputError(`seed file is neither JSON nor YAML: ${error instanceof Error ? error.message : String(error)}`, {
      where: fileName,
      hint: 'fix the syntax; JSON is valid YAML',
    });
  }
  return parseOrThrow(SeedDocumentSchema, raw ?? {}, `seed file ${fileName}`, 'see the example at the top of test/support/fake-aws/seed-document.ts');
}

/** The server options a seed document sets (they must be known before the server starts). */
export function seedOptions(document: SeedDocument): FakeAwsOptions {
  return {
    ...(document.defaultAccount === undefined ? {} : { defaultAccount: document.defaultAccount }),
    ...(document.accessKeys === undefined ? {} : { accessKeys: document.accessKeys }),
    ...(document.regions === undefined ? {} : { regions: document.regions }),
  };
}

/** Stores what the document lists: snapshots first, so images can map them. */
export function applySeedDocument(fake: FakeAws, document: SeedDocument): { images: number; snapshots: number } {
  for (const [roleArn, externalId] of Object.entries(document.externalIds ?? {})) fake.requireExternalId(roleArn, externalId);
  for (const snapshot of document.snapshots ?? []) fake.seedSnapshot(snapshot);
  let snapshots = document.snapshots?.length ?? 0;
  for (const image of document.images ?? []) {
    fake.seedImage(image);
    if (!image.blockDeviceMappings) snapshots += image.snapshotCount ?? 0;
  }
  return { images: document.images?.length ?? 0, snapshots };
}
