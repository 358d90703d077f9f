/**
 * The folders are the architecture (README, "How it works"): the rules below hold on the imports
 * themselves, so a shortcut across layers fails here rather than in a review.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '../../src');

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level parts of src/ that a folder's files import (`../tagger/engine` -> `tagger`). */
function partsImportedBy(folder: string): Map<string, string[]> {
  const parts = new Map<string, string[]>();
  for (const file of filesUnder(join(SRC, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(SRC, join(file, '..', match[1] ?? ''));
      const part = target.split('/')[0] ?? '';
      if (part === folder || part.startsWith('..')) continue;
      parts.set(part, [...(parts.get(part) ?? []), relative(SRC, file)]);
    }
  }
  return parts;
}

describe('architecture: who may import whom', () => {
  it('src/spel stands apart: no AWS, no engine, no direct path; the payload contract is shared through src/contract', () => {
    const allowed = new Set(['contract', 'errors', 'validation']);
    const imported = [...partsImportedBy('spel')].filter(([part]) => !allowed.has(part.replace(/\.ts$/, '')));
    expect(imported).toEqual([]);
  });

  it('the engine (src/tagger) never imports the AWS adapter: it owns the port, src/aws implements it', () => {
    expect(partsImportedBy('tagger').get('aws')).toBeUndefined();
  });

  it('the contracts (src/contract) depend on nothing', () => {
    expect([...partsImportedBy('contract').keys()]).toEqual([]);
  });
});

describe('architecture: the engine\'s types sit below the rules and the adapter', () => {
  it('src/model (image references, facts, tags, EC2\'s tag limits) imports nothing of ami-tagger\'s', () => {
    expect([...partsImportedBy('model').keys()]).toEqual([]);
  });

  it('src/rules and src/events read the model, never the engine', () => {
    expect(partsImportedBy('rules').get('tagger')).toBeUndefined();
    expect(partsImportedBy('events').get('tagger')).toBeUndefined();
  });

  it('src/aws reaches the engine only for the port it implements', () => {
    const files = partsImportedBy('aws').get('tagger') ?? [];
    for (const file of files) {
      const imports = [...readFileSync(join(SRC, file), 'utf8').matchAll(/from '\.\.\/tagger\/([^']+)'/g)].map((match) => match[1]);
      expect({ file, imports: imports.filter((module) => module !== 'ec2-port') }).toEqual({ file, imports: [] });
    }
  });
});
