import type { ImageRef } from '../model/image-ref';
import { ResourceNotFoundError, TransientAwsError } from './ec2-port';
import { tagImage, type EngineOptions, type TagOutcome } from './engine';
import { sameTags, type ImageFacts, type TagMap } from '../model/facts';
import { MAX_RESOURCES_PER_CREATE_TAGS } from '../model/tag-limits';
import { planTags, type TagPlan } from './plan';
import type { CreateTagsCall } from '../model/facts';

/**
 * The use case every entry path calls: image references in, one outcome per reference out, in
 * the same order. The event function passes one, the direct path one per region, backfill and
 * reconcile thousands.
 *
 * One image takes the engine's careful path (tagImage: read, write, read back, until the tags
 * stand). Many images of one account and region are read in bulk (DescribeImages and
 * DescribeSnapshots by the hundred), each is planned with the same rules, and resources that need
 * the identical tag set share one CreateTags call of up to 1000 ids, across images: a static tag
 * added to ten thousand images is ten calls. Images whose read back shows anything left to do (a
 * snapshot listed since, a value changed meanwhile) then take the careful path one by one.
 *
 * A failure is the outcome `failed` for the images it concerns, with the error in `cause`; the
 * other images go on. The event function rethrows it so that the invocation fails.
 */
export async function tagImages(refs: readonly ImageRef[], options: EngineOptions): Promise<TagOutcome[]> {
  const outcomes = new Map<string, TagOutcome>();
  for (const group of groupByPlace(refs)) {
    try {
      const results = group.length === 1 ? [await tagImage(group[0] as ImageRef, options)] : await tagMany(group, options);
      group.forEach((ref, index) => outcomes.set(placeOf(ref), results[index] as TagOutcome));
    } catch (error) {
      for (const ref of group) outcomes.set(placeOf(ref), failedOutcome(ref, error));
    }
  }
  // An image named twice gets the one outcome twice.
  return refs.map((ref) => outcomes.get(placeOf(ref)) as TagOutcome);
}

function placeOf(ref: ImageRef): string {
  return `${ref.account}/${ref.region}/${ref.imageId}`;
}

export function failedOutcome(ref: ImageRef, error: unknown): TagOutcome {
  return {
    account: ref.account,
    region: ref.region,
    imageId: ref.imageId,
    trigger: ref.trigger,
    status: 'failed',
    written: {},
    skipped: [],
    snapshotIds: [],
    changedUnderUs: [],
    createTagsCalls: 0,
    notes: [],
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    cause: error,
  };
}

/** References by account and region, in first-seen order; a reference named twice is tagged once. */
function groupByPlace(refs: readonly ImageRef[]): ImageRef[][] {
  const groups = new Map<string, ImageRef[]>();
  for (const ref of refs) {
    const key = `${ref.account}/${ref.region}`;
    const group = groups.get(key) ?? [];
    if (!group.some((other) => other.imageId === ref.imageId)) group.push(ref);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Many images of one account and region: bulk reads, grouped writes, then the careful path for what is left. */
async function tagMany(refs: ImageRef[], options: EngineOptions): Promise<TagOutcome[]> {
  const { account, region } = refs[0] as ImageRef;
  const dryRun = options.dryRun === true || options.rules.dryRun;
  const facts = await readInBulk(refs, options);
  const plans = refs.map((ref) => {
    const imageFacts = facts.get(ref.imageId);
    return imageFacts ? planTags(options.rules, { ...imageFacts, ref }) : undefined;
  });
  const calls = groupAcrossImages(plans.flatMap((plan) => (plan ? [plan] : [])));
  const callsOf = (plan: TagPlan): number => calls.filter((call) => call.resourceIds.some((id) => Object.hasOwn(plan.additions, id) && (plan.additions[id] ?? []).length > 0)).length;

  const outcomes = refs.map((ref, index): TagOutcome => {
    const plan = plans[index];
    if (!plan) return { ...failedOutcome(ref, undefined), status: 'image-not-found', error: undefined, cause: undefined };
    const written = Object.fromEntries(Object.entries(plan.additions).filter(([, tags]) => tags.length > 0));
    const status = plan.calls.length === 0 ? 'up-to-date' : dryRun ? 'dry-run' : 'tagged';
    return { account, region, imageId: ref.imageId, trigger: ref.trigger, status, written, skipped: plan.skipped, snapshotIds: plan.snapshotIds, changedUnderUs: [], createTagsCalls: callsOf(plan), notes: [], plan };
  });
  if (dryRun || calls.length === 0) return outcomes;

  const retry = new Set<number>();
  for (const call of calls) {
    try {
      await options.ec2.createTags(account, region, call);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError) && !(error instanceof TransientAwsError)) throw error;
      // One resource of the call is gone (CreateTags is all or nothing), or EC2 throttled it: its
      // images go the careful way, which reads each again before writing (and backs off).
      plans.forEach((plan, index) => {
        if (plan && call.resourceIds.some((id) => Object.hasOwn(plan.additions, id))) retry.add(index);
      });
    }
  }
  // Read back: an image whose tags are not what its plan left, or that lists new snapshots, goes again.
  const written = refs.filter((_, index) => (plans[index]?.calls.length ?? 0) > 0 && !retry.has(index));
  const after = await readImages(written.map((ref) => ref.imageId), account, region, options);
  refs.forEach((ref, index) => {
    const plan = plans[index];
    if (!plan || plan.calls.length === 0 || retry.has(index)) return;
    const now = after.get(ref.imageId);
    if (!now || !sameTags(now.tags, plan.finalTags[ref.imageId] ?? {}) || now.snapshotIds.some((id) => !plan.snapshotIds.includes(id) && !(facts.get(ref.imageId)?.missingSnapshotIds ?? []).includes(id))) retry.add(index);
  });
  for (const index of retry) {
    const ref = refs[index] as ImageRef;
    const again = await tagImage(ref, options);
    const first = outcomes[index] as TagOutcome;
    outcomes[index] = { ...again, createTagsCalls: again.createTagsCalls + first.createTagsCalls, written: { ...first.written, ...again.written } };
  }
  return outcomes;
}

