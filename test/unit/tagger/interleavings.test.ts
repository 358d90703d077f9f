/**
 * The promises under real timing: the events of one image (CreateImage, "available") and a
 * direct payload, run through every order of their steps, with the image becoming available (and
 * visible) at any point between them. Whatever the order: every tag ends on the AMI and every
 * snapshot, the creator included; no value someone else set is replaced; nothing is lost to an
 * invocation that ended "successfully" too early.
 */
import { join } from 'node:path';
import { imageRefsFromPayload, parseSpinnakerPayload } from '../../../src/events/spinnaker-payload';
import type { ImageRef } from '../../../src/model/image-ref';
import { loadRulesFile } from '../../../src/rules/load';
import { ImageNotYetVisibleError } from '../../../src/tagger/ec2-port';
import { tagImage, IMAGE_VISIBILITY_WINDOW_MS } from '../../../src/tagger/engine';
import { GUESSES_TAG_KEY } from '../../../src/tagger/guesses';
import { Ec2World, exploreInterleavings, sampleInterleavings, type Actor, type ActorContext } from '../../support/interleavings';

const rules = loadRulesFile(join(__dirname, '../../../ami-tagger.yml'));
const ACCOUNT = '210987654321';
const REGION = 'us-west-2';
const IMAGE = 'ami-0aaaaaaaaaaaaaaa1';
const SNAPSHOTS = ['snap-0aaaaaaaaaaaaaaa1', 'snap-0bbbbbbbbbbbbbbb2'];
const NAME = 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble';
const CREATED = '2026-10-02T08:14:10.000Z';
/** Someone else's tag on a snapshot, under a key the rules also write: it must stay. */
const FOREIGN = { Version: '3.2.0-hotfix', Backup: 'weekly' };
const NOW = Date.parse(CREATED) + 60_000;

const createRef: ImageRef = {
  account: ACCOUNT,
  region: REGION,
  imageId: IMAGE,
  trigger: 'CreateImage',
  eventTime: CREATED,
  name: NAME,
  creator: { principal: 'bakery-instance', type: 'AssumedRole', role: 'bakery-instance', session: 'i-0a1b2c3d4e5f67890' },
};
const availableRef: ImageRef = { account: ACCOUNT, region: REGION, imageId: IMAGE, trigger: 'ImageAvailable', eventTime: CREATED };
const [directRef] = imageRefsFromPayload(
  parseSpinnakerPayload({ application: 'billing', pipeline: 'bake', executionId: '01J0', user: 'jane', images: [{ imageId: IMAGE, region: REGION, package: 'billing' }] }),
  ACCOUNT,
) as [ImageRef];

/** One Lambda invocation, retried as Lambda retries an async event (twice) when it fails. */
function invocation(ref: ImageRef, attempts: { first?: unknown }, attempt: 'first' | 'retry'): (context: ActorContext) => Promise<void> {
  return async (context) => {
    if (attempt === 'retry' && attempts.first === undefined) return; // the first attempt succeeded
    const engine = { rules, ec2: context.ec2, sleep: context.sleep, now: () => NOW };
    try {
      await tagImage(ref, engine);
    } catch (error) {
      if (attempt === 'first') attempts.first = error;
      throw error;
    }
  };
}

interface Scenario {
  visibleAtStart: boolean;
  direct: boolean;
  /** Without the "available" event: the direct payload and CreateImage alone. */
  noAvailableEvent?: boolean;
}

function setup(scenario: Scenario) {
  return () => {
    const world = new Ec2World({ imageId: IMAGE, name: NAME, creationDate: CREATED, state: 'pending', visible: scenario.visibleAtStart, snapshotIds: [], tags: {} });
    const createAttempts: { first?: unknown } = {};
    const actors: Actor[] = [];
    if (!scenario.visibleAtStart) {
      actors.push({ name: 'EC2: image visible', run: (context) => context.change('visible', () => (world.image.visible = true)) });
    }
    actors.push(
      {
        name: 'EC2: image available',
        after: scenario.visibleAtStart ? [] : ['EC2: image visible'],
        run: (context) =>
          context.change('available', () => {
            SNAPSHOTS.forEach((id, index) => world.snapshots.set(id, index === 0 ? { ...FOREIGN } : {}));
            world.image.state = 'available';
            world.image.snapshotIds = [...SNAPSHOTS];
          }),
      },
      { name: 'CreateImage', run: invocation(createRef, createAttempts, 'first') },
    );
    if (!scenario.noAvailableEvent) actors.push({ name: 'available', after: ['EC2: image available'], run: invocation(availableRef, {}, 'first') });
    // Lambda's retry comes a minute later: EC2's visibility lag (seconds) is over by then.
    if (!scenario.visibleAtStart) actors.push({ name: 'CreateImage retry', after: ['CreateImage', 'EC2: image visible'], run: invocation(createRef, createAttempts, 'retry') });
    if (scenario.direct) actors.push({ name: 'direct payload', after: ['EC2: image available'], run: invocation(directRef, {}, 'first') });
    return { world, ec2: ({ world: w }: { world: Ec2World }) => ({ describeImage: (id: string) => w.describeImage(id), describeSnapshotTags: (ids: string[]) => w.describeSnapshotTags(ids), createTags: (call: Parameters<Ec2World['createTags']>[0]) => w.createTags(call) }), actors };
  };
}

