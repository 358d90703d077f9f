import { isInputError } from '../errors';
import { ExitCode } from './exit-codes';

/** Set to 1 to see the stack trace of an unexpected error. */
export const DEBUG_ENV = 'AMI_TAGGER_DEBUG';

/** Errors of the SDK's own making before or instead of an AWS answer: no credentials, no region, no connection. */
const SDK_CLIENT_ERRORS = new Set(['CredentialsProviderError', 'TimeoutError', 'TokenProviderError']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * Runs one subcommand's action and turns what it throws into an exit code and a readable
 * message: what was wrong, where, and what to do. No stack trace unless AMI_TAGGER_DEBUG=1.
 */
export async function runAction(action: () => Promise<ExitCode> | ExitCode): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    const { code, text } = describeFailure(error);
    process.stderr.write(`ami-tagger: ${text}\n`);
    if (process.env[DEBUG_ENV] === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = code;
  }
}

export function describeFailure(error: unknown): { code: ExitCode; text: string } {
  if (isInputError(error)) return { code: ExitCode.BadInput, text: error.describe() };
  const message = error instanceof Error ? error.message : String(error);
  const awsName = awsErrorName(error);
  if (awsName) {
    return { code: ExitCode.AwsFailure, text: `AWS refused the call: ${awsName}: ${message}\n  fix:   check the credentials, region and permissions (see README, "IAM")` };
  }
  if (isUnreachable(error)) {
    return { code: ExitCode.AwsFailure, text: `could not call AWS: ${message}\n  fix:   check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID), AWS_REGION and the network; AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL_STS if you use a local endpoint (the command asks STS whose credentials these are first)` };
  }
  return { code: ExitCode.Internal, text: `unexpected error: ${message}\n  fix:   run again with ${DEBUG_ENV}=1 for the stack trace, and report it` };
}

/** The error code of an AWS SDK service error (an answer from AWS), if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error) || !('$fault' in error)) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : 'AwsError';
}

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return SDK_CLIENT_ERRORS.has(error.name) || (code !== undefined && NETWORK_ERROR_CODES.has(code)) || /region is missing/i.test(error.message);
}
