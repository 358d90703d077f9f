/**
 * Hostile input, thousands of times: EventBridge events and direct-path payloads with any field
 * replaced by anything (wrong types, 5 MB strings, control and zero-width characters, `{...}`
 * look-alikes, prototype names), and images whose names and creators are as hostile.
 *
 * Every input ends as a parsed event or a typed InputError whose `where` names the field, with a
 * short message (a huge input is never echoed whole); and whatever an image is called, the plan
 * writes only tags EC2 accepts, or skips them with a reason.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { isInputError } from '../../src/errors';
import { parseEventBridgeEvent } from '../../src/events/eventbridge';
import { parseSpinnakerPayload, imageRefsFromPayload } from '../../src/events/spinnaker-payload';
import { loadRulesFile } from '../../src/rules/load';
import { planTags } from '../../src/tagger/plan';
import { tagProblem } from '../../src/model/tag-limits';
import { cloudTrailEvent, stateChangeEvent } from '../support/events';

type Json = unknown;
const FIVE_MB = 5 * 1024 * 1024;
/** An error message a person reads: never the whole of a huge input. */
const MAX_MESSAGE_LENGTH = 2_000;

/** Strings an attacker or a broken tool would send. */
const hostileString = fc.oneof(
  { arbitrary: fc.string(), weight: 8 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 8 },
  { arbitrary: fc.constantFrom('', ' ', '\u0000', '\u200b\u200d\ufeff', '{creator.principal}', '{{x}}', '${x}', '__proto__', 'constructor', 'toString', 'ami-', 'ami-0123456789abcdef0\n', 'us-east-1 ', 'x'.repeat(300)), weight: 8 },
  // Rare: each costs milliseconds of honest linear work.
  { arbitrary: fc.constant('a'.repeat(FIVE_MB)), weight: 1 },
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(hostileString, fc.anything({ maxDepth: 2 }), fc.constantFrom(null, undefined, 0, -1, 1e308, true, [], {}));

/** Every path to a value inside a JSON document. */
function paths(value: Json, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) => paths(child, [...prefix, key]));
  return [prefix, ...children];
}

/** A copy of `document` with the value at `path` replaced (or deleted, when `replacement` is the deletion marker). */
const DELETE = Symbol('delete');
function replaced(document: Json, path: string[], replacement: Json | typeof DELETE): Json {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy = structuredClone(document) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (replacement === DELETE) delete node[last];
  else Object.defineProperty(node, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Mutations of a valid document: one field replaced by anything, or removed, or an extra key added. */
function mutations(valid: Json): fc.Arbitrary<{ input: Json; path: string[] }> {
  const all = paths(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...all), anyValue).map(([path, value]) => ({ input: replaced(valid, path, value), path })),
    fc.constantFrom(...all.filter((path) => path.length > 0)).map((path) => ({ input: replaced(valid, path, DELETE), path })),
    fc.tuple(fc.constantFrom(...all.filter((path) => path.length === 0 || typeof pathValue(valid, path) === 'object')), hostileString, anyValue).map(([path, key, value]) => ({
      input: replaced(valid, [...path, key], value),
      path: [...path, key],
    })),
  );
}

function pathValue(document: Json, path: string[]): Json {
  let node: Json = document;
  for (const key of path) node = (node as Record<string, Json>)[key];
  return node;
}

interface Tally {
  runs: number;
  rejected: number;
  withoutField: number;
}

/** Runs `parse` on each mutated input: a value, or an InputError naming a field with a short message. */
function checkParser(valid: Json, parse: (input: Json) => unknown, numRuns: number): Tally {
  const tally: Tally = { runs: 0, rejected: 0, withoutField: 0 };
  fc.assert(
    fc.property(mutations(valid), ({ input }) => {
      tally.runs += 1;
      try {
        parse(input);
      } catch (error) {
        if (!isInputError(error)) throw new Error(`untyped error: ${String(error).slice(0, 300)}`);
        tally.rejected += 1;
        if (!error.where || error.where.trim() === '') tally.withoutField += 1;
        expect(error.message.length + (error.where?.length ?? 0) + (error.hint?.length ?? 0)).toBeLessThan(MAX_MESSAGE_LENGTH);
      }
    }),
    { numRuns, seed: 20261128 },
  );
  return tally;
}

function report(what: string, tally: Tally): void {
  process.stdout.write(`${what}: ${tally.runs} inputs, ${tally.rejected} rejected, ${tally.withoutField} rejections without a field name\n`);
}

describe('parsers take any input: a value or a typed error naming the field', () => {
  it('EventBridge events (CloudTrail and state change), every field mutated', () => {
    const samples = [
      cloudTrailEvent({ eventName: 'CreateImage', requestParameters: { instanceId: 'i-0fedcba987654321f', name: 'web-1.2.3', tagSpecificationSet: { items: [{ resourceType: 'snapshot', tags: [{ key: 'Backup', value: 'weekly' }] }] } } }),
      cloudTrailEvent({ eventName: 'CopyImage', requestParameters: { sourceRegion: 'us-east-1', sourceImageId: 'ami-0123456789abcdef0', name: 'web' } }),
      cloudTrailEvent({ eventName: 'RegisterImage', requestParameters: { name: 'x', blockDeviceMapping: { items: [{ ebs: { snapshotId: 'snap-0123456789abcdef0' } }] } } }),
      stateChangeEvent(),
    ];
    const total: Tally = { runs: 0, rejected: 0, withoutField: 0 };
    for (const sample of samples) {
      const tally = checkParser(sample, parseEventBridgeEvent, 1000);
      total.runs += tally.runs;
      total.rejected += tally.rejected;
      total.withoutField += tally.withoutField;
    }
    report('event parser', total);
    expect(total.runs).toBeGreaterThanOrEqual(4000);
    expect(total.rejected).toBeGreaterThan(total.runs / 4);
    expect(total.withoutField).toBe(0);
  });

  it('direct-path payloads, every field mutated', () => {
    const payload = { application: 'billing', pipeline: 'bake', executionId: '01J0', user: 'jane', dryRun: false, images: [{ imageId: 'ami-0123456789abcdef0', region: 'us-east-1', package: 'billing', baseOs: 'noble' }] };
    const tally = checkParser(payload, (input) => imageRefsFromPayload(parseSpinnakerPayload(input), '111122223333'), 3000);
    report('payload parser', tally);
    expect(tally.withoutField).toBe(0);
  });
});

describe('hostile image names and creators', () => {
  const rules = loadRulesFile(join(__dirname, '../../ami-tagger.yml'));
  it('give tags EC2 accepts, or a skip with a reason; never a crash', () => {
    let runs = 0;
    fc.assert(
      fc.property(hostileString, hostileString, hostileString, (name, principal, appversion) => {
        runs += 1;
        const imageId = 'ami-0123456789abcdef0';
        const ref = { account: '111122223333', region: 'us-east-1', imageId, trigger: 'CreateImage' as const, name, creator: { principal, type: 'IAMUser' } };
        const plan = planTags(rules, { ref, image: { imageId, name, state: 'available', snapshotIds: [], tags: { appversion } }, snapshotTags: {} });
        for (const tag of plan.additions[imageId] ?? []) expect(tagProblem(tag.key, tag.value, rules.strictCharacters)).toBeUndefined();
        for (const skip of plan.skipped) expect(skip.detail.length).toBeLessThan(MAX_MESSAGE_LENGTH);
      }),
      { numRuns: 1000, seed: 20261128 },
    );
    process.stdout.write(`hostile names through the plan: ${runs} images\n`);
  });
});
