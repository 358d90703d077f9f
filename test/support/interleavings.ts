/**
 * Explores every order in which concurrent invocations for one image can take their steps.
 *
 * Each actor is an async function that talks to EC2 only through the engine's port. Every port
 * call (and every pause) is a step: the actor stops there until the scheduler lets it through,
 * then the call runs atomically against an in-memory EC2 world. World changes (the image becomes
 * visible, becomes available and lists its snapshots) are actors too, with a single step. The
 * explorer replays the actors from scratch for each schedule and enumerates schedules depth first
 * (stateless model checking), so every interleaving of the steps is run once.
 */
import { ResourceNotFoundError, type Ec2Gateway } from '../../src/tagger/ec2-port';
import type { ImageDescription, TagMap } from '../../src/model/facts';
import type { CreateTagsCall } from '../../src/model/facts';

export interface WorldImage {
  imageId: string;
  name: string;
  creationDate: string;
  state: 'pending' | 'available';
  visible: boolean;
  snapshotIds: string[];
  tags: TagMap;
}

/** One account-region of EC2, as the engine sees it through its port. */
export class Ec2World {
  readonly snapshots = new Map<string, TagMap>();
  readonly log: string[] = [];

  constructor(readonly image: WorldImage) {}

  describeImage(imageId: string): ImageDescription | undefined {
    if (imageId !== this.image.imageId || !this.image.visible) return undefined;
    return {
      imageId,
      name: this.image.name,
      state: this.image.state,
      creationDate: this.image.creationDate,
      snapshotIds: [...this.image.snapshotIds],
      tags: { ...this.image.tags },
    };
  }

  describeSnapshotTags(ids: string[]): Record<string, TagMap> {
    return Object.fromEntries(ids.flatMap((id) => (this.snapshots.has(id) ? [[id, { ...this.snapshots.get(id) }]] : [])));
  }

  createTags(call: CreateTagsCall): void {
    const targets = call.resourceIds.map((id) => (id === this.image.imageId && this.image.visible ? this.image.tags : this.snapshots.get(id)));
    if (targets.some((tags) => tags === undefined)) throw new ResourceNotFoundError(`one of ${call.resourceIds.join(', ')} does not exist`, 'snapshot');
    for (const tags of targets) for (const tag of call.tags) Object.defineProperty(tags, tag.key, { value: tag.value, enumerable: true, writable: true, configurable: true });
  }
}

interface PendingStep {
  actor: number;
  label: string;
  run: () => void;
}

/** One run of the actors under one schedule; records the choices it had at each step. */
class Scheduler {
  private pending: PendingStep[] = [];
  readonly options: number[] = [];
  readonly trace: string[] = [];

  constructor(private readonly choose: (position: number, options: number) => number) {}

  /** An actor's next step: resolves with the step's result once the scheduler picks it. */
  step<T>(actor: number, label: string, operation: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        actor,
        label,
        run: () => {
          try {
            resolve(operation());
          } catch (error) {
            reject(error);
          }
        },
      });
    });
  }

  async drive(isEnabled: (actor: number) => boolean): Promise<void> {
    for (;;) {
      await settle();
      const enabled = this.pending.filter((step) => isEnabled(step.actor)).sort((a, b) => a.actor - b.actor);
      if (enabled.length === 0) {
        if (this.pending.length > 0) throw new Error(`deadlock: ${this.pending.map((step) => step.label).join(', ')} cannot run`);
        return;
      }
      const choice = this.choose(this.options.length, enabled.length);
      this.options.push(enabled.length);
      const chosen = enabled[Math.min(choice, enabled.length - 1)] as PendingStep;
      this.pending = this.pending.filter((step) => step !== chosen);
      this.trace.push(chosen.label);
      chosen.run();
    }
  }
}

/** Lets every actor run up to its next step: no real I/O happens, so the microtask queue drains. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ActorContext {
  /** The engine's EC2 port for this actor: every call is a step. */
  ec2: Ec2Gateway;
  /** A pause (the engine's sleep): a step, so that the world may change meanwhile. */
  sleep: (ms: number) => Promise<void>;
  /** A change to the world, as one step. */
  change: (label: string, apply: () => void) => Promise<void>;
}

export interface Actor {
  name: string;
  /** The actor runs only after these actors have finished (the "available" event comes after the image is). */
  after?: string[];
  run: (context: ActorContext) => Promise<void>;
}

export interface Exploration<T> {
  interleavings: number;
  results: Array<{ trace: string[]; result: T }>;
}

