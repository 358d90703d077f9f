/**
 * The CloudTrail side (JSON 1.1 protocol: POST /, `X-Amz-Target: CloudTrail_20131101.ACTION`,
 * `Content-Type: application/x-amz-json-1.1`, a JSON body; errors as `{"__type", "message"}`):
 * LookupEvents over the caller's event history in its region.
 *
 * LookupEvents, as the CloudTrail API reference describes it: one lookup attribute at most,
 * `MaxResults` 1 to 50 (default 50), events newest first, the last 90 days only, `NextToken`
 * valid only with the same attributes and time range. Timestamps travel as epoch seconds.
 */
import { AwsApiError } from './api-error';
import type { TrailEvent } from './model';
import type { Principal } from './principals';
import type { FakeAwsState } from './state';

/** The X-Amz-Target prefix the SDK sends (the service's Smithy target name). */
export const CLOUDTRAIL_TARGET_PREFIX = 'CloudTrail_20131101.';
export const CLOUDTRAIL_THROTTLING_CODE = 'ThrottlingException';
export const JSON_1_1_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** LookupEvents pages hold at most 50 events; the event history keeps 90 days. */
export const MAX_LOOKUP_RESULTS = 50;
export const EVENT_HISTORY_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The lookup attributes LookupEvents accepts (CloudTrail API reference, LookupAttribute). */
const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

export interface JsonActionContext {
  state: FakeAwsState;
  caller: Principal;
  region: string;
  body: Record<string, unknown>;
}

export type JsonActionHandler = (context: JsonActionContext) => Record<string, unknown>;

function usernameOf(event: TrailEvent): string | undefined {
  const identity = event.userIdentity;
  const userName = identity['userName'];
  if (typeof userName === 'string') return userName;
  const arn = identity['arn'];
  return typeof arn === 'string' ? arn.split('/').pop() : undefined;
}

function attributeValues(event: TrailEvent, key: AttributeKey): string[] {
  switch (key) {
    case 'EventId':
      return [event.eventId];
    case 'EventName':
      return [event.eventName];
    case 'ReadOnly':
      return [String(event.readOnly)];
    case 'Username':
      return [usernameOf(event) ?? ''];
    case 'ResourceType':
      return event.resources.map((resource) => resource.resourceType);
    case 'ResourceName':
      return event.resources.map((resource) => resource.resourceName);
    case 'EventSource':
      return [event.eventSource];
    case 'AccessKeyId': {
      const key = event.userIdentity['accessKeyId'];
      return typeof key === 'string' ? [key] : [];
    }
  }
}

function readTime(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new AwsApiError('SerializationException', `${name} must be a timestamp in epoch seconds`);
  return value * 1000;
}

function readAttribute(body: Record<string, unknown>): { key: AttributeKey; value: string } | undefined {
  const attributes = body['LookupAttributes'];
  if (attributes === undefined || attributes === null) return undefined;
  if (!Array.isArray(attributes)) throw new AwsApiError('SerializationException', 'LookupAttributes must be a list');
  if (attributes.length === 0) return undefined;
  if (attributes.length > 1) throw new AwsApiError('InvalidLookupAttributesException', 'You can specify only one lookup attribute per request.');
  const [attribute] = attributes as Array<Record<string, unknown>>;
  const key = attribute?.['AttributeKey'];
  const value = attribute?.['AttributeValue'];
  if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw new AwsApiError('InvalidLookupAttributesException', `AttributeKey must be one of ${ATTRIBUTE_KEYS.join(', ')}`);
  }
  if (typeof value !== 'string' || value === '') throw new AwsApiError('InvalidLookupAttributesException', 'AttributeValue must be 1 to 2000 characters');
  return { key: key as AttributeKey, value };
}

/** Where a page ends: the last event handed out. */
type Cursor = Pick<TrailEvent, 'eventTime' | 'eventId'>;

/** Newest first; ties by event id, so that a page boundary is exact. */
function newestFirst(a: Cursor, b: Cursor): number {
  const byTime = Date.parse(b.eventTime) - Date.parse(a.eventTime);
  return byTime !== 0 ? byTime : a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0;
}

