import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The package's name, as its package.json says. */
export const PACKAGE_NAME = 'ami-tagger';
/** The rules file's name: in the current folder, and the one shipped at the package's root. */
export const RULES_FILE_NAME = 'ami-tagger.yml';

function manifestName(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/**
 * The folder of ami-tagger's own package.json: the installed package's root (the bundle runs
 * from its dist/), or the repository's root when the command runs from source.
 */
export function packageRoot(from: string = __dirname): string {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && manifestName(manifest) === PACKAGE_NAME) return folder;
    if (dirname(folder) === folder) throw new Error(`the package.json of ${PACKAGE_NAME} is not in ${from} or any folder above it`);
  }
}

/** The version in the package's package.json, as `ami-tagger --version` prints it. */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}

/** The rules shipped with ami-tagger: the same file the stack deploys by default (serverless.yml `rulesFile`). */
export function shippedRulesFile(): string {
  return join(packageRoot(), RULES_FILE_NAME);
}
