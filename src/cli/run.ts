import { isInputError } from '../errors';
import { ExitCode } from './exit-codes';

/**
 * Runs one subcommand's action and turns what it throws into an exit code and a readable
 * message: bad input never shows a stack trace.
 */
export async function runAction(action: () => Promise<ExitCode> | ExitCode): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (isInputError(error)) {
      process.stderr.write(`ami-tagger: ${error.describe()}\n`);
      process.exitCode = ExitCode.BadInput;
      return;
    }
    const awsName = awsErrorName(error);
    if (awsName) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`ami-tagger: AWS refused the call: ${awsName}: ${message}\n  fix:   check the credentials, region and permissions (see README, "IAM")\n`);
      process.exitCode = ExitCode.AwsFailure;
      return;
    }
    throw error;
  }
}

/** The error code of an AWS SDK service error, if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : 'AwsError';
}