/** The token names the last event handed out and the query it belongs to. */
function writeToken(query: string, last: Cursor): string {
  return Buffer.from(JSON.stringify({ query, time: last.eventTime, id: last.eventId }), 'utf8').toString('base64url');
}

function readToken(token: string, query: string): Cursor {
  let parsed: { query?: unknown; time?: unknown; id?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new AwsApiError('InvalidNextTokenException', 'Invalid NextToken.');
  }
  if (parsed.query !== query || typeof parsed.time !== 'string' || typeof parsed.id !== 'string') {
    throw new AwsApiError('InvalidNextTokenException', 'The NextToken does not belong to these lookup attributes and time range.');
  }
  return { eventTime: parsed.time, eventId: parsed.id };
}

function lookupEvents({ state, caller, region, body }: JsonActionContext): Record<string, unknown> {
  const attribute = readAttribute(body);
  const start = readTime(body, 'StartTime');
  const end = readTime(body, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) throw new AwsApiError('InvalidTimeRangeException', 'StartTime must be before EndTime.');
  const maxResults = body['MaxResults'] ?? MAX_LOOKUP_RESULTS;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LOOKUP_RESULTS) {
    throw new AwsApiError('InvalidMaxResultsException', `MaxResults must be from 1 to ${MAX_LOOKUP_RESULTS}.`);
  }
  const category = body['EventCategory'];
  if (category !== undefined && category !== 'insight') throw new AwsApiError('InvalidEventCategoryException', 'EventCategory must be insight.');

  const query = JSON.stringify([attribute, start, end, category]);
  const after = typeof body['NextToken'] === 'string' ? readToken(body['NextToken'], query) : undefined;
  const oldest = Date.now() - EVENT_HISTORY_DAYS * DAY_MS;
  const selected = (category === 'insight' ? [] : [...state.trailEvents(caller.account, region)])
    .filter((event) => {
      const time = Date.parse(event.eventTime);
      return time >= oldest && (start === undefined || time >= start) && (end === undefined || time <= end);
    })
    .filter((event) => attribute === undefined || attributeValues(event, attribute.key).includes(attribute.value))
    .sort(newestFirst)
    .filter((event) => after === undefined || newestFirst(after, event) < 0);
  const page = selected.slice(0, maxResults);
  const last = page[page.length - 1];
  return {
    Events: page.map((event) => ({
      EventId: event.eventId,
      EventName: event.eventName,
      ReadOnly: String(event.readOnly),
      ...(typeof event.userIdentity['accessKeyId'] === 'string' ? { AccessKeyId: event.userIdentity['accessKeyId'] } : {}),
      EventTime: Date.parse(event.eventTime) / 1000,
      EventSource: event.eventSource,
      ...(usernameOf(event) !== undefined ? { Username: usernameOf(event) } : {}),
      Resources: event.resources.map((resource) => ({ ResourceType: resource.resourceType, ResourceName: resource.resourceName })),
      CloudTrailEvent: JSON.stringify(cloudTrailRecord(event)),
    })),
    ...(selected.length > page.length && last ? { NextToken: writeToken(query, last) } : {}),
  };
}

/** The event as CloudTrail records it (the record format of CloudTrail log files and EventBridge `detail`). */
export function cloudTrailRecord(event: TrailEvent): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: event.userIdentity,
    eventTime: event.eventTime.replace(/\.\d{3}Z$/, 'Z'),
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.awsRegion,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-sdk-go-v2/1.30.0',
    ...(event.errorCode !== undefined ? { errorCode: event.errorCode, errorMessage: `${event.errorCode} (recorded by the stand-in)` } : {}),
    requestParameters: event.requestParameters,
    responseElements: event.responseElements,
    requestID: event.eventId.replace(/^0+/, 'req-'),
    eventID: event.eventId,
    readOnly: event.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: event.recipientAccountId,
    eventCategory: 'Management',
  };
}

export const CLOUDTRAIL_ACTIONS: Readonly<Record<string, JsonActionHandler>> = {
  LookupEvents: lookupEvents,
};

export function jsonErrorBody(error: AwsApiError): string {
  return JSON.stringify({ __type: error.code, message: error.message });
}
