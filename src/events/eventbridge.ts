import * as v from 'valibot';
import { InputError } from '../errors';
import { parseOrThrow } from '../validation/parse';
import { show } from '../validation/show';
import type { Creator, ImageRef, Tag, Trigger } from '../model/image-ref';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN, SNAPSHOT_ID_PATTERN } from '../contract/aws-ids';

/**
 * Turns the two EventBridge events that announce a new AMI into an ImageRef:
 * - "AWS API Call via CloudTrail" for CreateImage, CopyImage, RegisterImage;
 * - "EC2 AMI State Change" (State available).
 * Pure: no AWS calls. A malformed event throws an InputError naming the field;
 * an event that is well formed but not ours to tag (a failed or dry-run call, another
 * state) comes back as `ignored` with the reason.
 */

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const STATE_CHANGE_DETAIL_TYPE = 'EC2 AMI State Change';
export const TAGGED_API_CALLS = ['CreateImage', 'CopyImage', 'RegisterImage'] as const;
export type TaggedApiCall = (typeof TAGGED_API_CALLS)[number];

export type ParsedEvent =
  | { kind: 'image'; ref: ImageRef }
  | { kind: 'ignored'; reason: string; imageId?: string; region?: string; state?: string };

const accountId = v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id'));
const region = v.pipe(v.string(), v.regex(REGION_PATTERN, 'must be an AWS region name like "us-east-1"'));
const imageId = v.pipe(v.string(), v.regex(IMAGE_ID_PATTERN, 'must be an AMI id like "ami-0123456789abcdef0"'));
const snapshotId = v.pipe(v.string(), v.regex(SNAPSHOT_ID_PATTERN, 'must be a snapshot id like "snap-0123456789abcdef0"'));
const optionalString = v.optional(v.nullable(v.string()));

const EnvelopeSchema = v.looseObject({
  'detail-type': v.string(),
  source: v.string(),
  account: accountId,
  region,
  time: v.optional(v.string()),
  detail: v.looseObject({}),
});

/** CloudTrail's `userIdentity`, as an event and an event-history record both carry it. */
export const UserIdentitySchema = v.looseObject({
  type: v.optional(v.string()),
  arn: optionalString,
  accountId: optionalString,
  userName: optionalString,
  invokedBy: optionalString,
  sessionContext: v.optional(
    v.nullable(
      v.looseObject({
        sessionIssuer: v.optional(v.nullable(v.looseObject({ arn: optionalString, userName: optionalString, type: optionalString }))),
      }),
    ),
  ),
});

const TagSetSchema = v.object({ items: v.optional(v.array(v.looseObject({ key: v.string(), value: v.optional(v.nullable(v.string())) }))) });
const TagSpecificationSetSchema = v.looseObject({
  items: v.optional(v.array(v.looseObject({ resourceType: v.string(), tags: v.optional(v.union([v.array(v.looseObject({ key: v.string(), value: v.optional(v.nullable(v.string())) })), TagSetSchema])) }))),
});

const CloudTrailDetailSchema = v.looseObject({
  eventSource: v.literal('ec2.amazonaws.com', 'must be "ec2.amazonaws.com"'),
  eventName: v.string(),
  eventTime: v.optional(v.string()),
  awsRegion: v.optional(region),
  recipientAccountId: v.optional(accountId),
  errorCode: optionalString,
  userIdentity: v.optional(UserIdentitySchema),
  requestParameters: v.optional(v.nullable(v.looseObject({}))),
  responseElements: v.optional(v.nullable(v.looseObject({}))),
});

const CreateImageRequestSchema = v.looseObject({
  name: optionalString,
  instanceId: optionalString,
  tagSpecificationSet: v.optional(v.nullable(TagSpecificationSetSchema)),
});
const CopyImageRequestSchema = v.looseObject({
  name: optionalString,
  sourceRegion: region,
  sourceImageId: imageId,
  tagSpecificationSet: v.optional(v.nullable(TagSpecificationSetSchema)),
});
const RegisterImageRequestSchema = v.looseObject({
  name: optionalString,
  blockDeviceMapping: v.optional(
    v.nullable(v.looseObject({ items: v.optional(v.array(v.looseObject({ ebs: v.optional(v.nullable(v.looseObject({ snapshotId: v.optional(snapshotId) }))) }))) })),
  ),
  tagSpecificationSet: v.optional(v.nullable(TagSpecificationSetSchema)),
});
const ResponseSchema = v.looseObject({ imageId });

