import { Command } from 'commander';

/** A subcommand with the settings every `ami-tagger` command shares (errors as exit codes, help after a mistake). */
export function newCommand(name: string): Command {
  return new Command(name).showHelpAfterError('(run with --help for usage)').exitOverride();
}
