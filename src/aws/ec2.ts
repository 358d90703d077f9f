import { CreateTagsCommand, DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client, type Tag as Ec2Tag } from '@aws-sdk/client-ec2';
import type { CreateTagsCall } from '../tagger/plan';
import type { ImageDescription, TagMap } from '../tagger/facts';
import type { AwsClients } from './clients';

/** DescribeSnapshots takes many ids per call; keep requests small enough for a query-string body. */
export const SNAPSHOT_IDS_PER_DESCRIBE = 200;

/** The EC2 reads and writes the engine needs, per account and region. */
export interface Ec2Gateway {
  /** undefined when the image does not exist (any more). */
  describeImage(account: string, region: string, imageId: string): Promise<ImageDescription | undefined>;
  describeSnapshotTags(account: string, region: string, snapshotIds: string[]): Promise<Record<string, TagMap>>;
  createTags(account: string, region: string, call: CreateTagsCall): Promise<void>;
}

export function isNotFound(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'InvalidAMIID.NotFound' || name === 'InvalidAMIID.Unavailable' || name === 'InvalidSnapshot.NotFound';
}

export function tagMap(tags: readonly Ec2Tag[] | undefined): TagMap {
  const map: TagMap = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

/** The real gateway: the SDK's EC2 client, with its retries. */
export class SdkEc2Gateway implements Ec2Gateway {
  constructor(private readonly clients: AwsClients) {}

  private client(account: string, region: string): Promise<EC2Client> {
    return this.clients.ec2(account, region);
  }

  async describeImage(account: string, region: string, imageId: string): Promise<ImageDescription | undefined> {
    const client = await this.client(account, region);
    try {
      const response = await client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      const image = response.Images?.find((candidate) => candidate.ImageId === imageId);
      if (!image) return undefined;
      const description: ImageDescription = {
        imageId,
        snapshotIds: (image.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : [])),
        tags: tagMap(image.Tags),
      };
      if (image.Name) description.name = image.Name;
      if (image.Description) description.description = image.Description;
      if (image.State) description.state = image.State;
      if (image.CreationDate) description.creationDate = image.CreationDate;
      if (image.OwnerId) description.ownerId = image.OwnerId;
      if (image.Architecture) description.architecture = image.Architecture;
      return description;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async describeSnapshotTags(account: string, region: string, snapshotIds: string[]): Promise<Record<string, TagMap>> {
    const client = await this.client(account, region);
    const tags: Record<string, TagMap> = {};
    for (let start = 0; start < snapshotIds.length; start += SNAPSHOT_IDS_PER_DESCRIBE) {
      const ids = snapshotIds.slice(start, start + SNAPSHOT_IDS_PER_DESCRIBE);
      // A filter, not SnapshotIds: one vanished snapshot would fail the whole call with
      // InvalidSnapshot.NotFound, where the engine wants the others and a note about it.
      const response = await client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: ids }] }));
      for (const snapshot of response.Snapshots ?? []) if (snapshot.SnapshotId) tags[snapshot.SnapshotId] = tagMap(snapshot.Tags);
    }
    return tags;
  }

  async createTags(account: string, region: string, call: CreateTagsCall): Promise<void> {
    const client = await this.client(account, region);
    await client.send(new CreateTagsCommand({ Resources: call.resourceIds, Tags: call.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) }));
  }
}
