import type { ImageRef } from '../model/image-ref';
import type { Rules } from '../rules/rules';
import type { Ec2Gateway } from '../tagger/ec2-port';
import type { EngineOptions, TagOutcome } from '../tagger/engine';
import type { ImageDescription, TagMap } from '../model/facts';
import { reportedSkips } from '../tagger/summary';
import { tagImages } from '../tagger/tag-images';
import { imagesNeedingCreator, lookupCreations, type Creation } from './creators';
import { imageQuery, keptByFilter, type ImageFilter } from './filters';
import { PacedEc2Gateway } from './paced-gateway';
import { refOfEntry, tagsDigest, type PlanEntry, type PlanFile } from './plan-file';
import type { AccountGateway, EstateGateway, TrailGateway } from './ports';
import { DEFAULT_RATES, mapConcurrently, RateLimiter, REAL_CLOCK, THROTTLED_PAUSE_MS, type Clock, type Rates } from './rate';
import { tagShareTargets, type ShareReport } from './share-targets';
import { summarize, type BackfillSummary, type ImageResult, type TargetFailure } from './summary';

/**
 * Backfill: every own image of the accounts and regions asked for (or of a reviewed plan), through
 * the one use case every entry path calls (tagImages), with the writes paced so that the live event
 * path keeps its share of EC2's buckets. Reconcile is the same run for one account and region over
 * a recent window. Per account and region: page the images (1000 a page) and keep those the
 * filters keep; read their snapshots' tags in bulk; find missing creators in CloudTrail's history;
 * tag them in chunks (so that progress shows and an interruption loses little); then, if asked, tag
 * the accounts the images are shared with. One failing account or region does not stop the others.
 */

/** Account-regions worked on at once. Each has its own EC2 buckets, so they do not slow each other. */
export const DEFAULT_CONCURRENCY = 4;
/**
 * Resources (an image and its snapshots) handed to the engine at a time. The engine groups writes
 * across the images of one call, so a tag set shared by all of them costs one CreateTags per 1000
 * resources; 2000 keeps that bound and the read back at 200 ids a call, and progress moving.
 */
export const CHUNK_RESOURCES = 2000;

export interface BackfillOptions {
  rules: Rules;
  /** The accounts to scan. */
  accounts: readonly string[];
  /** `all`: the regions enabled in each account (DescribeRegions). */
  regions: 'all' | readonly string[];
  filter: ImageFilter;
  dryRun: boolean;
  /** Fill missing creators from CloudTrail's event history. */
  lookup: boolean;
  /** Tag the accounts each image is shared with (their own view of it). */
  shareTargets: boolean;
  /** Why ami-tagger may not act in an account (share targets), or undefined when it may. */
  unreachableBecause?: (account: string) => string | undefined;
  /** Calls per second per account and region. */
  rates?: Partial<Rates>;
  concurrency?: number;
  /** Carry out this reviewed plan instead of scanning. */
  apply?: PlanFile;
  /** Stop starting new work: what is in flight finishes, the rest is reported as interrupted. */
  signal?: AbortSignal;
  /** Pacing time (tests pass a virtual clock). */
  clock?: Clock;
  /** Wall-clock time, for CloudTrail's window and image ages. */
  now?: () => number;
  /** The engine's pause between tries (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

export interface BackfillDeps {
  /** The engine's port (SdkEc2Gateway): backfill paces it. */
  ec2: Ec2Gateway;
  estate: EstateGateway;
  /** Regions of an account (`all`) and launch permissions (share targets); needed only for those. */
  accounts?: AccountGateway;
  /** CloudTrail's event history; without it, no lookup. */
  trail?: TrailGateway;
  /** AWS calls made so far, by kind, and throttled attempts (src/aws/estate.ts CallMeter). */
  meter?: { calls: ReadonlyMap<string, number>; totalThrottled(): number; onThrottled(listener: (account: string, region: string, kind: string) => void): void };
}

export type BackfillEvent =
  | { kind: 'discovered'; account: string; region: string; images: number }
  | { kind: 'image'; result: ImageResult }
  | { kind: 'written'; account: string; region: string; resources: number }
  | { kind: 'target-failed'; failure: TargetFailure }
  | { kind: 'warning'; message: string };

