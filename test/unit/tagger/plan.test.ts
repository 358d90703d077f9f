import fc from 'fast-check';
import type { ImageRef } from '../../../src/model/image-ref';
import { parseRules, type Rules } from '../../../src/rules/rules';
import type { ImageFacts, TagMap } from '../../../src/model/facts';
import { GUESSES_TAG_KEY, valueHash } from '../../../src/tagger/guesses';
import { MAX_TAGS_PER_RESOURCE } from '../../../src/model/tag-limits';
import { groupIntoCalls, planTags, type TagPlan } from '../../../src/tagger/plan';

const IMAGE = 'ami-0aaaaaaaaaaaaaaa1';
const SNAP_A = 'snap-0aaaaaaaaaaaaaaa1';
const SNAP_B = 'snap-0bbbbbbbbbbbbbbb2';

const createRef: ImageRef = {
  account: '210987654321',
  region: 'us-west-2',
  imageId: IMAGE,
  trigger: 'CreateImage',
  eventTime: '2026-10-02T08:15:00Z',
  name: 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble',
  creator: { principal: 'bakery-instance', type: 'AssumedRole', role: 'bakery-instance', session: 'i-0a1b2c3d4e5f67890' },
};
const availableRef: ImageRef = { account: createRef.account, region: createRef.region, imageId: IMAGE, trigger: 'ImageAvailable' };

const rules = (document: Record<string, unknown>): Rules => parseRules(document, 'test rules');
const baseRules = rules({
  tags: { ManagedBy: 'ami-tagger', CreatedBy: '{creator.principal}', CreatedAt: '{image.creationDate}', Application: '{appversion.package|name.app}', Version: '{appversion.version|name.version}' },
  nameMatch: '^(?<app>[a-z][a-z0-9-]*?)-(?<version>\\d[\\w.~]*)-',
});

function facts(ref: ImageRef, image: { tags?: TagMap; snapshots?: Record<string, TagMap>; state?: string }, sourceImageTags?: TagMap): ImageFacts {
  const snapshots = image.snapshots ?? {};
  return {
    ref,
    image: { imageId: IMAGE, name: createRef.name, state: image.state ?? 'available', creationDate: '2026-10-02T08:14:10.000Z', snapshotIds: Object.keys(snapshots), tags: image.tags ?? {} },
    snapshotTags: snapshots,
    ...(sourceImageTags ? { sourceImageTags } : {}),
  };
}

const tagsOf = (plan: TagPlan, resource: string): TagMap => Object.fromEntries((plan.additions[resource] ?? []).map((tag) => [tag.key, tag.value]));