const StateChangeDetailSchema = v.looseObject({
  ImageId: imageId,
  State: v.string(),
  ErrorMessage: optionalString,
});

const EVENT_HINT = 'pass an EventBridge event for an AMI: CloudTrail CreateImage/CopyImage/RegisterImage or "EC2 AMI State Change" (see README, "Events")';

/** Parses one EventBridge event (the whole envelope as the Lambda receives it). */
export function parseEventBridgeEvent(input: unknown): ParsedEvent {
  const envelope = parseOrThrow(EnvelopeSchema, input, 'EventBridge event', EVENT_HINT);
  if (envelope.source !== 'aws.ec2') {
    throw new InputError(`unexpected event source ${show(envelope.source)}`, { where: 'source', hint: EVENT_HINT });
  }
  switch (envelope['detail-type']) {
    case CLOUDTRAIL_DETAIL_TYPE:
      return parseCloudTrailCall(envelope.detail, envelope.account, envelope.region, envelope.time);
    case STATE_CHANGE_DETAIL_TYPE:
      return parseStateChange(envelope.detail, envelope.account, envelope.region, envelope.time);
    default:
      throw new InputError(`unexpected detail-type ${show(envelope['detail-type'])}`, { where: 'detail-type', hint: EVENT_HINT });
  }
}

function isTaggedApiCall(name: string): name is TaggedApiCall {
  return (TAGGED_API_CALLS as readonly string[]).includes(name);
}

function parseCloudTrailCall(rawDetail: unknown, account: string, envelopeRegion: string, time: string | undefined): ParsedEvent {
  const detail = parseOrThrow(CloudTrailDetailSchema, rawDetail, 'CloudTrail event detail', EVENT_HINT);
  if (!isTaggedApiCall(detail.eventName)) {
    throw new InputError(`CloudTrail event ${show(detail.eventName)} is not one that makes an AMI`, {
      where: 'detail.eventName',
      hint: `expected one of ${TAGGED_API_CALLS.join(', ')}`,
    });
  }
  // Defence in depth: the rule pattern already drops failed and dry-run calls.
  if (detail.errorCode) {
    return { kind: 'ignored', reason: `${detail.eventName} failed or was a dry run (${detail.errorCode})`, region: envelopeRegion };
  }
  const response = parseOrThrow(ResponseSchema, detail.responseElements, `${detail.eventName} responseElements`, 'a successful call has responseElements.imageId');
  const request = detail.requestParameters ?? {};
  const region = detail.awsRegion ?? envelopeRegion;
  const ref: ImageRef = {
    account: detail.recipientAccountId ?? account,
    region,
    imageId: response.imageId,
    trigger: detail.eventName,
    eventTime: detail.eventTime ?? time,
  };
  const creator = detail.userIdentity ? creatorFromIdentity(detail.userIdentity) : undefined;
  if (creator) ref.creator = creator;

  const where = `detail.requestParameters (${detail.eventName})`;
  const hint = 'the CloudTrail event is malformed; replay the original event';
  let name: string | null | undefined;
  let tagSpecs: v.InferOutput<typeof TagSpecificationSetSchema> | null | undefined;
  if (detail.eventName === 'CopyImage') {
    const copy = parseOrThrow(CopyImageRequestSchema, request, where, hint);
    ref.copiedFrom = { region: copy.sourceRegion, imageId: copy.sourceImageId };
    name = copy.name;
    tagSpecs = copy.tagSpecificationSet;
  } else if (detail.eventName === 'RegisterImage') {
    const register = parseOrThrow(RegisterImageRequestSchema, request, where, hint);
    const snapshots = (register.blockDeviceMapping?.items ?? []).flatMap((item) => (item.ebs?.snapshotId ? [item.ebs.snapshotId] : []));
    if (snapshots.length > 0) ref.snapshotIds = snapshots;
    name = register.name;
    tagSpecs = register.tagSpecificationSet;
  } else {
    const create = parseOrThrow(CreateImageRequestSchema, request, where, hint);
    name = create.name;
    tagSpecs = create.tagSpecificationSet;
  }
  if (name) ref.name = name;
  const creationTags = tagsFromSpecifications(tagSpecs);
  if (creationTags) ref.creationTags = creationTags;
  return { kind: 'image', ref };
}

