import type { Tag } from '../model/image-ref';
import type { Ec2Gateway } from '../tagger/ec2-port';
import { setTag, tagValue, type TagMap } from '../model/facts';
import { GUESSES_TAG_KEY } from '../tagger/guesses';
import { isReservedKey, MAX_TAGS_PER_RESOURCE } from '../model/tag-limits';
import { groupIntoCalls } from '../tagger/plan';
import type { AccountGateway, EstateGateway, LaunchPermission } from './ports';
import type { RateLimiter } from './rate';

/**
 * Tags do not travel with a shared AMI: the account it is shared with sees it bare. For each
 * account on an image's launch permissions that ami-tagger may act in (the allow-list, through the
 * member role), the same tags go onto that account's view of the image, never over a value the
 * account set itself. A target cannot tag the owner's snapshots, so only the image is tagged
 * there. Shares to an organization, an OU or the public (`group: all`) name no account to tag:
 * they are reported.
 */

/** An image of the owner, and the tags it carries once tagged (what its share targets should see). */
export interface SharedImage {
  imageId: string;
  tags: TagMap;
}

/** Why a target account was not tagged: not reachable, or not an account at all. */
export interface ShareReport {
  owner: string;
  region: string;
  /** Target views tagged (or, in a dry run, that would be), with what was written. */
  tagged: Array<{ account: string; imageId: string; written: Tag[] }>;
  /** Target views that already carry every tag. */
  upToDate: Array<{ account: string; imageId: string }>;
  /** Targets that could not be tagged, and why (not on the allow-list, the role could not be assumed, ...). */
  unreachable: Array<{ account: string; imageId: string; reason: string }>;
  /** Shares that name no account: an organization, an OU, the public. */
  noAccount: Array<{ imageId: string; share: string }>;
}

export interface ShareDeps {
  estate: EstateGateway;
  /** Launch permissions. */
  accounts: AccountGateway;
  /** Writes (the paced port: the target's own bucket). */
  ec2: Ec2Gateway;
  /** Paces DescribeImageAttribute (one call per image: EC2 has no bulk read of launch permissions). */
  readLimiter: RateLimiter;
  /** Why ami-tagger cannot act in an account (off the allow-list, no member role), or undefined when it can. */
  unreachableBecause: (account: string) => string | undefined;
  dryRun: boolean;
}

function shareName(permission: LaunchPermission): string {
  switch (permission.kind) {
    case 'public':
      return 'public (group: all)';
    case 'organization':
      return `organization ${permission.arn}`;
    case 'organizational-unit':
      return `organizational unit ${permission.arn}`;
    case 'account':
      return `account ${permission.account}`;
  }
}

/** The tags a target's view should get: the owner's, less ami-tagger's own bookkeeping and AWS's reserved keys. */
function travellingTags(tags: TagMap): Array<[string, string]> {
  return Object.entries(tags).filter(([key]) => key !== GUESSES_TAG_KEY && !isReservedKey(key));
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function tagShareTargets(owner: string, region: string, images: readonly SharedImage[], deps: ShareDeps): Promise<ShareReport> {
  const report: ShareReport = { owner, region, tagged: [], upToDate: [], unreachable: [], noAccount: [] };
  const byTarget = new Map<string, SharedImage[]>();
  for (const image of images) {
    await deps.readLimiter.take(`${owner}/${region}`);
    let permissions: LaunchPermission[];
    try {
      permissions = await deps.accounts.launchPermissions(owner, region, image.imageId);
    } catch (error) {
      report.unreachable.push({ account: owner, imageId: image.imageId, reason: `its launch permissions could not be read: ${describeError(error)}` });
      continue;
    }
    for (const permission of permissions) {
      if (permission.kind !== 'account') report.noAccount.push({ imageId: image.imageId, share: shareName(permission) });
      else if (permission.account !== owner) byTarget.set(permission.account, [...(byTarget.get(permission.account) ?? []), image]);
    }
  }

  for (const [account, shared] of byTarget) {
    const refused = deps.unreachableBecause(account);
    if (refused !== undefined) {
      for (const image of shared) report.unreachable.push({ account, imageId: image.imageId, reason: refused });
      continue;
    }
    let views;
    try {
      await deps.readLimiter.take(`${account}/${region}`);
      views = new Map((await deps.estate.imagesById(account, region, shared.map((image) => image.imageId))).map((view) => [view.imageId, view]));
    } catch (error) {
      for (const image of shared) report.unreachable.push({ account, imageId: image.imageId, reason: describeError(error) });
      continue;
    }
    const additions: Record<string, Tag[]> = {};
    const finalTags: Record<string, TagMap> = {};
    for (const image of shared) {
      const view = views.get(image.imageId);
      if (!view) {
        report.unreachable.push({ account, imageId: image.imageId, reason: `the image is not visible in ${account} (the share may have been removed)` });
        continue;
      }
      const final: TagMap = {};
      for (const [key, value] of Object.entries(view.tags)) setTag(final, key, value);
      const added: Tag[] = [];
      let count = Object.keys(view.tags).filter((key) => !isReservedKey(key)).length;
      for (const [key, value] of travellingTags(image.tags)) {
        // Never over a value the target set itself; within EC2's 50 tags.
        if (tagValue(view.tags, key) !== undefined || count >= MAX_TAGS_PER_RESOURCE) continue;
        added.push({ key, value });
        setTag(final, key, value);
        count += 1;
      }
      additions[image.imageId] = added;
      finalTags[image.imageId] = final;
      if (added.length === 0) report.upToDate.push({ account, imageId: image.imageId });
    }
    // Views that need the same tags share a call, across images, up to 1000 ids each.
    for (const call of groupIntoCalls(additions, finalTags)) {
      try {
        if (!deps.dryRun) await deps.ec2.createTags(account, region, call);
        for (const imageId of call.resourceIds) report.tagged.push({ account, imageId, written: additions[imageId] ?? [] });
      } catch (error) {
        for (const imageId of call.resourceIds) report.unreachable.push({ account, imageId, reason: describeError(error) });
      }
    }
  }
  return report;
}
