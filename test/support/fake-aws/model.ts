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
  /** On the owner's view only: who may launch it (DescribeImageAttribute launchPermission). */
  launchPermissions?: LaunchPermission[];
}

/** One entry of an image's launch permissions: an account, the public, an organization or an OU. */
export type LaunchPermission = { userId: string } | { group: 'all' } | { organizationArn: string } | { organizationalUnitArn: string };

/** Whom `shareImage` shares an image with. */
export interface ShareTargets {
  accounts?: string[];
  /** `group: all`: public. */
  public?: boolean;
  organizationArns?: string[];
  organizationalUnitArns?: string[];
}

/**
 * One management event in CloudTrail's event history (90 days, every account, no trail needed),
 * as LookupEvents hands it out: `CloudTrailEvent` is this record as JSON.
 */
export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO 8601. */
  eventTime: string;
  awsRegion: string;
  recipientAccountId: string;
  userIdentity: Record<string, unknown>;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  readOnly: boolean;
  /** Resources LookupEvents lists (and `ResourceName` matches): the image, for the calls that make one. */
  resources: Array<{ resourceType: string; resourceName: string }>;
}

/** What a test says about a past call; the rest is filled in as CloudTrail would. */
export type TrailEventSeed = Placement &
  Pick<TrailEvent, 'eventName'> &
  Partial<Omit<TrailEvent, 'eventName' | 'awsRegion' | 'recipientAccountId'>>;

export interface FakeSnapshot {
  snapshotId: string;
  ownerId: string;
  description?: string;
  tags: Record<string, string>;
}

export type ServiceName = 'ec2' | 'sts' | 'cloudtrail';

/** One request the stand-in received, throttled and failed ones included. */
export interface CallRecord {
  service: ServiceName;
  action: string;
  region: string;
  /** The caller's account, from its access key id. */
  account: string;
  accessKeyId: string;
  /** The query parameters as sent (`ImageId.1`, `Filter.1.Name`, ...), without Action and Version; JSON requests: each top-level member as JSON. */
  params: Record<string, string>;
  /** Refused by a token bucket or a planned throttle, with the service's throttling error. */
  throttled?: boolean;
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
