/**
 * ImageRef: what every entry point (EventBridge event, direct Spinnaker payload, backfill) knows
 * about one image before anything is read from AWS. The engine turns it into facts, a plan, and
 * one CreateTags call.
 */

export interface Tag {
  key: string;
  value: string;
}

/** Which call or event announced the image. */
export type Trigger = 'CreateImage' | 'CopyImage' | 'RegisterImage' | 'ImageAvailable' | 'Spinnaker' | 'Backfill';

/** Who made the image, as CloudTrail's `userIdentity` says. */
export interface Creator {
  /** The name worth a tag: the IAM user; ROLE/SESSION for an assumed role; the role alone when the session is an instance id. */
  principal: string;
  /** CloudTrail's identity type: IAMUser, AssumedRole, Root, FederatedUser, AWSService, ... */
  type: string;
  arn?: string;
  /** For an assumed role: the role's name. */
  role?: string;
  /** For an assumed role: the session name. */
  session?: string;
  /** The account of the caller. */
  accountId?: string;
}

/** What only Spinnaker knows, from the direct-path payload (see spinnaker-facts.md). */
export interface PipelineFacts {
  application?: string;
  pipeline?: string;
  executionId?: string;
  user?: string;
  /** From the bake's deploymentDetails entry. */
  package?: string;
  baseAmiId?: string;
  baseOs?: string;
  baseLabel?: string;
}

export interface ImageRef {
  /** The AWS account that owns (or sees) the image and where the tags are written. */
  account: string;
  region: string;
  imageId: string;
  trigger: Trigger;
  /** When the event says the image was made (ISO 8601). */
  eventTime?: string;
  creator?: Creator;
  /** CopyImage: the image it was copied from. */
  copiedFrom?: { region: string; imageId: string };
  /** The image name from the request, when the event has it. */
  name?: string;
  /** RegisterImage: the snapshots named in the request's block device mapping. */
  snapshotIds?: string[];
  /** Tags set at creation (TagSpecifications), as far as the event says. */
  creationTags?: { image?: Tag[]; snapshot?: Tag[] };
  /** Direct path only. */
  pipeline?: PipelineFacts;
}
