/** Exit codes of the `ami-tagger` command; the README lists them. */
export const ExitCode = {
  /** Done; nothing wrong found. */
  Ok: 0,
  /** Ran, but found problems: lint errors, expressions that failed, images that could not be tagged. */
  Findings: 1,
  /** Bad input: a flag, a file, an event, a rules file. Nothing was changed. */
  BadInput: 2,
  /** AWS refused or could not be reached (credentials, permissions, network, throttling after retries). */
  AwsFailure: 3,
  /** A fault in ami-tagger itself; the message says how to get the stack trace. */
  Internal: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