/** The images and their snapshots' tags, read by the hundred; the copy sources one by one. */
async function readInBulk(refs: ImageRef[], options: EngineOptions): Promise<Map<string, Omit<ImageFacts, 'ref'> & { ref: ImageRef }>> {
  const { account, region } = refs[0] as ImageRef;
  const images = await readImages(refs.map((ref) => ref.imageId), account, region, options);
  const snapshotIds = options.rules.snapshots.tag ? [...new Set([...images.values()].flatMap((image) => image.snapshotIds))] : [];
  const snapshotTags = snapshotIds.length > 0 ? await options.ec2.describeSnapshotTags(account, region, snapshotIds) : {};
  const facts = new Map<string, ImageFacts>();
  for (const ref of refs) {
    const image = images.get(ref.imageId);
    if (!image) continue;
    const listed = options.rules.snapshots.tag ? image.snapshotIds : [];
    const found = listed.filter((id) => Object.hasOwn(snapshotTags, id));
    const imageFacts: ImageFacts = { ref, image: { ...image, snapshotIds: found }, snapshotTags: Object.fromEntries(found.map((id) => [id, snapshotTags[id] as TagMap])) };
    if (found.length < listed.length) imageFacts.missingSnapshotIds = listed.filter((id) => !found.includes(id));
    if (options.rules.copySourceTags && ref.copiedFrom) {
      const source = await options.ec2.describeImage(account, ref.copiedFrom.region, ref.copiedFrom.imageId);
      if (source) imageFacts.sourceImageTags = source.tags;
    }
    facts.set(ref.imageId, imageFacts);
  }
  return facts;
}

async function readImages(imageIds: string[], account: string, region: string, options: EngineOptions) {
  const images = imageIds.length > 0 ? await options.ec2.describeImages(account, region, imageIds) : [];
  return new Map(images.map((image) => [image.imageId, image]));
}

/**
 * One CreateTags call per distinct tag set, across images, each of up to 1000 resources. The unit
 * is each plan's own calls (an image and its snapshots usually share one), merged by tag set.
 */
export function groupAcrossImages(plans: readonly TagPlan[]): CreateTagsCall[] {
  const groups = new Map<string, CreateTagsCall>();
  for (const plan of plans) {
    for (const call of plan.calls) {
      const signature = JSON.stringify(call.tags.map((tag) => [tag.key, tag.value]).sort());
      const group = groups.get(signature) ?? { tags: call.tags, resourceIds: [] };
      group.resourceIds.push(...call.resourceIds);
      groups.set(signature, group);
    }
  }
  const calls: CreateTagsCall[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.resourceIds.length; start += MAX_RESOURCES_PER_CREATE_TAGS) {
      calls.push({ tags: group.tags, resourceIds: group.resourceIds.slice(start, start + MAX_RESOURCES_PER_CREATE_TAGS) });
    }
  }
  return calls;
}
