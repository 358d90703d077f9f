import type { ImageRef, Tag } from './image-ref';

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
  /** Snapshots the image lists that DescribeSnapshots did not find (left out of `image.snapshotIds`). */
  missingSnapshotIds?: string[];
  /** CopyImage: the source image's tags, when the rules ask to copy them and it could be read. */
  sourceImageTags?: TagMap;
}

/**
 * Sets a tag in a TagMap as an own property whatever the key: a plain assignment of `__proto__`
 * would change the object's prototype instead (tag keys come from anyone who can tag an image).
 */
export function setTag(tags: TagMap, key: string, value: string): void {
  Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A tag's value, own properties only (`constructor` or `toString` are keys like any other). */
export function tagValue(tags: TagMap, key: string): string | undefined {
  return Object.hasOwn(tags, key) ? tags[key] : undefined;
}

/** The same keys with the same values. */
export function sameTags(a: TagMap, b: TagMap): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** One CreateTags call: the same tag set written on every resource named (up to 1000). */
export interface CreateTagsCall {
  resourceIds: string[];
  tags: Tag[];
}
