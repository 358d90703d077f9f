import type { Ec2Gateway } from '../tagger/ec2-port';
import type { ImageDescription, TagMap } from '../model/facts';
import type { CreateTagsCall } from '../model/facts';
import type { RateLimiter } from './rate';

/**
 * The engine's EC2 port as backfill hands it to the engine: writes paced per account and region
 * (the capped rate that leaves the event path its share), reads paced too, and the first read of
 * each image and snapshot answered from what discovery has just read in pages, so that the
 * engine's per-image reads cost no call. Every later read (the engine's read back after writing)
 * goes to EC2.
 */
export class PacedEc2Gateway implements Ec2Gateway {
  private readonly images = new Map<string, ImageDescription>();
  private readonly snapshots = new Map<string, TagMap>();

  constructor(
    private readonly inner: Ec2Gateway,
    private readonly limits: { write: RateLimiter; read: RateLimiter },
  ) {}

  /** What discovery read for one account and region: handed out once, to the engine's first read. */
  prefetch(account: string, region: string, images: readonly ImageDescription[], snapshotTags: Readonly<Record<string, TagMap>>): void {
    for (const image of images) this.images.set(`${account}/${region}/${image.imageId}`, image);
    for (const [snapshotId, tags] of Object.entries(snapshotTags)) this.snapshots.set(`${account}/${region}/${snapshotId}`, tags);
  }

  /** Drops what was prefetched for these images and was not used (their outcome is known without the engine). */
  forget(account: string, region: string, imageIds: readonly string[]): void {
    for (const imageId of imageIds) this.images.delete(`${account}/${region}/${imageId}`);
  }

  async describeImage(account: string, region: string, imageId: string): Promise<ImageDescription | undefined> {
    const key = `${account}/${region}/${imageId}`;
    const known = this.images.get(key);
    if (known) {
      this.images.delete(key);
      return structuredClone(known);
    }
    await this.limits.read.take(`${account}/${region}`);
    return this.inner.describeImage(account, region, imageId);
  }

  async describeImages(account: string, region: string, imageIds: string[]): Promise<ImageDescription[]> {
    const found: ImageDescription[] = [];
    const unread: string[] = [];
    for (const imageId of imageIds) {
      const key = `${account}/${region}/${imageId}`;
      const known = this.images.get(key);
      if (known) {
        this.images.delete(key);
        found.push(structuredClone(known));
      } else {
        unread.push(imageId);
      }
    }
    if (unread.length > 0) {
      await this.limits.read.take(`${account}/${region}`);
      found.push(...(await this.inner.describeImages(account, region, unread)));
    }
    return found;
  }

  async describeSnapshotTags(account: string, region: string, snapshotIds: string[]): Promise<Record<string, TagMap>> {
    const result: Record<string, TagMap> = {};
    const unread: string[] = [];
    for (const snapshotId of snapshotIds) {
      const key = `${account}/${region}/${snapshotId}`;
      const known = this.snapshots.get(key);
      if (known) {
        this.snapshots.delete(key);
        result[snapshotId] = { ...known };
      } else {
        unread.push(snapshotId);
      }
    }
    if (unread.length > 0) {
      await this.limits.read.take(`${account}/${region}`);
      Object.assign(result, await this.inner.describeSnapshotTags(account, region, unread));
    }
    return result;
  }

  async createTags(account: string, region: string, call: CreateTagsCall): Promise<void> {
    await this.limits.write.take(`${account}/${region}`);
    await this.inner.createTags(account, region, call);
  }
}
