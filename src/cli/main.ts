import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes';
import { newCommand } from './command';
import { tagCommand } from './commands/tag';
import { spelCommand } from './commands/spel';
import { previewCommand } from './commands/preview';
import { lintCommand } from './commands/lint';

/** The `ami-tagger` command: one subcommand per job, each with its own --help. */
export function buildProgram(): Command {
  const program = newCommand('ami-tagger').description(
    'Tag AWS machine images (AMIs) and their snapshots; generate, preview and lint the Spinnaker SpEL that carries bake results.',
  );
  program.addCommand(tagCommand());
  program.addCommand(spelCommand());
  program.addCommand(previewCommand());
  program.addCommand(lintCommand());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 2.
      process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
      return;
    }
    throw error;
  }
}