describe('planTags', () => {
  it('a new pending image: rules rendered from the event and the name, one CreateTags, snapshots later', () => {
    const plan = planTags(baseRules, facts(createRef, { state: 'pending' }));
    expect(tagsOf(plan, IMAGE)).toEqual({
      ManagedBy: 'ami-tagger',
      CreatedBy: 'bakery-instance',
      CreatedAt: '2026-10-02T08:14:10.000Z',
      Application: 'billing-svc',
      Version: '3.2.0',
      // Both came from the name, the rules' second choice: guesses a better source may replace.
      [GUESSES_TAG_KEY]: `1.${valueHash('billing-svc')}.Application,1.${valueHash('3.2.0')}.Version`,
    });
    expect(plan.calls).toEqual([{ resourceIds: [IMAGE], tags: plan.additions[IMAGE] }]);
    expect(plan.snapshotsNotYetListed).toBe(true);
  });

  describe('guesses: ami-tagger replaces only its own guesses, and only with a better source', () => {
    const spinnakerRules = rules({
      tags: { Application: '{appversion.package|spinnaker.package|name.app}' },
      nameMatch: '^(?<app>[a-z][a-z0-9-]*?)-(?<version>\\d[\\w.~]*)-',
    });
    const directRef: ImageRef = { ...availableRef, trigger: 'Spinnaker', pipeline: { package: 'billing' } };
    const guessed = { Application: 'billing-svc', [GUESSES_TAG_KEY]: `2.${valueHash('billing-svc')}.Application` };

    it('a value guessed from the name gets the marker; Spinnaker\'s package then replaces it', () => {
      expect(tagsOf(planTags(spinnakerRules, facts(createRef, {})), IMAGE)).toEqual(guessed);
      const plan = planTags(spinnakerRules, facts(directRef, { tags: guessed }));
      expect(tagsOf(plan, IMAGE)).toEqual({ Application: 'billing', [GUESSES_TAG_KEY]: `1.${valueHash('billing')}.Application` });
    });

    it('a worse source never replaces a better one', () => {
      const better = { Application: 'billing', [GUESSES_TAG_KEY]: `1.${valueHash('billing')}.Application` };
      const plan = planTags(spinnakerRules, facts(createRef, { tags: better }));
      expect(plan.calls).toEqual([]);
      // It even takes the better value as its own: the image name's guess is not written anywhere.
      expect(plan.finalTags[IMAGE]).toEqual(better);
    });

    it('a guess that someone edited since is theirs: kept', () => {
      const edited = { ...guessed, Application: 'billing-by-hand' };
      const plan = planTags(spinnakerRules, facts(directRef, { tags: edited }));
      expect(plan.calls).toEqual([]);
    });

    it('the best source removes the key from the marker, and the snapshots follow the image', () => {
      const plan = planTags(spinnakerRules, facts(createRef, { tags: { ...guessed, appversion: 'billing-core-3.2.1-h43.ffee001' }, snapshots: { [SNAP_A]: guessed } }));
      expect(tagsOf(plan, IMAGE)).toEqual({ Application: 'billing-core', [GUESSES_TAG_KEY]: '' });
      expect(tagsOf(plan, SNAP_A)).toMatchObject({ Application: 'billing-core', [GUESSES_TAG_KEY]: '' });
    });

    it('the final tags are the same whichever of the event and the direct payload comes first', () => {
      const apply = (tags: TagMap, ref: ImageRef): TagMap => ({ ...tags, ...tagsOf(planTags(spinnakerRules, facts(ref, { tags })), IMAGE) });
      expect(apply(apply({}, createRef), directRef)).toEqual(apply(apply({}, directRef), createRef));
    });
  });

  it('prefers the facts in the bake\'s appversion tag over the name', () => {
    const plan = planTags(baseRules, facts(createRef, { tags: { appversion: 'billing-core-3.2.1-h43.ffee001/billing-build/43' } }));
    expect(tagsOf(plan, IMAGE)).toMatchObject({ Application: 'billing-core', Version: '3.2.1' });
  });

  it('a copy: a rule tag with no value here that the source image carries is written from the source, and not also listed as skipped', () => {
    const copyRules = rules({ tags: { ManagedBy: 'ami-tagger', BuildNumber: '{appversion.buildNumber}' }, copySourceTags: true });
    const copyRef: ImageRef = { ...createRef, trigger: 'CopyImage', copiedFrom: { region: 'us-east-1', imageId: 'ami-0bbbbbbbbbbbbbbb2' } };
    const plan = planTags(copyRules, facts(copyRef, {}, { BuildNumber: '42', Team: 'payments' }));
    expect(tagsOf(plan, IMAGE)).toEqual({ ManagedBy: 'ami-tagger', BuildNumber: '42', Team: 'payments' });
    expect(plan.skipped).toEqual([]);
  });

  it('a copy reads the appversion it inherits from its source: no guess from the name, no marker to correct later', () => {
    const copyRef: ImageRef = { ...createRef, trigger: 'CopyImage', copiedFrom: { region: 'us-east-1', imageId: 'ami-0bbbbbbbbbbbbbbb2' } };
    const plan = planTags(rules({ ...baseRules, copySourceTags: true }), facts(copyRef, {}, { appversion: 'billing-core-3.2.1-h43.ffee001/billing-build/43' }));
    expect(tagsOf(plan, IMAGE)).toMatchObject({ Application: 'billing-core', Version: '3.2.1', appversion: 'billing-core-3.2.1-h43.ffee001/billing-build/43' });
    expect(tagsOf(plan, IMAGE)).not.toHaveProperty(GUESSES_TAG_KEY);
  });

  it('the image and all its snapshots in one call', () => {
    const plan = planTags(baseRules, facts(createRef, { snapshots: { [SNAP_A]: {}, [SNAP_B]: {} } }));
    expect(plan.calls).toHaveLength(1);
    expect(plan.calls[0]?.resourceIds).toEqual([IMAGE, SNAP_A, SNAP_B]);
  });

  it('the "available" event gives snapshots the image\'s values, creator included, though it knows no caller', () => {
    const imageTags = { ManagedBy: 'ami-tagger', CreatedBy: 'bakery-instance', CreatedAt: '2026-10-02T08:14:10.000Z', Application: 'billing-svc', Version: '3.2.0', build_host: 'https://ci.example.com/' };
    const plan = planTags(baseRules, facts(availableRef, { tags: imageTags, snapshots: { [SNAP_A]: {} } }));
    expect(plan.additions[IMAGE]).toEqual([]);
    expect(tagsOf(plan, SNAP_A)).toEqual(imageTags);
    expect(plan.calls).toEqual([{ resourceIds: [SNAP_A], tags: plan.additions[SNAP_A] }]);
    // CreatedBy has no value without a caller, but the image has it already: nothing to report.
    expect(plan.skipped).toEqual([]);
  });

  it('reports a missing value only where it matters', () => {
    const plan = planTags(rules({ tags: { CreatedBy: '{creator.principal}' } }), facts(availableRef, {}));
    expect(plan.skipped).toEqual([expect.objectContaining({ key: 'CreatedBy', reason: 'no-value', detail: 'no value for {creator.principal}' })]);
  });

  it('without copyImageTags, snapshots get only the rules\' tags', () => {
    const only = rules({ tags: { ManagedBy: 'ami-tagger' }, snapshots: { copyImageTags: false } });
    const plan = planTags(only, facts(availableRef, { tags: { appversion: 'x-1-h1' }, snapshots: { [SNAP_A]: {} } }));
    expect(tagsOf(plan, SNAP_A)).toEqual({ ManagedBy: 'ami-tagger' });
  });

  it('a duplicate event adds nothing: zero calls', () => {
    const first = planTags(baseRules, facts(createRef, { snapshots: { [SNAP_A]: {} } }));
    const plan = planTags(baseRules, facts(createRef, { tags: tagsOf(first, IMAGE), snapshots: { [SNAP_A]: tagsOf(first, SNAP_A) } }));
    expect(plan.calls).toEqual([]);
    expect(plan.skipped).toEqual([]);
  });

  it('never overwrites a tag someone set, and says so', () => {
    const plan = planTags(baseRules, facts(createRef, { tags: { Application: 'billing', CreatedBy: 'jane' } }));
    expect(tagsOf(plan, IMAGE)).not.toHaveProperty('Application');
    expect(tagsOf(plan, IMAGE)).not.toHaveProperty('CreatedBy');
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'Application', reason: 'kept-existing', detail: expect.stringContaining('"billing"') }),
        expect.objectContaining({ key: 'CreatedBy', reason: 'kept-existing' }),
      ]),
    );
  });

  it('overwrites when the rules say so, for all keys or for the listed ones', () => {
    const all = planTags({ ...baseRules, overwrite: true }, facts(createRef, { tags: { Application: 'billing', CreatedBy: 'jane' } }));
    expect(tagsOf(all, IMAGE)).toMatchObject({ Application: 'billing-svc', CreatedBy: 'bakery-instance' });
    const listed = planTags({ ...baseRules, overwrite: ['Application'] }, facts(createRef, { tags: { Application: 'billing', CreatedBy: 'jane' } }));
    expect(tagsOf(listed, IMAGE)).toMatchObject({ Application: 'billing-svc' });
    expect(tagsOf(listed, IMAGE)).not.toHaveProperty('CreatedBy');
  });

  it('a placeholder with no value drops its tag, never writing "" or "{...}"', () => {
    const plan = planTags(
      rules({ tags: { CopiedFrom: '{copy.sourceRegion}/{copy.sourceImageId}', Owner: '{creator.principal}', Pipeline: '{spinnaker.pipeline}', Team: '{tag.team|creator.role}' } }),
      facts(availableRef, {}),
    );
    expect(plan.additions[IMAGE]).toEqual([]);
    // Facts that this input can never have (no copy, no Spinnaker) are "not applicable", not missing.
    expect(plan.skipped.map((skip) => [skip.key, skip.reason])).toEqual([
      ['CopiedFrom', 'not-applicable'],
      ['Owner', 'no-value'],
      ['Pipeline', 'not-applicable'],
      ['Team', 'no-value'],
    ]);
  });

  it('drops tags whose rendered value EC2 would refuse, writes the rest (keys are checked when the rules load)', () => {
    const named = (name: string): ImageFacts => {
      const base = facts(createRef, {});
      return { ...base, image: { ...base.image, name } };
    };
    const tagRules = rules({ tags: { Name: '{image.name}', Twice: '{image.name} {image.name}', Fine: 'ok' } });
    const plan = planTags(tagRules, named(`${'n'.repeat(200)},x`));
    expect(tagsOf(plan, IMAGE)).toEqual({ Fine: 'ok' });
    expect(plan.skipped.map((skip) => [skip.key, skip.reason])).toEqual([
      ['Name', 'invalid'],
      ['Twice', 'invalid'],
    ]);
    const lenient = planTags(rules({ tags: { Name: '{image.name}' }, strictCharacters: false }), named('a,b'));
    expect(tagsOf(lenient, IMAGE)).toEqual({ Name: 'a,b' });
  });

  it('counts Unicode characters, not bytes, against the 256 limit', () => {
    const plan = planTags(rules({ tags: { Team: 'é'.repeat(256) } }), facts(createRef, {}));
    expect(tagsOf(plan, IMAGE)).toEqual({ Team: 'é'.repeat(256) });
  });

  it('stops at 50 tags per resource and reports the rest', () => {
    const existing = Object.fromEntries(Array.from({ length: MAX_TAGS_PER_RESOURCE - 1 }, (_, index) => [`t${index}`, 'x']));
    const plan = planTags(rules({ tags: { A: '1', B: '2', C: '3' } }), facts(createRef, { tags: existing }));
    expect(tagsOf(plan, IMAGE)).toEqual({ A: '1' });
    expect(plan.skipped.map((skip) => [skip.key, skip.reason])).toEqual([
      ['B', 'tag-limit'],
      ['C', 'tag-limit'],
    ]);
  });

  it('copies the source image\'s tags on a copy; the rules win a clash; aws: keys stay behind', () => {
    const copyRef: ImageRef = { ...createRef, trigger: 'CopyImage', copiedFrom: { region: 'us-east-1', imageId: 'ami-0ddddddddddddddd4' } };
    const plan = planTags(rules({ tags: { ManagedBy: 'ami-tagger', Team: 'platform' } }), facts(copyRef, {}, { Team: 'payments', CostCenter: 'cc-7', 'aws:cloudformation:stack-name': 's' }));
    expect(tagsOf(plan, IMAGE)).toEqual({ ManagedBy: 'ami-tagger', Team: 'platform', CostCenter: 'cc-7' });
  });

  it('one call when writing a tag a resource already has with the same value changes nothing', () => {
    // The image has Team; the snapshots lack Team and ManagedBy: one call writes both everywhere.
    const plan = planTags(rules({ tags: { ManagedBy: 'ami-tagger' } }), facts(availableRef, { tags: { Team: 'payments' }, snapshots: { [SNAP_A]: {}, [SNAP_B]: {} } }));
    expect(plan.calls).toHaveLength(1);
    expect(plan.calls[0]?.resourceIds).toEqual([IMAGE, SNAP_A, SNAP_B]);
  });

  it('separate calls when one call would overwrite a value on some resource', () => {
    const plan = planTags(rules({ tags: { ManagedBy: 'ami-tagger' } }), facts(availableRef, { tags: { Team: 'payments' }, snapshots: { [SNAP_A]: {}, [SNAP_B]: { Team: 'storage' } } }));
    expect(plan.calls).toHaveLength(2);
    expect(plan.skipped).toEqual([expect.objectContaining({ resource: SNAP_B, key: 'Team', reason: 'kept-existing' })]);
    for (const call of plan.calls) for (const resource of call.resourceIds) expect(call.tags).toEqual(plan.additions[resource]);
  });

  it('leaves snapshots alone when the rules say so', () => {
    const plan = planTags({ ...baseRules, snapshots: { tag: false, copyImageTags: true } }, facts(createRef, { snapshots: { [SNAP_A]: {} } }));
    expect(plan.calls).toEqual([{ resourceIds: [IMAGE], tags: plan.additions[IMAGE] }]);
  });

  it('never changes an existing value and writes only what each resource lacks (any tags, any rules)', () => {
    const key = fc.constantFrom('A', 'B', 'C', 'D', 'E');
    const tagMap = fc.dictionary(key, fc.constantFrom('1', '2', '3'), { maxKeys: 5 });
    fc.assert(
      fc.property(tagMap, tagMap, tagMap, tagMap, fc.boolean(), (ruleTags, imageTags, snapA, snapB, copyImageTags) => {
        const plan = planTags(rules({ tags: ruleTags, snapshots: { copyImageTags } }), facts(createRef, { tags: imageTags, snapshots: { [SNAP_A]: snapA, [SNAP_B]: snapB } }));
        const current: Record<string, TagMap> = { [IMAGE]: imageTags, [SNAP_A]: snapA, [SNAP_B]: snapB };
        for (const call of plan.calls) {
          for (const resource of call.resourceIds) {
            for (const tag of call.tags) {
              const before = current[resource]?.[tag.key];
              const planned = plan.additions[resource]?.find((addition) => addition.key === tag.key)?.value;
              // Either a planned addition, or a rewrite of the same value.
              expect(before === undefined ? planned : before).toBe(tag.value);
            }
          }
        }
        for (const [resource, tags] of Object.entries(current)) {
          for (const addition of plan.additions[resource] ?? []) expect(tags[addition.key]).toBeUndefined();
        }
      }),
    );
  });
});

describe('groupIntoCalls', () => {
  it('names at most 1000 resources per CreateTags call', () => {
    const ids = Array.from({ length: 2500 }, (_, index) => `snap-${index.toString(16).padStart(17, '0')}`);
    const tags = [{ key: 'K', value: 'v' }];
    const calls = groupIntoCalls(Object.fromEntries(ids.map((id) => [id, tags])), Object.fromEntries(ids.map((id) => [id, { K: 'v' }])));
    expect(calls.map((call) => call.resourceIds.length)).toEqual([1000, 1000, 500]);
    expect(calls.flatMap((call) => call.resourceIds)).toEqual(ids);
  });
});
