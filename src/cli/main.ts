import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes';
import { newCommand } from './command';
import { tagCommand } from './commands/tag';
import { spelCommand } from './commands/spel';
import { previewCommand } from './commands/preview';
import { lintCommand } from './commands/lint';
import { backfillCommand } from './commands/backfill';
import { doctorCommand } from './commands/doctor';
import { replayCommand } from './commands/replay';
import { helpAfter } from './help';
import { packageVersion } from './package-files';

/** The `ami-tagger` command: one subcommand per job, each with its own --help. */
export function buildProgram(): Command {
  const program = newCommand('ami-tagger')
    .description('Tag AWS machine images (AMIs) and their snapshots; generate, preview and lint the Spinnaker SpEL that carries bake results.')
    .version(packageVersion(), '-V, --version', 'print the version of ami-tagger')
    .addHelpText(
      'after',
      helpAfter([
        { command: 'tag --event event.json --dry-run', what: 'what the tagger would write for one EventBridge event, with your credentials' },
        { command: 'spel --pipeline pipeline.json --consumer lambda --function ami-tagger-prod-direct-tag', what: "the stages that send a bake's images to the direct path" },
        { command: 'preview --execution execution.json --stage stages.json', what: 'evaluate those stages against a real run, offline' },
        { command: 'lint pipeline.json', what: 'find expressions that read the wrong image, or nothing' },
        { command: 'COMMAND --help', what: "a command's options" },
      ]),
    );
  program.addCommand(tagCommand());
  program.addCommand(spelCommand());
  program.addCommand(previewCommand());
  program.addCommand(lintCommand());
  program.addCommand(backfillCommand());
  program.addCommand(doctorCommand());
  program.addCommand(replayCommand());
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