export interface BackfillReport {
  results: ImageResult[];
  summary: BackfillSummary;
  shares: ShareReport[];
}

interface Target {
  account: string;
  region: string;
  /** With --apply: the plan's entries for this account and region. */
  entries?: PlanEntry[];
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The account-regions to work on: the regions asked for, or each account's enabled ones; or the plan's. */
async function resolveTargets(options: BackfillOptions, gateway: AccountGateway | undefined, failures: TargetFailure[], emit: (event: BackfillEvent) => void): Promise<Target[]> {
  if (options.apply) {
    const byPlace = new Map<string, Target>();
    for (const entry of options.apply.images) {
      const key = `${entry.account}/${entry.region}`;
      const target = byPlace.get(key) ?? { account: entry.account, region: entry.region, entries: [] };
      target.entries?.push(entry);
      byPlace.set(key, target);
    }
    return [...byPlace.values()];
  }
  const regions = options.regions;
  const perAccount = await mapConcurrently(options.accounts, options.concurrency ?? DEFAULT_CONCURRENCY, async (account): Promise<Target[]> => {
    if (regions !== 'all') return regions.map((region) => ({ account, region }));
    try {
      if (!gateway) throw new Error('no way to list the regions of an account was given');
      return (await gateway.enabledRegions(account)).map((region) => ({ account, region }));
    } catch (error) {
      const failure = { account, region: '*', error: `its regions could not be listed: ${describeError(error)}` };
      failures.push(failure);
      emit({ kind: 'target-failed', failure });
      return [];
    }
  });
  return perAccount.flat();
}

/** Chunks of images whose resources (the image and its snapshots) add up to at most `limit`. */
function chunkByResources<T>(items: readonly T[], resourcesOf: (item: T) => number, limit: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const resources = resourcesOf(item);
    if (current.length > 0 && size + resources > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += resources;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export async function runBackfill(options: BackfillOptions, deps: BackfillDeps, onEvent: (event: BackfillEvent) => void = () => undefined): Promise<BackfillReport> {
  const clock = options.clock ?? REAL_CLOCK;
  const started = clock.now();
  const rates = { ...DEFAULT_RATES, ...options.rates };
  // Writes may catch up on at most one second of slots (a call that took longer than its interval):
  // the average stays at the rate, and the burst is a few calls against EC2's bucket of 100.
  const limiters = {
    write: new RateLimiter(rates.write, clock, Math.max(1, Math.floor(rates.write))),
    read: new RateLimiter(rates.read, clock),
    lookup: new RateLimiter(rates.lookup, clock),
  };
  // Someone else is using the bucket (the event path, another tool): give it room.
  deps.meter?.onThrottled((account, region, kind) => {
    if (kind === 'CreateTags') limiters.write.pause(`${account}/${region}`, THROTTLED_PAUSE_MS);
  });
  const paced = new PacedEc2Gateway(deps.ec2, limiters);
  const engine: EngineOptions = { rules: options.rules, ec2: paced, dryRun: options.dryRun, ...(options.sleep ? { sleep: options.sleep } : {}) };
  const results: ImageResult[] = [];
  const failures: TargetFailure[] = [];
  const warnings: string[] = [];
  const shares: ShareReport[] = [];
  const emit = (event: BackfillEvent): void => {
    if (event.kind === 'image') results.push(event.result);
    if (event.kind === 'warning') warnings.push(event.message);
    onEvent(event);
  };

  const targets = await resolveTargets(options, deps.accounts, failures, emit);
  await mapConcurrently(targets, options.concurrency ?? DEFAULT_CONCURRENCY, async (target) => {
    try {
      await backfillTarget(target, { options, deps, engine, paced, limiters, clock, emit, shares });
    } catch (error) {
      const failure = { account: target.account, region: target.region, error: describeError(error) };
      failures.push(failure);
      emit({ kind: 'target-failed', failure });
    }
  });
  // Images named by --image-ids that no account-region has (unless that account-region failed).
  if (options.filter.imageIds && !options.apply && failures.length === 0) {
    const seen = new Set(results.map((result) => result.imageId));
    for (const imageId of options.filter.imageIds) {
      if (seen.has(imageId)) continue;
      const place = targets.length === 1 ? targets[0] : undefined;
      emit({ kind: 'image', result: { ...baseResult({ imageId }, place?.account ?? '', place?.region ?? ''), status: 'image-not-found', notes: ['not among the own images of the accounts and region asked for'] } });
    }
  }

  const summary = summarize(results, {
    targets: targets.length,
    failedTargets: failures,
    warnings,
    shares: options.shareTargets ? shares : undefined,
    apiCalls: Object.fromEntries([...(deps.meter?.calls ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b))),
    throttledAttempts: deps.meter?.totalThrottled() ?? 0,
    seconds: (clock.now() - started) / 1000,
  });
  return { results, summary, shares };
}

interface TargetContext {
  options: BackfillOptions;
  deps: BackfillDeps;
  engine: EngineOptions;
  paced: PacedEc2Gateway;
  limiters: { write: RateLimiter; read: RateLimiter; lookup: RateLimiter };
  clock: Clock;
  emit: (event: BackfillEvent) => void;
  shares: ShareReport[];
}

function baseResult(image: Pick<ImageDescription, 'imageId' | 'name'>, account: string, region: string): Omit<ImageResult, 'status'> {
  return { account, region, imageId: image.imageId, ...(image.name ? { name: image.name } : {}), written: {}, skipped: [], createTagsCalls: 0, notes: [] };
}

async function discover(target: Target, context: TargetContext): Promise<ImageDescription[]> {
  const { account, region } = target;
  const { options, deps, limiters } = context;
  const images: ImageDescription[] = [];
  const query = target.entries ? { imageIds: target.entries.map((entry) => entry.imageId) } : imageQuery(options.filter);
  await limiters.read.take(`${account}/${region}`);
  for await (const page of deps.estate.ownImages(account, region, query)) {
    images.push(...(target.entries ? page.images : page.images.filter((image) => keptByFilter(image, options.filter))));
    await limiters.read.take(`${account}/${region}`);
  }
  return images;
}

async function backfillTarget(target: Target, context: TargetContext): Promise<void> {
  const { account, region } = target;
  const { options, deps, engine, paced, limiters, emit } = context;
  if (options.signal?.aborted) return;
  const images = await discover(target, context);
  emit({ kind: 'discovered', account, region, images: target.entries ? target.entries.length : images.length });

  const snapshotIds = options.rules.snapshots.tag ? [...new Set(images.flatMap((image) => image.snapshotIds))] : [];
  const snapshotTags: Record<string, TagMap> = snapshotIds.length > 0 ? await deps.estate.snapshotTags(account, region, snapshotIds) : {};

  // Who made them, from CloudTrail's history: only for images missing a creator tag, once per account and region.
  let creations = new Map<string, Creation>();
  if (options.lookup && deps.trail && !target.entries) {
    const now = (options.now ?? Date.now)();
    const needing = imagesNeedingCreator(options.rules, images, now);
    try {
      creations = await lookupCreations(account, region, needing, { trail: deps.trail, limiter: limiters.lookup, now });
    } catch (error) {
      emit({ kind: 'warning', message: `${account}/${region}: the creator lookup in CloudTrail's event history failed, images are tagged without it: ${describeError(error)}` });
    }
  }

  const refs: ImageRef[] = [];
  const digests = new Map<string, string>();
  const byId = new Map(images.map((image) => [image.imageId, image]));
  if (target.entries) {
    // A reviewed plan: only images whose tags are as they were when it was made.
    for (const entry of target.entries) {
      const image = byId.get(entry.imageId);
      if (!image) emit({ kind: 'image', result: { ...baseResult({ imageId: entry.imageId, ...(entry.name ? { name: entry.name } : {}) }, account, region), status: 'image-not-found' } });
      else if (tagsDigest(image, snapshotTags) !== entry.tagsDigest) emit({ kind: 'image', result: { ...baseResult(image, account, region), status: 'changed-since-plan' } });
      else refs.push(refOfEntry(entry));
    }
  } else {
    for (const image of images) {
      const ref: ImageRef = { account, region, imageId: image.imageId, trigger: 'Backfill' };
      if (image.name) ref.name = image.name;
      const creation = creations.get(image.imageId);
      if (creation?.creator) ref.creator = creation.creator;
      if (creation?.copiedFrom) ref.copiedFrom = creation.copiedFrom;
      refs.push(ref);
    }
  }
  for (const image of images) digests.set(image.imageId, tagsDigest(image, snapshotTags));
  paced.prefetch(account, region, images, snapshotTags);

  const resourcesOf = (ref: ImageRef): number => 1 + (options.rules.snapshots.tag ? (byId.get(ref.imageId)?.snapshotIds.length ?? 0) : 0);
  const sharedImages: Array<{ imageId: string; tags: TagMap }> = [];
  for (const chunk of chunkByResources(refs, resourcesOf, CHUNK_RESOURCES)) {
    if (options.signal?.aborted) {
      for (const ref of chunk) emit({ kind: 'image', result: { ...baseResult({ imageId: ref.imageId, ...(ref.name ? { name: ref.name } : {}) }, account, region), status: 'interrupted' } });
      paced.forget(account, region, chunk.map((ref) => ref.imageId));
      continue;
    }
    const outcomes = await tagImages(chunk, engine);
    chunk.forEach((ref, index) => {
      const outcome = outcomes[index];
      if (!outcome) return;
      const result = imageResult(outcome, ref, byId.get(ref.imageId), creations.has(ref.imageId) && ref.creator !== undefined);
      if (outcome.status === 'dry-run') result.planEntry = planEntryOf(outcome, ref, digests.get(ref.imageId) ?? '', byId.get(ref.imageId)?.name);
      emit({ kind: 'image', result });
      if (options.shareTargets && (outcome.status === 'tagged' || outcome.status === 'up-to-date' || outcome.status === 'dry-run')) {
        sharedImages.push({ imageId: ref.imageId, tags: outcome.plan?.finalTags[ref.imageId] ?? byId.get(ref.imageId)?.tags ?? {} });
      }
    });
    const written = outcomes.reduce((sum, outcome) => sum + Object.keys(outcome.written).length, 0);
    if (written > 0 && !options.dryRun) emit({ kind: 'written', account, region, resources: written });
  }

  if (options.shareTargets && sharedImages.length > 0) {
    if (!deps.accounts) throw new Error('share targets need the launch permissions, and no way to read them was given');
    const report = await tagShareTargets(account, region, sharedImages, {
      estate: deps.estate,
      accounts: deps.accounts,
      ec2: paced,
      readLimiter: limiters.read,
      unreachableBecause: options.unreachableBecause ?? (() => undefined),
      dryRun: options.dryRun,
    });
    context.shares.push(report);
  }
}

function imageResult(outcome: TagOutcome, ref: ImageRef, image: ImageDescription | undefined, creatorFromHistory: boolean): ImageResult {
  const result: ImageResult = {
    account: outcome.account,
    region: outcome.region,
    imageId: outcome.imageId,
    ...(image?.name ? { name: image.name } : {}),
    status: outcome.status,
    written: outcome.written,
    skipped: reportedSkips(outcome).reported,
    createTagsCalls: outcome.createTagsCalls,
    notes: outcome.notes,
  };
  if (creatorFromHistory) result.creatorFromHistory = true;
  if (outcome.error !== undefined) result.error = outcome.error;
  if (ref.creator === undefined && outcome.skipped.some((skip) => skip.detail.includes('{creator.'))) {
    result.notes = [...result.notes, 'no creator: the image is older than CloudTrail\'s 90 days of history, or its creating call is not there (or --no-lookup)'];
  }
  return result;
}

function planEntryOf(outcome: TagOutcome, ref: ImageRef, digest: string, name: string | undefined): PlanEntry {
  return {
    account: ref.account,
    region: ref.region,
    imageId: ref.imageId,
    ...(name ? { name } : {}),
    ref: { ...(ref.creator ? { creator: ref.creator } : {}), ...(ref.copiedFrom ? { copiedFrom: ref.copiedFrom } : {}) },
    tagsDigest: digest,
    writes: outcome.written,
  };
}
