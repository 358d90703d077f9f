import type { ImageDescription, TagMap } from '../model/facts';

/**
 * The reads the estate needs beyond the engine's port (src/tagger/ec2-port.ts): finding images
 * in bulk, the regions an account has, launch permissions, and CloudTrail's event history.
 * Defined here, implemented with the SDK in src/aws/estate.ts and src/aws/cloudtrail.ts; errors
 * come out typed (src/tagger/ec2-port.ts ResourceNotFoundError, and the ones below).
 */

/** What DescribeImages is asked for: the caller's own images, narrowed where EC2 can narrow them. */
export interface ImageQuery {
  /** Only these ids (an `image-id` filter: an unknown id is simply not listed). */
  imageIds?: readonly string[];
  /** EC2's `name` filter: `*` and `?` wildcards. */
  name?: string;
}

/** One page of own images, as DescribeImages lists them. */
export interface ImagePage {
  images: ImageDescription[];
}

export interface EstateGateway {
  /** The account's own images in the region, a page (up to 1000) at a time. */
  ownImages(account: string, region: string, query: ImageQuery): AsyncIterable<ImagePage>;
  /**
   * The tags of these snapshots, read in bulk: pages of the account's own snapshots, or ids 200 at
   * a time, whichever is cheaper. A snapshot not found is absent from the result.
   */
  snapshotTags(account: string, region: string, snapshotIds: readonly string[]): Promise<Record<string, TagMap>>;
  /** Images as this account sees them (its view of a shared image included), by id; unknown ids absent. */
  imagesById(account: string, region: string, imageIds: readonly string[]): Promise<ImageDescription[]>;
}

/**
 * What only some runs ask: the regions of an account (`--regions all`) and who an image is shared
 * with (`--share-targets`). Apart from EstateGateway so that a run without them (reconcile) does not
 * reach the calls, and its role need not allow them.
 */
export interface AccountGateway {
  /** The regions enabled for the account (DescribeRegions; opted-in ones included, not-opted-in ones not). */
  enabledRegions(account: string): Promise<string[]>;
  /** Who may launch the image (DescribeImageAttribute launchPermission; the owner only). */
  launchPermissions(account: string, region: string, imageId: string): Promise<LaunchPermission[]>;
}

/** One launch permission: an account, the public, an organization or an organizational unit. */
export type LaunchPermission = { kind: 'account'; account: string } | { kind: 'public' } | { kind: 'organization'; arn: string } | { kind: 'organizational-unit'; arn: string };

/** A call that CloudTrail recorded, as LookupEvents returns it: the record itself is JSON. */
export interface TrailRecord {
  eventName: string;
  /** The CloudTrail record (`CloudTrailEvent`), unparsed. */
  json: string;
}

export interface TrailQuery {
  eventName: string;
  start: Date;
  end: Date;
  /** The page after the one that handed out this token. */
  nextToken?: string;
}

export interface TrailPage {
  records: TrailRecord[];
  nextToken?: string;
}

export interface TrailGateway {
  /** One page (up to 50 events) of CloudTrail's event history for one event name over the window. The caller paces the calls. */
  lookupEvents(account: string, region: string, query: TrailQuery): Promise<TrailPage>;
}

/**
 * AWS could not be asked, or refused, after the SDK's retries: throttling, access denied, an
 * unreachable endpoint, a role that cannot be assumed. `code` is AWS's error code when it gave one.
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    message: string,
    readonly code: string,
    readonly throttled: boolean,
  ) {
    super(message);
  }
}
