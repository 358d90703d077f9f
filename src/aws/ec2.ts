import { CreateTagsCommand, DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client, type Image, type Tag as Ec2Tag } from '@aws-sdk/client-ec2';
import { ResourceNotFoundError, TransientAwsError, type Ec2Gateway } from '../tagger/ec2-port';
import { setTag, type CreateTagsCall, type ImageDescription, type TagMap } from '../model/facts';
import type { AwsClients } from './clients';

export type { Ec2Gateway } from '../tagger/ec2-port';

/** DescribeSnapshots/DescribeImages take many ids per call; keep requests small enough for a query-string body. */
export const SNAPSHOT_IDS_PER_DESCRIBE = 200;
export const IMAGE_IDS_PER_DESCRIBE = 200;

/** EC2's answers for an image or snapshot that does not exist (EC2 API reference, "Error codes"). */
const NOT_FOUND_CODES: Record<string, 'image' | 'snapshot'> = {
  'InvalidAMIID.NotFound': 'image',
  'InvalidAMIID.Unavailable': 'image',
  'InvalidSnapshot.NotFound': 'snapshot',
};

/**
 * Errors worth another try, as the SDK's own retry strategy classifies them (@smithy
 * service-error-classification: THROTTLING_ERROR_CODES, TRANSIENT_ERROR_STATUS_CODES,
 * NODEJS_TIMEOUT_ERROR_CODES): EC2 throttles with RequestLimitExceeded (HTTP 503).
 */
const THROTTLING_CODES = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'SlowDown', 'EC2ThrottledException']);
const TRANSIENT_STATUS_CODES = new Set([500, 502, 503, 504]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function isTransient(error: Error): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as NodeJS.ErrnoException).code;
  return THROTTLING_CODES.has(error.name) || (status !== undefined && TRANSIENT_STATUS_CODES.has(status)) || error.name === 'TimeoutError' || (code !== undefined && TRANSIENT_NETWORK_CODES.has(code));
}

/** The SDK's errors as the engine's typed ones (a missing resource, a call worth another try); anything else unchanged. */
export function translateEc2Error(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const resource = Object.hasOwn(NOT_FOUND_CODES, error.name) ? NOT_FOUND_CODES[error.name] : undefined;
  if (resource) return new ResourceNotFoundError(`${error.name}: ${error.message}`, resource);
  if (isTransient(error)) return new TransientAwsError(`${error.name}: ${error.message}`, error);
  return error;
}

/** DescribeImages' answer for one image, as the engine's facts; undefined for an entry without an id. */
export function describedImage(image: Image): ImageDescription | undefined {
  if (!image.ImageId) return undefined;
  const description: ImageDescription = {
    imageId: image.ImageId,
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
}

export function tagMap(tags: readonly Ec2Tag[] | undefined): TagMap {
  const map: TagMap = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) setTag(map, tag.Key, tag.Value ?? '');
  return map;
}

/** The real gateway: the SDK's EC2 client, with its retries and timeouts (clients.ts). */
export class SdkEc2Gateway implements Ec2Gateway {
  constructor(private readonly clients: AwsClients) {}

  private async send<T>(account: string, region: string, call: (client: EC2Client) => Promise<T>, purpose: 'read' | 'write' = 'read'): Promise<T> {
    const client = await this.clients.ec2(account, region, purpose);
    try {
      return await call(client);
    } catch (error) {
      throw translateEc2Error(error);
    }
  }

  async describeImage(account: string, region: string, imageId: string): Promise<ImageDescription | undefined> {
    let response;
    try {
      response = await this.send(account, region, (client) => client.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
    } catch (error) {
      if (error instanceof ResourceNotFoundError) return undefined;
      throw error;
    }
    const image = response.Images?.find((candidate) => candidate.ImageId === imageId);
    return image ? describedImage(image) : undefined;
  }

  async describeImages(account: string, region: string, imageIds: string[]): Promise<ImageDescription[]> {
    const images: ImageDescription[] = [];
    for (let start = 0; start < imageIds.length; start += IMAGE_IDS_PER_DESCRIBE) {
      const ids = imageIds.slice(start, start + IMAGE_IDS_PER_DESCRIBE);
      // A filter, not ImageIds: one deregistered image would fail the whole call with NotFound.
      const response = await this.send(account, region, (client) => client.send(new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: ids }] })));
      for (const image of response.Images ?? []) {
        const description = describedImage(image);
        if (description && ids.includes(description.imageId)) images.push(description);
      }
    }
    return images;
  }


  async describeSnapshotTags(account: string, region: string, snapshotIds: string[]): Promise<Record<string, TagMap>> {
    const tags: Record<string, TagMap> = {};
    for (let start = 0; start < snapshotIds.length; start += SNAPSHOT_IDS_PER_DESCRIBE) {
      const ids = snapshotIds.slice(start, start + SNAPSHOT_IDS_PER_DESCRIBE);
      // A filter, not SnapshotIds: one vanished snapshot would fail the whole call with
      // InvalidSnapshot.NotFound, where the engine wants the others and a note about it.
      const response = await this.send(account, region, (client) => client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: ids }] })));
      for (const snapshot of response.Snapshots ?? []) if (snapshot.SnapshotId) tags[snapshot.SnapshotId] = tagMap(snapshot.Tags); // ids match snap-[0-9a-f]+
    }
    return tags;
  }

  async createTags(account: string, region: string, call: CreateTagsCall): Promise<void> {
    await this.send(account, region, (client) =>
      client.send(new CreateTagsCommand({ Resources: call.resourceIds, Tags: call.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) })),
      'write',
    );
  }
}
