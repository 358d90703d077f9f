import type { ImageRef } from '../events/image-ref';

export type TagMap = Record<string, string>;

/** What DescribeImages says about an image. */
export interface ImageDescription {
  imageId: string;
  name?: string;
  description?: string;
  state?: string;
  creationDate?: string;
  ownerId?: string;
  architecture?: string;
  /** EBS snapshots of the image; empty while a new image is pending. */
  snapshotIds: string[];
  tags: TagMap;
}

/** Everything the plan is decided from: the ImageRef plus what AWS said. */
export interface ImageFacts {
  ref: ImageRef;
  image: ImageDescription;
  /** The tags each snapshot carries now, where known (from DescribeSnapshots or the creating call). */
  snapshotTags: Record<string, TagMap>;
  /** CopyImage: the source image's tags, when the rules ask to copy them and it could be read. */
  sourceImageTags?: TagMap;
}
