/**
 * Builders for EventBridge events in the shapes AWS delivers (see README, "Events"), so each
 * test states only what matters to it.
 */
export const ACCOUNT = '210987654321';
export const OTHER_ACCOUNT = '345678901234';

type Json = Record<string, unknown>;

export interface CloudTrailOptions {
  eventName: 'CreateImage' | 'CopyImage' | 'RegisterImage' | string;
  imageId?: string;
  region?: string;
  account?: string;
  userIdentity?: Json;
  requestParameters?: Json | null;
  errorCode?: string;
  eventTime?: string;
}

export const bakeRoleIdentity = (account = ACCOUNT): Json => ({
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEBAKEROLE:i-0a1b2c3d4e5f67890',
  arn: `arn:aws:sts::${account}:assumed-role/bakery-instance/i-0a1b2c3d4e5f67890`,
  accountId: account,
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEBAKEROLE', arn: `arn:aws:iam::${account}:role/bakery-instance`, accountId: account, userName: 'bakery-instance' },
  },
});

export const userIdentity = (userName: string, account = ACCOUNT): Json => ({
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSER',
  arn: `arn:aws:iam::${account}:user/${userName}`,
  accountId: account,
  userName,
});

/** The EventBridge envelope every event shares. */
function envelope(id: string, detailType: string, where: { account: string; region: string; time: string; resources: string[] }, detail: Json): Json {
  return { version: '0', id, 'detail-type': detailType, source: 'aws.ec2', account: where.account, time: where.time, region: where.region, resources: where.resources, detail };
}

export function cloudTrailEvent(options: CloudTrailOptions): Json {
  const region = options.region ?? 'us-west-2';
  const account = options.account ?? ACCOUNT;
  const time = options.eventTime ?? '2026-10-02T08:15:00Z';
  return envelope('a0000000-0000-4000-8000-000000000001', 'AWS API Call via CloudTrail', { account, region, time, resources: [] }, {
    eventVersion: '1.10',
    userIdentity: options.userIdentity ?? bakeRoleIdentity(account),
    eventTime: time,
    eventSource: 'ec2.amazonaws.com',
    eventName: options.eventName,
    awsRegion: region,
    ...(options.errorCode ? { errorCode: options.errorCode, errorMessage: 'refused' } : {}),
    requestParameters: options.requestParameters === undefined ? { instanceId: 'i-0fedcba987654321f', name: 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble' } : options.requestParameters,
    responseElements: options.errorCode ? null : { requestId: 'r-1', imageId: options.imageId ?? 'ami-0aaaaaaaaaaaaaaa1' },
    recipientAccountId: account,
    eventType: 'AwsApiCall',
  });
}

export function stateChangeEvent(options: { imageId?: string; state?: string; region?: string; account?: string; errorMessage?: string } = {}): Json {
  const region = options.region ?? 'us-west-2';
  const imageId = options.imageId ?? 'ami-0aaaaaaaaaaaaaaa1';
  const where = { account: options.account ?? ACCOUNT, region, time: '2026-10-02T08:21:00Z', resources: [`arn:aws:ec2:${region}::image/${imageId}`] };
  return envelope('b0000000-0000-4000-8000-000000000002', 'EC2 AMI State Change', where, { RequestId: 'r-2', ImageId: imageId, State: options.state ?? 'available', ErrorMessage: options.errorMessage ?? '' });
}
