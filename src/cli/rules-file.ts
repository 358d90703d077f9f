import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertReadableFile } from './read-json';
import { RULES_FILE_NAME, shippedRulesFile } from './package-files';

/**
 * The rules file `tag` uses: the one given with --rules; else ./ami-tagger.yml when the current
 * folder has one (a checkout of this repository, or your own rules next to your pipeline); else
 * the rules shipped with ami-tagger, so an installed command and the Run Job container work
 * from any folder.
 */
export function resolveRulesFile(given: string | undefined, cwd: string = process.cwd()): string {
  if (given !== undefined) {
    assertReadableFile(given, 'rules', '--rules');
    return given;
  }
  const local = join(cwd, RULES_FILE_NAME);
  return existsSync(local) ? local : shippedRulesFile();
}

/** The --rules help: the rule above, and which file it picks from this folder. */
export function rulesOptionHelp(cwd: string = process.cwd()): string {
  const used = existsSync(join(cwd, RULES_FILE_NAME)) ? `./${RULES_FILE_NAME}` : 'the shipped rules';
  return `rules file (YAML). Default: ./${RULES_FILE_NAME} if the current folder has one, else the rules shipped with ami-tagger (${shippedRulesFile()}); here: ${used}`;
}