/** What is wrong with the final tags of one run; empty when the promises hold. */
function problems(world: Ec2World, failures: Map<string, unknown>, scenario: Scenario): string[] {
  const found: string[] = [];
  for (const [actor, error] of failures) {
    const retried = actor === 'CreateImage' && error instanceof ImageNotYetVisibleError && !failures.has('CreateImage retry');
    if (!retried) found.push(`${actor} failed: ${String(error)}`);
  }
  const image = world.image.tags;
  const expected = ['ManagedBy', 'CreatedBy', 'CreatedAt', 'CreatedVia', 'Application', 'Version', ...(scenario.direct ? ['SpinnakerApplication', 'SpinnakerPipeline', 'SpinnakerExecution', 'TriggeredBy'] : [])];
  for (const key of expected) if (!Object.hasOwn(image, key)) found.push(`AMI lacks ${key}`);
  if (image.CreatedBy !== 'bakery-instance') found.push(`AMI CreatedBy is ${image.CreatedBy}`);
  for (const id of SNAPSHOTS) {
    const tags = world.snapshots.get(id) ?? {};
    for (const [key, value] of Object.entries(id === SNAPSHOTS[0] ? FOREIGN : {})) if (tags[key] !== value) found.push(`${id}: someone's ${key}=${value} replaced by ${tags[key]}`);
    for (const key of expected) {
      if (id === SNAPSHOTS[0] && Object.hasOwn(FOREIGN, key)) continue;
      if (tags[key] !== image[key]) found.push(`${id}: ${key} is ${tags[key]}, the AMI's is ${image[key]}`);
    }
  }
  return found;
}

/** Which Application value won: Spinnaker's package is the better source than the image name. */
const application = (world: Ec2World): string | undefined => world.image.tags.Application;

const runsOf = (scenario: Scenario) => async () => {
  return { setup: setup(scenario), check: (world: Ec2World, failures: Map<string, unknown>) => ({ problems: problems(world, failures, scenario), application: application(world) }) };
};

function report(label: string, exploration: { interleavings: number; results: Array<{ trace: string[]; result: { problems: string[] } }> }) {
  const broken = exploration.results.filter((run) => run.result.problems.length > 0);
  process.stdout.write(`interleavings (${label}): ${exploration.interleavings}, with a lost or replaced tag: ${broken.length}\n`);
  return broken.slice(0, 3).map((run) => ({ trace: run.trace, problems: run.result.problems }));
}

describe('every interleaving of one image\'s invocations', () => {
  it.each([
    { label: 'CreateImage and "available", the image visible from the start', visibleAtStart: true, direct: false },
  ])('$label: every order, complete, creator on every snapshot, nothing replaced', async (scenario) => {
    const { setup: build, check } = await runsOf(scenario)();
    const exploration = await exploreInterleavings(build, check);
    expect(exploration.interleavings).toBeGreaterThan(100);
    expect(exploration.interleavings).toBeLessThan(20_000); // all of them, not a sample
    expect(report(scenario.label, exploration)).toEqual([]);
  });

  it.each([
    { label: 'CreateImage and "available", the image not visible at first (eventual consistency)', visibleAtStart: false, direct: false },
    { label: 'CreateImage and the direct payload', visibleAtStart: true, direct: true, noAvailableEvent: true },
    { label: 'CreateImage, "available" and the direct payload', visibleAtStart: true, direct: true },
  ])('$label: 3000 seeded random orders (too many to run all), complete, nothing replaced', async (scenario) => {
    const { setup: build, check } = await runsOf(scenario)();
    const exploration = await sampleInterleavings(build, check, 3000, 20261128);
    expect(report(scenario.label, exploration)).toEqual([]);
  });

  it('the visibility window is minutes, and the engine reads a not-yet-visible image again before failing', () => {
    expect(IMAGE_VISIBILITY_WINDOW_MS).toBeGreaterThanOrEqual(5 * 60_000);
  });
});
