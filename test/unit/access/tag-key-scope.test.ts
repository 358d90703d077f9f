/**
 * The tag keys the stack lets ec2:CreateTags write (an aws:TagKeys condition) must hold every key
 * the tag planner can ever write under the same rules, or IAM would refuse real work. Checked
 * against planTags on arbitrary images: existing tags, snapshots, a copy source's tags.
 */
import fc from 'fast-check';
import type { ImageRef } from '../../../src/model/image-ref';
import { parseRules, type Rules } from '../../../src/rules/rules';
import { fixedTagKeys } from '../../../src/tag-key-scope';
import type { ImageFacts, TagMap } from '../../../src/model/facts';
import { GUESSES_TAG_KEY } from '../../../src/tagger/guesses';
import { planTags } from '../../../src/tagger/plan';

const IMAGE = 'ami-0aaaaaaaaaaaaaaa1';
const ref: ImageRef = {
  account: '210987654321',
  region: 'us-west-2',
  imageId: IMAGE,
  trigger: 'CopyImage',
  name: 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble',
  creator: { principal: 'deployer', type: 'IAMUser' },
  copiedFrom: { region: 'us-east-1', imageId: 'ami-0bbbbbbbbbbbbbbb2' },
};
const TAGS = { ManagedBy: 'ami-tagger', CreatedBy: '{creator.principal}', Application: '{appversion.package|name.app}', CopiedFrom: '{copy.sourceRegion}/{copy.sourceImageId}' };
const rulesWith = (options: { copySourceTags: boolean; tag: boolean; copyImageTags: boolean; overwrite: boolean }): Rules =>
  parseRules({ tags: TAGS, nameMatch: '^(?<app>[a-z][a-z0-9-]*?)-', copySourceTags: options.copySourceTags, snapshots: { tag: options.tag, copyImageTags: options.copyImageTags }, overwrite: options.overwrite }, 'test rules');

const tagKey = fc.constantFrom('ManagedBy', 'Application', 'bake:version', 'appversion', 'Team', GUESSES_TAG_KEY, 'CreatedBy');
const tagMap = fc.dictionary(tagKey, fc.constantFrom('x', 'orders-api-1.0.0-h1.abc1234/orders', 'ami-tagger'), { maxKeys: 5 });

const writtenKeys = (rules: Rules, facts: ImageFacts): string[] => planTags(rules, facts).calls.flatMap((call) => call.tags.map((tag) => tag.key));

function factsOf(image: TagMap, snapshots: TagMap[], source: TagMap | undefined): ImageFacts {
  const snapshotTags = Object.fromEntries(snapshots.map((tags, index) => [`snap-0${String(index).padStart(16, 'a')}`, tags]));
  return {
    ref,
    image: { imageId: IMAGE, name: ref.name, state: 'available', creationDate: '2026-10-02T08:14:10.000Z', snapshotIds: Object.keys(snapshotTags), tags: image },
    snapshotTags,
    ...(source ? { sourceImageTags: source } : {}),
  };
}

describe('fixedTagKeys', () => {
  it('holds every key the planner writes whenever the rules fix the keys', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), tagMap, fc.array(tagMap, { maxLength: 2 }), fc.option(tagMap, { nil: undefined }), (tag, copyImageTags, overwrite, image, snapshots, source) => {
        const rules = rulesWith({ copySourceTags: false, tag, copyImageTags, overwrite });
        const allowed = fixedTagKeys(rules);
        if (allowed === undefined) return;
        expect(writtenKeys(rules, factsOf(image, snapshots, source)).filter((key) => !allowed.includes(key))).toEqual([]);
      }),
    );
  });

  it('is the rules\' keys and ami-tagger\'s own, when nothing is copied', () => {
    expect(fixedTagKeys(rulesWith({ copySourceTags: false, tag: true, copyImageTags: false, overwrite: false }))).toEqual([...Object.keys(TAGS), GUESSES_TAG_KEY]);
    expect(fixedTagKeys(rulesWith({ copySourceTags: false, tag: false, copyImageTags: true, overwrite: false }))).toEqual([...Object.keys(TAGS), GUESSES_TAG_KEY]);
  });

  it('is undefined when tags are copied, because then any key can be written', () => {
    const copySource = rulesWith({ copySourceTags: true, tag: true, copyImageTags: false, overwrite: false });
    expect(fixedTagKeys(copySource)).toBeUndefined();
    expect(writtenKeys(copySource, factsOf({}, [], { 'bake:version': 'x' }))).toContain('bake:version');
    const copyImageTags = rulesWith({ copySourceTags: false, tag: true, copyImageTags: true, overwrite: false });
    expect(fixedTagKeys(copyImageTags)).toBeUndefined();
    expect(writtenKeys(copyImageTags, factsOf({ 'bake:version': 'x' }, [{}], undefined))).toContain('bake:version');
  });
});
