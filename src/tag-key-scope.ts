import type { Rules } from './rules/rules';
import { GUESSES_TAG_KEY } from './tagger/guesses';

/**
 * The tag keys ami-tagger can ever write under `rules`, when the rules fix them; undefined when
 * they do not. serverless/iam.cjs turns the list into an `aws:TagKeys` condition on ec2:CreateTags,
 * so IAM refuses any other key even if the code tried to write one.
 *
 * The keys are fixed unless tags are copied from somewhere else:
 * - `copySourceTags`: a CopyImage copy gets whatever tags its source image has;
 * - `snapshots.tag` with `snapshots.copyImageTags`: snapshots get all of their image's tags, the
 *   bake's own included.
 * Otherwise every key written is a rule's key, or ami-tagger's own bookkeeping tag
 * (GUESSES_TAG_KEY, src/tagger/guesses.ts). test/unit/access/tag-key-scope.test.ts checks this
 * against the tag planner.
 */
export function fixedTagKeys(rules: Rules): string[] | undefined {
  if (rules.copySourceTags) return undefined;
  if (rules.snapshots.tag && rules.snapshots.copyImageTags) return undefined;
  return [...new Set([...Object.keys(rules.tags), GUESSES_TAG_KEY])];
}
