import type { ImageRef, Tag } from '../events/image-ref';
import type { Rules } from '../rules/rules';
import { isNotFound, type Ec2Gateway } from '../aws/ec2';
import type { ImageFacts, TagMap } from './facts';
import { planTags, type SkippedTag, type TagPlan } from './plan';

/**
 * The one engine every entry point uses: ImageRef -> facts (DescribeImages, and only what else
 * is needed) -> plan (pure) -> at most one CreateTags for the image and all its snapshots.
 */

export type TagStatus = 'tagged' | 'up-to-date' | 'dry-run' | 'image-not-found';

export interface TagOutcome {
  account: string;
  region: string;
  imageId: string;
  trigger: ImageRef['trigger'];
  status: TagStatus;
  /** What was written (or, in a dry run, would be), by resource id. */
  written: Record<string, Tag[]>;
  skipped: SkippedTag[];
  snapshotIds: string[];
  /** Things worth knowing that are not failures. */
  notes: string[];
  plan?: TagPlan;
}

export interface EngineOptions {
  rules: Rules;
  ec2: Ec2Gateway;
  /** Plan and report without writing; the rules file's `dryRun` counts too. */
  dryRun?: boolean;
  /** Set on the one re-read after a resource vanished mid-way. */
  isRetry?: boolean;
}

/** Reads what the plan needs, and nothing more. Undefined when the image no longer exists. */
export async function gatherFacts(ref: ImageRef, rules: Rules, ec2: Ec2Gateway, notes: string[]): Promise<ImageFacts | undefined> {
  const image = await ec2.describeImage(ref.account, ref.region, ref.imageId);
  if (!image) return undefined;
  const facts: ImageFacts = { ref, image, snapshotTags: {} };

  const snapshotIds = rules.snapshots.tag ? image.snapshotIds : [];
  if (snapshotIds.length > 0) {
    const known = snapshotTagsFromCreation(ref, image.state, snapshotIds);
    facts.snapshotTags = known ?? (await ec2.describeSnapshotTags(ref.account, ref.region, snapshotIds));
    const missing = snapshotIds.filter((id) => facts.snapshotTags[id] === undefined);
    if (missing.length > 0) {
      // A snapshot listed by the image but not found: leave it out rather than fail the image.
      notes.push(`snapshots not found, not tagged: ${missing.join(', ')}`);
      facts.image = { ...image, snapshotIds: snapshotIds.filter((id) => facts.snapshotTags[id] !== undefined) };
    }
  }

  if (rules.copySourceTags && ref.copiedFrom) {
    const source = await ec2.describeImage(ref.account, ref.copiedFrom.region, ref.copiedFrom.imageId);
    if (source) facts.sourceImageTags = source.tags;
    else notes.push(`copy source ${ref.copiedFrom.region}/${ref.copiedFrom.imageId} not found or not visible; its tags were not copied`);
  }
  return facts;
}

/**
 * While an image made by CreateImage or CopyImage is still pending, its snapshots are new and
 * only the creating call can have tagged them: their tags are the request's snapshot
 * TagSpecifications, so no DescribeSnapshots is needed. Later (or for RegisterImage, whose
 * snapshots existed before) anyone may have tagged them, so they are read.
 */
function snapshotTagsFromCreation(ref: ImageRef, state: string | undefined, snapshotIds: string[]): Record<string, TagMap> | undefined {
  if (state !== 'pending' || (ref.trigger !== 'CreateImage' && ref.trigger !== 'CopyImage')) return undefined;
  const creation: TagMap = {};
  for (const tag of ref.creationTags?.snapshot ?? []) creation[tag.key] = tag.value;
  return Object.fromEntries(snapshotIds.map((id) => [id, { ...creation }]));
}

export async function tagImage(ref: ImageRef, options: EngineOptions): Promise<TagOutcome> {
  const dryRun = options.dryRun === true || options.rules.dryRun;
  const notes: string[] = [];
  const base = { account: ref.account, region: ref.region, imageId: ref.imageId, trigger: ref.trigger, notes };
  const facts = await gatherFacts(ref, options.rules, options.ec2, notes);
  if (!facts) {
    return { ...base, status: 'image-not-found', written: {}, skipped: [], snapshotIds: [] };
  }
  const plan = planTags(options.rules, facts);
  if (plan.snapshotsNotYetListed) notes.push('image is pending and lists no snapshots yet; the "available" event tags them');
  const written = Object.fromEntries(Object.entries(plan.additions).filter(([, tags]) => tags.length > 0));
  const outcome: TagOutcome = { ...base, status: 'up-to-date', written, skipped: plan.skipped, snapshotIds: plan.snapshotIds, plan };
  if (plan.calls.length === 0) return outcome;
  if (dryRun) return { ...outcome, status: 'dry-run' };
  try {
    await applyPlan(plan, options.ec2);
  } catch (error) {
    // The image or a snapshot vanished between reading and writing (CreateTags is all or
    // nothing): read again once and tag what is still there.
    if (!isNotFound(error) || options.isRetry) throw error;
    return tagImage(ref, { ...options, isRetry: true });
  }
  return { ...outcome, status: 'tagged' };
}

/** Carries out a plan: its CreateTags calls, in order. */
export async function applyPlan(plan: TagPlan, ec2: Ec2Gateway): Promise<void> {
  for (const call of plan.calls) await ec2.createTags(plan.account, plan.region, call);
}
