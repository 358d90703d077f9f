/**
 * What the local EC2/STS stand-in keeps: images and snapshots as one account sees them in one
 * region, and every call it received. Plain data, so tests can read and compare it.
 */

/** The account a caller belongs to when its access key id is not one the stand-in handed out or was told about. */
export const DEFAULT_ACCOUNT = '111122223333';

/** The region seeds land in when a test does not name one. */
export const DEFAULT_REGION = 'us-east-1';

export type ImageState = 'pending' | 'available' | 'failed';

export interface BlockDeviceMapping {
  deviceName: string;
  /** Absent while the image is pending (EC2 fills it in when the snapshot exists), or for an instance-store volume. */
  snapshotId?: string;
}

/** One AMI as one account sees it in one region (tags do not travel with a shared image: each account has its own view). */
export interface FakeImage {
  imageId: string;
  ownerId: string;
  name: string;
  description?: string;
  state: ImageState;
  /** ISO 8601 with milliseconds, as EC2 writes it: 2024-05-01T12:00:00.000Z. */
  creationDate: string;
  architecture?: string;
  blockDeviceMappings: BlockDeviceMapping[];
  tags: Record<string, string>;
}

export interface FakeSnapshot {
  snapshotId: string;
  ownerId: string;
  description?: string;
  tags: Record<string, string>;
}

export type ServiceName = 'ec2' | 'sts';

/** One request the stand-in received, throttled and failed ones included. */
export interface CallRecord {
  service: ServiceName;
  action: string;
  region: string;
  /** The caller's account, from its access key id. */
  account: string;
  accessKeyId: string;
  /** The query parameters as sent (`ImageId.1`, `Filter.1.Name`, ...), without Action and Version. */
  params: Record<string, string>;
}

/** Where a seed goes: an account's view of one region. Both default (DEFAULT_ACCOUNT, DEFAULT_REGION). */
export interface Placement {
  account?: string;
  region?: string;
}

export type ImageSeed = Placement &
  Partial<Omit<FakeImage, 'blockDeviceMappings' | 'tags'>> & {
    blockDeviceMappings?: BlockDeviceMapping[];
    tags?: Record<string, string>;
    /**
     * Also create this many snapshots (owned by the image's owner, described as CreateImage
     * describes them) and map them as /dev/xvda, /dev/xvdb, ... Ignored when
     * blockDeviceMappings is given.
     */
    snapshotCount?: number;
  };

export type SnapshotSeed = Placement & Partial<Omit<FakeSnapshot, 'tags'>> & { tags?: Record<string, string> };

/** What a test may change on a stored image; the id stays. */
export type ImageChange = Partial<Omit<FakeImage, 'imageId'>>;
