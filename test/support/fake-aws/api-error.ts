/**
 * An error the stand-in answers with, as EC2 or STS would: a code, a message and an HTTP
 * status. The SDK turns the code into the thrown error's `name`.
 */

/**
 * HTTP statuses EC2 and STS use for the codes that are not a plain 400 (EC2 API reference,
 * "Error codes"; STS API reference, "Common errors").
 */
const STATUS_BY_CODE: Record<string, number> = {
  AuthFailure: 401,
  MissingAuthenticationToken: 401,
  UnauthorizedOperation: 403,
  AccessDenied: 403,
  DryRunOperation: 412,
  InternalError: 500,
  InternalFailure: 500,
  RequestLimitExceeded: 503,
  ServiceUnavailable: 503,
  Unavailable: 503,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export class AwsApiError extends Error {
  override readonly name = 'AwsApiError';
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number = statusForCode(code)) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function missingParameter(parameter: string): AwsApiError {
  return new AwsApiError('MissingParameter', `The request must contain the parameter ${parameter}`);
}

export function invalidParameterValue(message: string): AwsApiError {
  return new AwsApiError('InvalidParameterValue', message);
}
