import type { ImageDescription, TagMap } from '../model/facts';
import type { CreateTagsCall } from '../model/facts';

/**
 * The EC2 reads and writes the engine needs, per account and region. The engine defines it; the
 * adapter in src/aws implements it with the SDK and turns the SDK's errors into the typed errors
 * below, so nothing outside src/aws matches error-name strings.
 */
export interface Ec2Gateway {
  /** undefined when EC2 does not know the image (not visible yet, or deregistered). */
  describeImage(account: string, region: string, imageId: string): Promise<ImageDescription | undefined>;
  /** Many images in few calls; an image EC2 does not know is absent from the result. */
  describeImages(account: string, region: string, imageIds: string[]): Promise<ImageDescription[]>;
  /** The tags of each snapshot found; a snapshot that does not exist is absent from the result. */
  describeSnapshotTags(account: string, region: string, snapshotIds: string[]): Promise<Record<string, TagMap>>;
  /**
   * One attempt. Throws ResourceNotFoundError when a resource of the call no longer exists
   * (CreateTags is all or nothing), and TransientAwsError when trying again may work (throttling,
   * a server error, a timeout): the engine reads again before it does.
   */
  createTags(account: string, region: string, call: CreateTagsCall): Promise<void>;
}

/** An image or snapshot named in a call does not exist (any more). */
export class ResourceNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundError';
  constructor(
    message: string,
    readonly resource: 'image' | 'snapshot',
  ) {
    super(message);
  }
}

/**
 * EC2 says the image does not exist, but the event that announced it is recent: EC2 is eventually
 * consistent, and "not visible yet" answers exactly like "deregistered". Thrown so that the
 * invocation fails and is retried (Lambda's async retries, then the dead-letter queue).
 */
export class ImageNotYetVisibleError extends Error {
  override readonly name = 'ImageNotYetVisibleError';
}

/** A call that failed in a way that trying again may fix: throttled, a server error, no answer in time. */
export class TransientAwsError extends Error {
  override readonly name = 'TransientAwsError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}
