import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The suite, the scripts and the examples run from any clone: nothing they read may lie outside
 * the repository (a sibling folder such as ../shared exists on one machine only).
 */
const ROOT = resolve(__dirname, '../..');
const FOLDERS = ['bin', 'docs', 'examples', 'handlers', 'scripts', 'serverless', 'src', 'templates', 'test'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json|ya?ml|md|sh)$/;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

const files = FOLDERS.flatMap((folder) => {
  try {
    return filesUnder(join(ROOT, folder));
  } catch {
    return [];
  }
});

describe('the repository is self-contained', () => {
  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('no file names a folder beside the repository (../shared) or an absolute path of this machine', () => {
    const self = join('test', 'docs', 'self-contained.test.ts');
    const offenders = files
      .filter((file) => relative(ROOT, file) !== self)
      .filter((file) => /(\.\.\/)+shared\/|\/work\/shared/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('every path built from __dirname stays inside the repository', () => {
    const escaping: string[] = [];
    for (const file of files.filter((path) => /\.(ts|js|mjs|cjs)$/.test(path))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:join|resolve)\(__dirname,\s*'([^']+)'/g)) {
        const target = resolve(dirname(file), match[1] ?? '');
        if (target !== ROOT && !target.startsWith(ROOT + sep)) escaping.push(`${relative(ROOT, file)}: ${match[1] ?? ''}`);
      }
    }
    expect(escaping).toEqual([]);
  });
});
