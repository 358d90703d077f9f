/** Exit codes of the `ami-tagger` command. Every subcommand's --help and the README list them from here. */
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

/** What each exit code means, for people: the one text that --help and the README's table show. */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [ExitCode.Ok]: 'done: tagged, up to date, planned (`--dry-run`), ignored, printed; no findings',
  [ExitCode.Findings]: 'findings: image not found, lint errors (warnings too with `--strict`), expressions that failed or yielded null, doctor found something to fix',
  [ExitCode.BadInput]: 'bad input (a flag, a file, an event, a payload, a rules file, a pipeline); nothing was changed',
  [ExitCode.AwsFailure]: 'AWS refused or could not be called (credentials, permissions, network, throttling after retries)',
  [ExitCode.Internal]: 'a fault in ami-tagger itself: no stack trace unless `AMI_TAGGER_DEBUG=1`; please report it',
};

/** The full list, as every subcommand's --help ends. */
export function exitCodeHelp(): string {
  const lines = Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning.replaceAll('`', '')}`);
  return ['Exit codes:', ...lines].join('\n');
}
