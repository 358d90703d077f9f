/**
 * The HTTP side: one loopback server for every region and every service. Each request is
 * read, attributed to a caller (credential scope and access key), recorded, subjected to the
 * faults a test planned and to the token buckets when they are on, and answered by the action's
 * handler in the service's dialect: XML for the query protocol (EC2, STS), JSON 1.1 (CloudTrail).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ActionHandler } from './action-context';
import { AwsApiError } from './api-error';
import { CLOUDTRAIL_ACTIONS, CLOUDTRAIL_TARGET_PREFIX, CLOUDTRAIL_THROTTLING_CODE, JSON_1_1_CONTENT_TYPE, jsonErrorBody } from './cloudtrail';
import { readCredentialScope, type CredentialScope } from './credential-scope';
import { EC2_ACTIONS, EC2_THROTTLING_CODE, ec2ErrorResponse, ec2Response } from './ec2';
import type { ServiceName } from './model';
import { parseQueryBody, type QueryParams } from './query';
import type { FakeAwsState } from './state';
import { STS_ACTIONS, STS_THROTTLING_CODE, stsErrorResponse, stsResponse } from './sts';

interface ServiceProtocol {
  actions: Readonly<Record<string, ActionHandler>>;
  throttlingCode: string;
  throttlingMessage: string;
  respond: (action: string, requestId: string, body: string) => string;
  respondError: (error: AwsApiError, requestId: string) => string;
}

const PROTOCOLS: Record<Exclude<ServiceName, 'cloudtrail'>, ServiceProtocol> = {
  ec2: { actions: EC2_ACTIONS, throttlingCode: EC2_THROTTLING_CODE, throttlingMessage: 'Request limit exceeded.', respond: ec2Response, respondError: ec2ErrorResponse },
  sts: { actions: STS_ACTIONS, throttlingCode: STS_THROTTLING_CODE, throttlingMessage: 'Rate exceeded', respond: stsResponse, respondError: stsErrorResponse },
};

/** Query-protocol requests are small; anything bigger is a mistake, not a request. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

function isQueryService(service: string): service is keyof typeof PROTOCOLS {
  return Object.hasOwn(PROTOCOLS, service);
}

/** The services the stand-in answers, for the error that names them. */
const SERVICES: readonly ServiceName[] = ['ec2', 'sts', 'cloudtrail'];

export function createFakeAwsServer(state: FakeAwsState): Server {
  return createServer((request, response) => {
    readBody(request)
      .then((body) => answer(state, request, body, response))
      .catch((error: unknown) => {
        const failure = error instanceof AwsApiError ? error : new AwsApiError('InternalError', `local EC2/STS stand-in failed: ${String(error)}`);
        send(response, failure.status, ec2ErrorResponse(failure, randomUUID()));
      });
  });
}

function answer(state: FakeAwsState, request: IncomingMessage, body: string, response: ServerResponse): void {
  const requestId = randomUUID();
  let protocol = PROTOCOLS.ec2;
  try {
    const scope = readCredentialScope(request.headers.authorization);
    if (scope.service === 'cloudtrail') {
      answerJson(state, request, body, response, scope, requestId);
      return;
    }
    if (!isQueryService(scope.service)) {
      throw new AwsApiError('InvalidAction', `The local stand-in serves ${SERVICES.join(', ')}; this request was signed for '${scope.service}'.`);
    }
    protocol = PROTOCOLS[scope.service];
    const params: QueryParams = { ...parseQueryBody(new URL(request.url ?? '/', 'http://localhost').search.slice(1)), ...parseQueryBody(body) };
    const action = params['Action'] ?? '';
    delete params['Action'];
    delete params['Version'];
    const caller = state.principals.principalOf(scope.accessKeyId);
    const call = { service: scope.service, action, region: scope.region, account: caller.account, accessKeyId: scope.accessKeyId, params };
    state.record(call);

    // A call that never answers: the client's request timeout must end it.
    if (state.takeHang(action)) return;
    if (state.takeThrottle(action) || !state.takeToken(scope.service, caller.account, scope.region, action, params)) {
      Object.assign(call, { throttled: true });
      throw new AwsApiError(protocol.throttlingCode, protocol.throttlingMessage);
    }
    const planned = state.takeFailure(action);
    if (planned) throw new AwsApiError(planned.code, planned.message, planned.status);
    const handler = Object.hasOwn(protocol.actions, action) ? protocol.actions[action] : undefined;
    if (!handler) {
      const known = Object.keys(protocol.actions).join(', ');
      throw new AwsApiError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service (the local ${scope.service} stand-in implements ${known}).`);
    }
    const result = handler({ state, caller, region: scope.region, params });
    send(response, 200, protocol.respond(action, requestId, result), requestId);
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    send(response, error.status, protocol.respondError(error, requestId), requestId);
  }
}

/** JSON 1.1 (CloudTrail): the action from X-Amz-Target, the input as a JSON object, errors as {"__type", "message"}. */
function answerJson(state: FakeAwsState, request: IncomingMessage, body: string, response: ServerResponse, scope: CredentialScope, requestId: string): void {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith(CLOUDTRAIL_TARGET_PREFIX)) throw new AwsApiError('UnknownOperationException', `X-Amz-Target '${target}' is not a CloudTrail operation`);
    const action = target.slice(CLOUDTRAIL_TARGET_PREFIX.length);
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      throw new AwsApiError('SerializationException', 'The request body is not JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsApiError('SerializationException', 'The request body is not a JSON object');
    const members = input as Record<string, unknown>;
    const caller = state.principals.principalOf(scope.accessKeyId);
    const params = Object.fromEntries(Object.entries(members).map(([key, value]) => [key, JSON.stringify(value)]));
    const call = { service: 'cloudtrail' as const, action, region: scope.region, account: caller.account, accessKeyId: scope.accessKeyId, params };
    state.record(call);
    if (state.takeHang(action)) return;
    if (state.takeThrottle(action) || !state.takeToken('cloudtrail', caller.account, scope.region, action, params)) {
      Object.assign(call, { throttled: true });
      throw new AwsApiError(CLOUDTRAIL_THROTTLING_CODE, 'Rate exceeded', 400);
    }
    const planned = state.takeFailure(action);
    if (planned) throw new AwsApiError(planned.code, planned.message, planned.status);
    const handler = Object.hasOwn(CLOUDTRAIL_ACTIONS, action) ? CLOUDTRAIL_ACTIONS[action] : undefined;
    if (!handler) throw new AwsApiError('UnknownOperationException', `The local cloudtrail stand-in implements ${Object.keys(CLOUDTRAIL_ACTIONS).join(', ')}, not ${action}`);
    sendJson(response, 200, JSON.stringify(handler({ state, caller, region: scope.region, body: members })), requestId);
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    sendJson(response, error.status, jsonErrorBody(error), requestId, error.code);
  }
}

function sendJson(response: ServerResponse, status: number, json: string, requestId: string, errorType?: string): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': JSON_1_1_CONTENT_TYPE,
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(json);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsApiError('RequestEntityTooLarge', `Request body over ${MAX_BODY_BYTES} bytes`, 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, xml: string, requestId?: string): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': 'text/xml;charset=UTF-8',
    'content-length': Buffer.byteLength(xml),
    ...(requestId ? { 'x-amzn-requestid': requestId } : {}),
  });
  response.end(xml);
}
