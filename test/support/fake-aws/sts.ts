/**
 * The STS side (query protocol, Version 2011-06-15): AssumeRole and GetCallerIdentity, the
 * envelope `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata/>` and
 * errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { ActionContext, ActionHandler } from './action-context';
import { AwsApiError } from './api-error';
import { optionalInteger } from './query';
import { leaf, node, xmlDocument } from './xml';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS's throttling error (STS API reference, "Common errors": Throttling, "Rate exceeded"). */
export const STS_THROTTLING_CODE = 'Throttling';

/** AssumeRole session length bounds and default, in seconds (STS API reference, AssumeRole, "DurationSeconds"). */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43_200;
export const DEFAULT_SESSION_SECONDS = 3_600;

/** `arn:aws:iam::ACCOUNT:role/PATH/NAME`; the role name is the last segment. */
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
/** RoleSessionName: 2..64 characters of `[\w+=,.@-]` (STS API reference, AssumeRole). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validationError(message: string): AwsApiError {
  return new AwsApiError('ValidationError', message);
}

function assumeRole({ state, caller, params }: ActionContext): string {
  const roleArn = params['RoleArn'];
  const sessionName = params['RoleSessionName'];
  if (roleArn === undefined) throw validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (sessionName === undefined) throw validationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  const [, account, roleName] = ROLE_ARN.exec(roleArn) ?? [];
  if (!account || !roleName) throw validationError(`${roleArn} is invalid: a role ARN looks like arn:aws:iam::123456789012:role/NAME`);
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and match [\\w+=,.@-]*`);
  }
  const duration = optionalInteger(params, 'DurationSeconds') ?? DEFAULT_SESSION_SECONDS;
  if (duration < MIN_SESSION_SECONDS || duration > MAX_SESSION_SECONDS) {
    throw validationError(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_SESSION_SECONDS} and ${MAX_SESSION_SECONDS}`);
  }
  const requiredExternalId = state.requiredExternalId(roleArn);
  if (requiredExternalId !== undefined && params['ExternalId'] !== requiredExternalId) {
    throw new AwsApiError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  }
  const { credentials, principal } = state.principals.issueRoleSession(account, roleName, sessionName, duration);
  return node(
    'AssumeRoleResult',
    node(
      'Credentials',
      leaf('AccessKeyId', credentials.accessKeyId),
      leaf('SecretAccessKey', credentials.secretAccessKey),
      leaf('SessionToken', credentials.sessionToken),
      leaf('Expiration', credentials.expiration.toISOString()),
    ),
    node('AssumedRoleUser', leaf('AssumedRoleId', principal.userId), leaf('Arn', principal.arn)),
  );
}

function getCallerIdentity({ caller }: ActionContext): string {
  return node('GetCallerIdentityResult', leaf('Arn', caller.arn), leaf('UserId', caller.userId), leaf('Account', caller.account));
}

export const STS_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};

export function stsResponse(action: string, requestId: string, body: string): string {
  return xmlDocument(`${action}Response`, STS_NAMESPACE, body + node('ResponseMetadata', leaf('RequestId', requestId)));
}

export function stsErrorResponse(error: AwsApiError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return xmlDocument('ErrorResponse', STS_NAMESPACE, node('Error', leaf('Type', type), leaf('Code', error.code), leaf('Message', error.message)) + leaf('RequestId', requestId));
}
