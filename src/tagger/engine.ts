import type { ImageRef, Tag } from '../model/image-ref';
import type { Rules } from '../rules/rules';
import { ImageNotYetVisibleError, ResourceNotFoundError, TransientAwsError, type Ec2Gateway } from './ec2-port';
import { sameTags, tagValue, type ImageFacts, type TagMap } from '../model/facts';
import { GUESSES_TAG_KEY } from './guesses';
import type { ImageOutcome } from './outcome';
import { planTags, type SkippedTag, type TagPlan } from './plan';

/**
 * The one engine every entry point uses: ImageRef -> facts -> plan (pure) -> CreateTags -> a
 * read to verify, until the tags stand. Two invocations for one image may run at the same time
 * or in either order, and EC2 has no conditional write, so each one checks after writing what
 * it finds: snapshots listed since (the image became available in between: they get the values
 * only this invocation knows, such as the creator), and values that changed under it (reported,
 * never fought over).
 */

export type TagStatus = ImageOutcome;

/** A value ami-tagger wrote that a read right after found different: someone else wrote the key. */
export interface ChangedTag {
  resource: string;
  key: string;
  wrote: string;
  found: string | undefined;
}

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
  /** Values written that were changed by someone else right after. */
  changedUnderUs: ChangedTag[];
  /** CreateTags calls made (in a dry run: that would be made). */
  createTagsCalls: number;
  /** Things worth knowing that are not failures. */
  notes: string[];
  plan?: TagPlan;
  /** `failed`: what went wrong, and the error itself (for an entry path that rethrows it). */
  error?: string | undefined;
  cause?: unknown;
}

/**
 * EC2 is eventually consistent: right after CreateImage/CopyImage/RegisterImage, DescribeImages
 * may answer NotFound for a while (AWS docs, "Eventual consistency in the Amazon EC2 API": seconds,
 * sometimes minutes). A NotFound this soon after the event fails the invocation so that Lambda
 * retries it (twice, over about three minutes) and then the dead-letter queue holds it; later, the
 * image was deregistered and the invocation ends cleanly.
 */
export const IMAGE_VISIBILITY_WINDOW_MS = 15 * 60 * 1000;
/** Before failing, read again this many times, after these pauses: most visibility lags are seconds. */
export const NOT_FOUND_REREAD_DELAYS_MS = [1_000, 3_000] as const;
/**
 * Write-and-verify rounds per invocation. One is the usual case; a second tags snapshots that
 * were listed in the meantime; a third covers one more change. Beyond that the next event (or
 * reconcile) finishes the job.
 */
export const MAX_WRITE_ROUNDS = 3;
/**
 * A write that EC2 throttled (or that failed in a way worth another try) is tried again by the
 * engine, not inside the SDK, because someone may tag the image while the write waits: the image
 * is read again first, and the new plan keeps what they wrote. Attempts and backoff as the SDK's
 * own for throttling (@smithy/util-retry: THROTTLING_RETRY_DELAY_BASE 500 ms, doubling, full jitter).
 */
export const WRITE_ATTEMPTS = 4;
export const WRITE_BACKOFF_BASE_MS = 500;

/** Full jitter: a random pause up to base x 2^(retry - 1). */
export function writeBackoff(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * WRITE_BACKOFF_BASE_MS * 2 ** (retry - 1));
}

