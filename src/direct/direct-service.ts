import type { AccountScope } from '../account-scope';
import { isInputError } from '../errors';
import { checkPayloadAccount, imageRefsFromPayload, parseSpinnakerPayload } from '../events/spinnaker-payload';
import type { EventLog } from '../log';
import type { EngineOptions, TagStatus } from '../tagger/engine';
import { tagImages } from '../tagger/tag-images';
import { eventMetric } from '../tagger/metrics';
import { outcomeSummary } from '../tagger/summary';
import type { Tag } from '../model/image-ref';
import { SECRET_HEADER, secretMatches } from './webhook-secret';

/** What the direct path answers, per image. */
export interface DirectImageResult {
  imageId: string;
  region: string;
  status: TagStatus;
  written?: Record<string, Tag[]>;
  skipped?: Array<{ key: string; resource: string; reason: string }>;
  error?: string;
}

export interface DirectResponse {
  /**
   * HTTP semantics: 200 all done, 400 bad payload (an account outside the allow-list included),
   * 401 bad secret, 404 no webhook deployed, 502 AWS failed for some image, 503 the secret could not be read.
   */
  statusCode: 200 | 400 | 401 | 404 | 405 | 502 | 503;
  body: { images?: DirectImageResult[]; error?: string; hint?: string };
}

/** An HTTP request from a Lambda Function URL (payload format 2.0): the Webhook stage. */
interface FunctionUrlRequest {
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string } };
}

/** An invocation that came through the Function URL (it has `requestContext`), well formed or not. */
export function isFunctionUrlRequest(event: unknown): event is { requestContext: unknown } {
  return typeof event === 'object' && event !== null && 'requestContext' in event;
}

/** The request's method, headers and body as Lambda's payload format 2.0 has them; undefined when malformed. */
function readRequest(event: { requestContext: unknown } & Record<string, unknown>): FunctionUrlRequest | undefined {
  const context = event.requestContext;
  if (typeof context !== 'object' || context === null || !('http' in context)) return undefined;
  const http = context.http;
  if (typeof http !== 'object' || http === null || !('method' in http) || typeof http.method !== 'string') return undefined;
  const headers = typeof event.headers === 'object' && event.headers !== null ? (event.headers as Record<string, unknown>) : {};
  const request: FunctionUrlRequest = {
    requestContext: { http: { method: http.method } },
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    isBase64Encoded: event.isBase64Encoded === true,
  };
  if (typeof event.body === 'string') request.body = event.body;
  return request;
}

export interface PayloadDeps {
  engine: EngineOptions;
  /** The account the function runs in: the images' account unless the payload names another. */
  ownAccount: string;
  /** The accounts a payload may name (besides the own one): the deploy's allow-list, or --accounts. */
  accounts: AccountScope;
  /** Where that allow-list is set, for the refusal; default AMI_TAGGER_ACCOUNTS. */
  accountsSetting?: string;
  log: EventLog;
}

export interface DirectDeps extends PayloadDeps {
  /**
   * The expected webhook secret (read from SSM); only called for HTTP requests. Absent when the
   * stack has no Function URL (`directPathUrl` off): an HTTP-shaped event is then answered 404.
   */
  webhookSecret?: () => Promise<string>;
}

/** Authenticates an HTTP request, then tags the payload's images. */
export async function handleWebhook(event: { requestContext: unknown }, deps: DirectDeps): Promise<DirectResponse> {
  const request = readRequest(event as { requestContext: unknown } & Record<string, unknown>);
  if (!request) return { statusCode: 400, body: { error: 'not a Function URL request (payload format 2.0)' } };
  if (!deps.webhookSecret) {
    return { statusCode: 404, body: { error: 'this function has no webhook', hint: 'invoke it with the AWS Lambda stage, or deploy with --param directPathUrl=true' } };
  }
  if (request.requestContext.http.method !== 'POST') return { statusCode: 405, body: { error: 'use POST' } };
  const presented = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === SECRET_HEADER)?.[1];
  let expected: string;
  try {
    expected = await deps.webhookSecret();
  } catch (error) {
    // Not the caller's fault, and nothing about it is theirs to see: the log has the reason.
    deps.log.error('webhook secret could not be read', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return { statusCode: 503, body: { error: 'the webhook cannot check secrets right now; try again later' } };
  }
  if (!secretMatches(presented, expected)) {
    deps.log.warn('webhook refused: missing or wrong secret', { header: SECRET_HEADER });
    return { statusCode: 401, body: { error: `missing or wrong ${SECRET_HEADER} header` } };
  }
  const text = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { statusCode: 400, body: { error: 'body is not JSON', hint: 'send the payload that `ami-tagger spel --consumer webhook` generates' } };
  }
  return tagPayload(payload, deps);
}

/** Validates a direct-path payload and tags each image through the engine. Bad input writes nothing. */
export async function tagPayload(payload: unknown, deps: PayloadDeps): Promise<DirectResponse> {
  let refs;
  let dryRun: boolean | undefined;
  try {
    const parsed = parseSpinnakerPayload(payload);
    dryRun = parsed.dryRun;
    // Before any AWS call: the payload may not send ami-tagger into an account outside its allow-list.
    checkPayloadAccount(parsed, deps.accounts, deps.ownAccount, deps.accountsSetting ?? 'AMI_TAGGER_ACCOUNTS');
    refs = imageRefsFromPayload(parsed, deps.ownAccount);
  } catch (error) {
    if (!isInputError(error)) throw error;
    deps.log.error('payload rejected', { error: error.message, hint: error.hint, ...eventMetric('rejected') });
    return { statusCode: 400, body: { error: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  }
  // One image's failure does not stop the others; the response says which failed.
  const outcomes = await tagImages(refs, { ...deps.engine, dryRun: deps.engine.dryRun === true || dryRun === true });
  const images: DirectImageResult[] = outcomes.map((outcome) => {
    if (outcome.status === 'failed') {
      deps.log.error('image failed', { ...outcomeSummary(outcome), error: outcome.error, ...eventMetric('failed') });
      return { imageId: outcome.imageId, region: outcome.region, status: 'failed', error: outcome.error ?? 'failed' };
    }
    deps.log.info(`image ${outcome.status}`, { ...outcomeSummary(outcome), ...eventMetric(outcome.status) });
    return { imageId: outcome.imageId, region: outcome.region, status: outcome.status, written: outcome.written, skipped: outcome.skipped.map(({ key, resource, reason }) => ({ key, resource, reason })) };
  });
  return { statusCode: images.some((image) => image.status === 'failed') ? 502 : 200, body: { images } };
}