function parseStateChange(rawDetail: unknown, account: string, region: string, time: string | undefined): ParsedEvent {
  const detail = parseOrThrow(StateChangeDetailSchema, rawDetail, 'EC2 AMI State Change detail', EVENT_HINT);
  if (detail.State !== 'available') {
    const why = detail.ErrorMessage ? `: ${detail.ErrorMessage}` : '';
    return { kind: 'ignored', reason: `image state is "${detail.State}"${why}; only "available" images are tagged`, imageId: detail.ImageId, region, state: detail.State };
  }
  const ref: ImageRef = { account, region, imageId: detail.ImageId, trigger: 'ImageAvailable' satisfies Trigger };
  if (time) ref.eventTime = time;
  return { kind: 'image', ref };
}

/** An instance id as session name means "an instance profile made this call" (Packer on EC2). */
const INSTANCE_ID_SESSION = /^i-[0-9a-f]{8,17}$/;

/**
 * Who called, in the form worth a tag. For an assumed role the role and the session
 * (`ROLE/SESSION`), but the role alone when the session is an instance id: the
 * instance is gone by the time anyone reads the tag.
 */
export function creatorFromIdentity(identity: v.InferOutput<typeof UserIdentitySchema>): Creator | undefined {
  const type = identity.type ?? 'Unknown';
  const base: Creator = { principal: '', type };
  if (identity.arn) base.arn = identity.arn;
  if (identity.accountId) base.accountId = identity.accountId;
  switch (type) {
    case 'IAMUser':
      base.principal = identity.userName ?? lastArnSegment(identity.arn) ?? '';
      break;
    case 'AssumedRole': {
      const arnParts = identity.arn?.split(':assumed-role/')[1]?.split('/') ?? [];
      const role = identity.sessionContext?.sessionIssuer?.userName ?? arnParts[0];
      const session = arnParts.slice(1).join('/') || undefined;
      if (role) base.role = role;
      if (session) base.session = session;
      base.principal = role && session && !INSTANCE_ID_SESSION.test(session) ? `${role}/${session}` : (role ?? session ?? '');
      break;
    }
    case 'Root':
      base.principal = 'root';
      break;
    case 'AWSService':
      base.principal = identity.invokedBy ?? 'aws-service';
      break;
    default:
      // FederatedUser, IdentityCenterUser, WebIdentityUser, ...: the ARN's last part names the person or session.
      base.principal = identity.userName ?? lastArnSegment(identity.arn) ?? '';
  }
  return base.principal === '' ? undefined : base;
}

function lastArnSegment(arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  const last = resource.split('/').pop();
  return last && last !== '' ? last : undefined;
}

function tagsFromSpecifications(specs: v.InferOutput<typeof TagSpecificationSetSchema> | null | undefined): ImageRef['creationTags'] {
  if (!specs?.items) return undefined;
  const result: NonNullable<ImageRef['creationTags']> = {};
  for (const spec of specs.items) {
    const rawTags = Array.isArray(spec.tags) ? spec.tags : (spec.tags?.items ?? []);
    const tags: Tag[] = rawTags.map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
    if (spec.resourceType === 'image') result.image = [...(result.image ?? []), ...tags];
    if (spec.resourceType === 'snapshot') result.snapshot = [...(result.snapshot ?? []), ...tags];
  }
  return result.image || result.snapshot ? result : undefined;
}