export interface EngineOptions {
  rules: Rules;
  ec2: Ec2Gateway;
  /** Plan and report without writing; the rules file's `dryRun` counts too. */
  dryRun?: boolean;
  /** The clock, for the visibility window. */
  now?: () => number;
  /** Pauses between re-reads of an image not yet visible (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What an earlier read of this invocation already knows, so that a read to verify does not repeat it. */
export interface KnownFacts {
  /** Snapshots read and written already: their tags as written. */
  snapshotTags: Record<string, TagMap>;
  /** Every snapshot id read already, found or not. */
  snapshotIdsRead: string[];
  sourceImageTags?: TagMap;
}

/**
 * Reads what the plan needs. Undefined when the image does not exist (as far as EC2 says now).
 * The copy source (another region, the slowest call) is read first, so that the image and its
 * snapshots are read right before the plan is written: the window for a race is as short as it gets.
 */
export async function gatherFacts(ref: ImageRef, rules: Rules, ec2: Ec2Gateway, notes: string[], known?: KnownFacts): Promise<ImageFacts | undefined> {
  const source = known ?? (await readCopySource(ref, rules, ec2, notes));
  const image = await ec2.describeImage(ref.account, ref.region, ref.imageId);
  if (!image) return undefined;
  const facts: ImageFacts = { ref, image, snapshotTags: {} };
  if (source.sourceImageTags) facts.sourceImageTags = source.sourceImageTags;

  const snapshotIds = rules.snapshots.tag ? image.snapshotIds : [];
  const unread = snapshotIds.filter((id) => !known?.snapshotIdsRead.includes(id));
  if (snapshotIds.length > 0) {
    // Always read new snapshots: one listed while the image is pending may already carry someone's tags.
    const read = unread.length > 0 ? await ec2.describeSnapshotTags(ref.account, ref.region, unread) : {};
    facts.snapshotTags = Object.fromEntries(snapshotIds.flatMap((id) => {
      const tags = Object.hasOwn(read, id) ? read[id] : known && Object.hasOwn(known.snapshotTags, id) ? known.snapshotTags[id] : undefined;
      return tags ? [[id, tags]] : [];
    }));
    const missing = snapshotIds.filter((id) => !Object.hasOwn(facts.snapshotTags, id));
    if (missing.length > 0) {
      // A snapshot listed by the image but not found: leave it out rather than fail the image.
      addNote(notes, `snapshots not found, not tagged: ${missing.join(', ')}`);
      facts.image = { ...image, snapshotIds: snapshotIds.filter((id) => Object.hasOwn(facts.snapshotTags, id)) };
      facts.missingSnapshotIds = missing;
    }
  }
  return facts;
}

/** CopyImage with `copySourceTags`: the source image's tags, read in the source region. */
async function readCopySource(ref: ImageRef, rules: Rules, ec2: Ec2Gateway, notes: string[]): Promise<Pick<KnownFacts, 'sourceImageTags'>> {
  if (!rules.copySourceTags || !ref.copiedFrom) return {};
  const source = await ec2.describeImage(ref.account, ref.copiedFrom.region, ref.copiedFrom.imageId);
  if (source) return { sourceImageTags: source.tags };
  addNote(notes, `copy source ${ref.copiedFrom.region}/${ref.copiedFrom.imageId} not found or not visible; its tags were not copied`);
  return {};
}

function addNote(notes: string[], note: string): void {
  if (!notes.includes(note)) notes.push(note);
}

/** Is this NotFound likely "not visible yet" rather than "deregistered"? Decided by the event's age. */
export function withinVisibilityWindow(ref: ImageRef, now: number): boolean {
  if (ref.eventTime === undefined) return false;
  const eventTime = Date.parse(ref.eventTime);
  return Number.isFinite(eventTime) && now - eventTime < IMAGE_VISIBILITY_WINDOW_MS;
}

/** The image's facts, reading again a few times when a recent image is not visible yet. */
async function readFacts(ref: ImageRef, options: EngineOptions, notes: string[]): Promise<ImageFacts | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  let facts = await gatherFacts(ref, options.rules, options.ec2, notes);
  for (const delay of NOT_FOUND_REREAD_DELAYS_MS) {
    if (facts || !withinVisibilityWindow(ref, now())) break;
    await sleep(delay);
    facts = await gatherFacts(ref, options.rules, options.ec2, notes);
  }
  if (!facts && withinVisibilityWindow(ref, now())) {
    throw new ImageNotYetVisibleError(
      `${ref.imageId} is not visible in ${ref.account}/${ref.region} yet (event at ${ref.eventTime}); failing so that the event is retried`,
    );
  }
  return facts;
}