type Setup<W> = () => { world: W; ec2: (context: { world: W }) => WorldPort; actors: Actor[] };

/** Runs the actors once, each step chosen by `choose`; returns the choices there were and the check's result. */
async function runOnce<W, T>(setup: Setup<W>, check: (world: W, failures: Map<string, unknown>) => T, choose: (position: number, options: number) => number) {
  const { world, ec2, actors } = setup();
  const scheduler = new Scheduler(choose);
  const finished = new Set<number>();
  const failures = new Map<string, unknown>();
  const port = ec2({ world });
  const runs = actors.map((actor, index) => {
    const context: ActorContext = {
      ec2: {
        describeImage: (_account, _region, imageId) => scheduler.step(index, `${actor.name}: DescribeImages`, () => port.describeImage(imageId)),
        describeImages: (_account, _region, ids) => scheduler.step(index, `${actor.name}: DescribeImages`, () => ids.flatMap((id) => port.describeImage(id) ?? [])),
        describeSnapshotTags: (_account, _region, ids) => scheduler.step(index, `${actor.name}: DescribeSnapshots`, () => port.describeSnapshotTags(ids)),
        createTags: (_account, _region, call) => scheduler.step(index, `${actor.name}: CreateTags ${call.tags.map((tag) => tag.key).join(',')}`, () => port.createTags(call)),
      },
      // A pause changes nothing in the world: it is not a step of its own (the reads around it are).
      sleep: () => Promise.resolve(),
      change: (label, apply) => scheduler.step(index, `${actor.name}: ${label}`, apply),
    };
    // An actor that waits for others starts with a step, so that the scheduler holds it back.
    const started = (actor.after ?? []).length > 0 ? scheduler.step(index, `${actor.name}: starts`, () => undefined) : Promise.resolve();
    return started
      .then(() => actor.run(context))
      .then(
        () => finished.add(index),
        (error: unknown) => {
          failures.set(actor.name, error);
          finished.add(index);
        },
      );
  });
  const byName = new Map(actors.map((actor, index) => [actor.name, index]));
  const isEnabled = (index: number): boolean => (actors[index]?.after ?? []).every((name) => finished.has(byName.get(name) ?? -1));
  await scheduler.drive(isEnabled);
  await Promise.all(runs);
  return { options: scheduler.options, trace: scheduler.trace, result: check(world, failures) };
}

/**
 * Runs `setup` and the actors under every schedule, depth first; `check` reads the final world of
 * each run. Stops at `limit` runs (the count says whether it was reached).
 */
export async function exploreInterleavings<W, T>(setup: Setup<W>, check: (world: W, failures: Map<string, unknown>) => T, limit = 20_000): Promise<Exploration<T>> {
  const results: Array<{ trace: string[]; result: T }> = [];
  const stack: number[][] = [[]];
  while (stack.length > 0 && results.length < limit) {
    const schedule = stack.pop() as number[];
    const run = await runOnce(setup, check, (position) => (position < schedule.length ? (schedule[position] ?? 0) : 0));
    results.push({ trace: run.trace, result: run.result });
    // Branch at every step past the forced prefix: the other choices it had.
    for (let position = run.options.length - 1; position >= schedule.length; position -= 1) {
      for (let alternative = (run.options[position] ?? 1) - 1; alternative > 0; alternative -= 1) {
        const prefix = schedule.slice(0, position);
        while (prefix.length < position) prefix.push(0);
        stack.push([...prefix, alternative]);
      }
    }
  }
  return { interleavings: results.length, results };
}

/** `runs` schedules drawn at random from a seeded generator, for spaces too large to run whole. */
export async function sampleInterleavings<W, T>(setup: Setup<W>, check: (world: W, failures: Map<string, unknown>) => T, runs: number, seed: number): Promise<Exploration<T>> {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: small, seeded, good enough to spread schedules.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const results: Array<{ trace: string[]; result: T }> = [];
  for (let index = 0; index < runs; index += 1) {
    const run = await runOnce(setup, check, (_position, options) => Math.floor(random() * options));
    results.push({ trace: run.trace, result: run.result });
  }
  return { interleavings: results.length, results };
}

/** The synchronous world operations an actor's port calls map to. */
export interface WorldPort {
  describeImage(imageId: string): ImageDescription | undefined;
  describeSnapshotTags(ids: string[]): Record<string, TagMap>;
  createTags(call: CreateTagsCall): void;
}
