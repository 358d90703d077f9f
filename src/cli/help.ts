import { exitCodeHelp } from './exit-codes';

export interface HelpExample {
  /** The command line, without the leading `ami-tagger`. */
  command: string;
  /** What it does, in a few words. */
  what: string;
}

/**
 * The text every subcommand's --help ends with: notes, examples, and the full list of exit
 * codes (from exit-codes.ts, so it is the same list everywhere).
 */
export function helpAfter(examples: readonly HelpExample[], notes: readonly string[] = []): string {
  const blocks = [
    ...(notes.length > 0 ? [notes.join('\n')] : []),
    ['Examples:', ...examples.flatMap((example) => [`  # ${example.what}`, `  $ ami-tagger ${example.command}`])].join('\n'),
    exitCodeHelp(),
  ];
  return `\n${blocks.join('\n\n')}`;
}