export async function tagImage(ref: ImageRef, options: EngineOptions): Promise<TagOutcome> {
  const dryRun = options.dryRun === true || options.rules.dryRun;
  const notes: string[] = [];
  const base = { account: ref.account, region: ref.region, imageId: ref.imageId, trigger: ref.trigger, notes, changedUnderUs: [] as ChangedTag[], createTagsCalls: 0 };
  let facts = await readFacts(ref, options, notes);
  if (!facts) return { ...base, status: 'image-not-found', written: {}, skipped: [], snapshotIds: [] };

  const written: Record<string, Tag[]> = {};
  const sleep = options.sleep ?? realSleep;
  let failedWrites = 0;
  let plan = planTags(options.rules, facts);
  if (dryRun) {
    return { ...base, createTagsCalls: plan.calls.length, status: plan.calls.length > 0 ? 'dry-run' : 'up-to-date', written: nonEmpty(plan.additions), skipped: plan.skipped, snapshotIds: plan.snapshotIds, plan };
  }
  for (let round = 1; plan.calls.length > 0; round += 1) {
    if (round > MAX_WRITE_ROUNDS) {
      addNote(notes, `tags still changing after ${MAX_WRITE_ROUNDS} rounds; the next event or a reconcile finishes them`);
      break;
    }
    try {
      base.createTagsCalls += plan.calls.length;
      await applyPlan(plan, options.ec2);
      for (const [resource, tags] of Object.entries(plan.additions)) if (tags.length > 0) written[resource] = mergeTags(written[resource], tags);
    } catch (error) {
      if (error instanceof TransientAwsError) {
        // Throttled (or no answer): wait, read again, and plan again before writing again.
        failedWrites += 1;
        if (failedWrites >= WRITE_ATTEMPTS) throw error.cause;
        await sleep(writeBackoff(failedWrites));
        const again = await gatherFacts(ref, options.rules, options.ec2, notes, sourceOnly(facts));
        if (!again) {
          addNote(notes, 'the image was deregistered while it was being tagged');
          return { ...base, status: Object.keys(written).length > 0 ? 'tagged' : 'image-not-found', written, skipped: plan.skipped, snapshotIds: plan.snapshotIds, plan };
        }
        base.changedUnderUs.push(...appearedMeanwhile(plan, facts, again));
        facts = again;
        plan = planTags(options.rules, facts);
        round -= 1; // a retried write is not a round
        continue;
      }
      // The image or a snapshot vanished between reading and writing (CreateTags is all or
      // nothing): read again and tag what is still there.
      if (!(error instanceof ResourceNotFoundError)) throw error;
      addNote(notes, `a resource vanished while tagging (${error.message}); read again`);
    }
    // Read back: what another invocation or a person changed meanwhile, and what is new.
    const known: KnownFacts = { snapshotTags: snapshotsOf(plan), snapshotIdsRead: facts.image.snapshotIds.concat(missingSnapshots(facts)) };
    if (facts.sourceImageTags) known.sourceImageTags = facts.sourceImageTags;
    let verified = await gatherFacts(ref, options.rules, options.ec2, notes, known);
    if (verified && !sameTags(verified.image.tags, plan.finalTags[plan.imageId] ?? {})) {
      // Someone else wrote on the image meanwhile: the snapshots may have changed too.
      verified = await gatherFacts(ref, options.rules, options.ec2, notes, sourceOnly(facts));
    }
    if (!verified) {
      addNote(notes, 'the image was deregistered while it was being tagged');
      return { ...base, status: Object.keys(written).length > 0 ? 'tagged' : 'image-not-found', written, skipped: plan.skipped, snapshotIds: plan.snapshotIds, plan };
    }
    base.changedUnderUs.push(...changedValues(plan, verified));
    facts = verified;
    plan = planTags(options.rules, facts);
  }
  for (const change of base.changedUnderUs) {
    addNote(notes, `${change.resource} ${change.key}: wrote "${change.wrote}", now "${change.found ?? '(removed)'}": changed by someone else meanwhile, kept`);
  }
  if (plan.snapshotsNotYetListed) {
    addNote(notes, 'image is pending and lists no snapshots yet; the "available" event tags them');
  }
  return { ...base, status: statusOf(written), written, skipped: plan.skipped, snapshotIds: plan.snapshotIds, plan };
}

/** What a fresh read needs to know: only the copy source (read once per invocation). */
function sourceOnly(facts: ImageFacts): KnownFacts {
  return { snapshotTags: {}, snapshotIdsRead: [], ...(facts.sourceImageTags ? { sourceImageTags: facts.sourceImageTags } : {}) };
}

/** Keys this plan was about to write that someone else set while the write waited. */
function appearedMeanwhile(plan: TagPlan, before: ImageFacts, after: ImageFacts): ChangedTag[] {
  const changed: ChangedTag[] = [];
  for (const [resource, tags] of Object.entries(plan.additions)) {
    const then: TagMap | undefined = resource === before.image.imageId ? before.image.tags : before.snapshotTags[resource];
    const now: TagMap | undefined = resource === after.image.imageId ? after.image.tags : after.snapshotTags[resource];
    if (!then || !now) continue;
    for (const tag of tags) {
      if (tag.key === GUESSES_TAG_KEY) continue;
      const found = tagValue(now, tag.key);
      if (found !== tagValue(then, tag.key) && found !== tag.value) changed.push({ resource, key: tag.key, wrote: tag.value, found });
    }
  }
  return changed;
}

/** Snapshots the image lists that were not found when read (gatherFacts leaves them out of the image). */
function missingSnapshots(facts: ImageFacts): string[] {
  return facts.missingSnapshotIds ?? [];
}

/** The snapshots' tags as this plan leaves them. */
function snapshotsOf(plan: TagPlan): Record<string, TagMap> {
  return Object.fromEntries(plan.snapshotIds.flatMap((id) => (Object.hasOwn(plan.finalTags, id) && plan.finalTags[id] ? [[id, plan.finalTags[id]]] : [])));
}

function statusOf(written: Record<string, Tag[]>): TagStatus {
  return Object.keys(written).length > 0 ? 'tagged' : 'up-to-date';
}

function nonEmpty(additions: Record<string, Tag[]>): Record<string, Tag[]> {
  return Object.fromEntries(Object.entries(additions).filter(([, tags]) => tags.length > 0));
}

function mergeTags(previous: Tag[] | undefined, tags: Tag[]): Tag[] {
  const byKey = new Map((previous ?? []).map((tag) => [tag.key, tag.value]));
  for (const tag of tags) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** Values this plan wrote that the read right after does not show. */
function changedValues(plan: TagPlan, verified: ImageFacts): ChangedTag[] {
  const changed: ChangedTag[] = [];
  for (const [resource, tags] of Object.entries(plan.additions)) {
    const now: TagMap | undefined = resource === verified.image.imageId ? verified.image.tags : verified.snapshotTags[resource];
    if (now === undefined) continue; // a snapshot that vanished is noted by gatherFacts
    for (const tag of tags) {
      // The marker is ami-tagger's own bookkeeping: another invocation may rewrite it.
      if (tag.key === GUESSES_TAG_KEY) continue;
      const found = Object.hasOwn(now, tag.key) ? now[tag.key] : undefined;
      if (found !== tag.value) changed.push({ resource, key: tag.key, wrote: tag.value, found });
    }
  }
  return changed;
}

/** Carries out a plan: its CreateTags calls, in order. */
export async function applyPlan(plan: TagPlan, ec2: Ec2Gateway): Promise<void> {
  for (const call of plan.calls) await ec2.createTags(plan.account, plan.region, call);
}
