import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler } from '../../handlers/tag-image';
import { EXIT_CODE_MEANINGS } from '../../src/cli/exit-codes';
import { runCli } from '../support/cli';
import { compiledRules, useFakeAwsEnvironment } from '../support/engine-env';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { applySeedDocument, readSeedDocument, seedOptions } from '../support/fake-aws/seed-document';

/**
 * The commands of the README's quick start and direct path, and of docs/direct-path.md, run as
 * written, in the order written: every `ami-tagger ...` / `npx ami-tagger ...` of their `sh`
 * blocks runs in this process (runCli), in a folder laid out like the repository's root, against
 * the local EC2 stand-in seeded with the seed file the quick start names. `sls invoke local` runs
 * the handler itself. Each command must exit as documented: 0, unless its comment says
 * "exit N". Installing, testing and deploying commands are not run, and are listed here.
 */
const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DIRECT_PATH = readFileSync(join(ROOT, 'docs/direct-path.md'), 'utf8');

/** Commands the test does not run: what they do needs a network, an AWS account, or is this test suite. */
const NOT_RUN = [/^npm (ci|test|run demo|run deploy:all-regions)\b/, /^npx sls deploy\b/, /^export /, /^aws ssm put-parameter\b/];
const FAKE_AWS = /^npx tsx scripts\/fake-aws\.ts --seed (\S+) &$/;
const INVOKE_LOCAL = /^npx sls invoke local -f tagImage --path (\S+)$/;

interface Fence {
  lang: string;
  body: string;
  /** What follows the fence up to the next one: empty when the next fence comes right after. */
  gapAfter: string;
}

/** The fenced blocks of a markdown text, in order. */
function fences(markdown: string): Fence[] {
  const found: Fence[] = [];
  const pattern = /^```(\w*)\n([\s\S]*?)^```\n/gm;
  let last: { fence: Fence; end: number } | undefined;
  for (const match of markdown.matchAll(pattern)) {
    if (last) last.fence.gapAfter = markdown.slice(last.end, match.index).trim();
    const fence = { lang: match[1] ?? '', body: match[2] ?? '', gapAfter: '' };
    found.push(fence);
    last = { fence, end: (match.index ?? 0) + match[0].length };
  }
  return found;
}

/** The text of a `## heading` section, up to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end) + '\n';
}

interface ShellCommand {
  /** As written (continuations joined), without its comment. */
  text: string;
  comment: string;
  words: string[];
  /** `> FILE` */
  stdoutTo?: string;
}

/** Splits one shell line into words, with single and double quotes; `#` outside quotes starts the comment. */
function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line.charAt(index);
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (char === '#' && word === undefined) {
      return { words, comment: line.slice(index + 1).trim() };
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new Error(`unclosed quote in: ${line}`);
  if (word !== undefined) words.push(word);
  return { words, comment: '' };
}

function commandsOf(block: string): ShellCommand[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => ({ line, ...shellWords(line) }))
    .filter(({ words }) => words.length > 0)
    .map(({ words, comment }) => {
      const redirect = words.indexOf('>');
      const stdoutTo = redirect >= 0 ? words[redirect + 1] : undefined;
      const kept = redirect >= 0 ? [...words.slice(0, redirect), ...words.slice(redirect + 2)] : words;
      if (kept.some((word) => ['|', '&&', ';', '<'].includes(word))) throw new Error(`not a simple command: ${words.join(' ')}`);
      return { text: words.join(' '), comment, words: kept, ...(stdoutTo !== undefined ? { stdoutTo } : {}) };
    });
}

function amiTaggerArgs(words: readonly string[]): string[] | undefined {
  if (words[0] === 'ami-tagger') return words.slice(1);
  if (words[0] === 'npx' && words[1] === 'ami-tagger') return words.slice(2);
  return undefined;
}

function documentedExit(comment: string): number {
  const match = /\bexits? (\d)\b/.exec(comment);
  return match ? Number(match[1]) : 0;
}

/** Lines as shown: a line that ends in "…" stands for any line that starts with what comes before it. */
function expectShown(actual: string, shown: string): void {
  const actualLines = actual.trimEnd().split('\n');
  const shownLines = shown.trimEnd().split('\n');
  expect(actualLines).toHaveLength(shownLines.length);
  shownLines.forEach((line, index) => {
    const real = actualLines[index] ?? '';
    if (line.endsWith('…')) expect(real.startsWith(line.slice(0, -1))).toBe(true);
    else expect(real.trimEnd()).toBe(line.trimEnd());
  });
}

let fake: FakeAws | undefined;
let restoreEnvironment: (() => void) | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'ami-tagger-docs-'));
const previousCwd = process.cwd();

beforeAll(() => {
  // The repository's root, as the reader's current folder: the examples, and the rules next to them.
  symlinkSync(join(ROOT, 'examples'), join(scratch, 'examples'));
  symlinkSync(join(ROOT, 'ami-tagger.yml'), join(scratch, 'ami-tagger.yml'));
  process.chdir(scratch);
});

afterAll(async () => {
  process.chdir(previousCwd);
  restoreEnvironment?.();
  await fake?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one documented command the way a reader would, or says why it is not run. */
async function runDocumented(command: ShellCommand): Promise<Ran | 'not run'> {
  const args = amiTaggerArgs(command.words);
  if (args !== undefined) {
    const ran = await runCli(args);
    if (command.stdoutTo !== undefined) writeFileSync(command.stdoutTo, ran.stdout);
    return ran;
  }
  const seed = FAKE_AWS.exec(command.text.replace(/\s+#.*$/, ''));
  if (seed) {
    const document = readSeedDocument(readFileSync(seed[1] ?? '', 'utf8'), seed[1] ?? '');
    fake = await startFakeAws(seedOptions(document));
    applySeedDocument(fake, document);
    restoreEnvironment = useFakeAwsEnvironment(fake, { AMI_TAGGER_RULES_FILE: compiledRules() });
    return { code: 0, stdout: '', stderr: '' };
  }
  const invoke = INVOKE_LOCAL.exec(command.words.join(' '));
  if (invoke) {
    // What `sls invoke local` runs: the handler (it reads its environment on its first event), with the rules compiled as at package time.
    const result = await handler(JSON.parse(readFileSync(invoke[1] ?? '', 'utf8')));
    return { code: 0, stdout: JSON.stringify(result), stderr: '' };
  }
  if (NOT_RUN.some((pattern) => pattern.test(command.words.join(' ')))) return 'not run';
  throw new Error(`a documented command this test does not know: ${command.text}`);
}

/** The sh blocks of one document, each command with the fence that follows its block (its output, when shown). */
function documentedCommands(markdown: string): Array<{ command: ShellCommand; output?: Fence }> {
  const all = fences(markdown);
  return all.flatMap((fence, index) => {
    if (fence.lang !== 'sh') return [];
    const next = all[index + 1];
    const output = fence.gapAfter === '' && next !== undefined && next.lang !== 'sh' ? next : undefined;
    const commands = commandsOf(fence.body);
    const amiTagger = commands.filter((command) => amiTaggerArgs(command.words) !== undefined);
    return commands.map((command) => ({ command, ...(output !== undefined && amiTagger.length === 1 && amiTagger[0] === command ? { output } : {}) }));
  });
}

const DOCUMENTS = [
  { name: 'README, Quick start', text: section(README, 'Quick start') },
  { name: 'README, The direct path (Spinnaker)', text: section(README, 'The direct path (Spinnaker)') },
  { name: 'docs/direct-path.md', text: DIRECT_PATH },
];

describe.each(DOCUMENTS)('$name: every command runs as written', ({ name, text }) => {
  const commands = documentedCommands(text);

  it('has ami-tagger commands to run', () => {
    expect(commands.filter(({ command }) => amiTaggerArgs(command.words) !== undefined).length).toBeGreaterThan(name.startsWith('README, Quick') ? 1 : 2);
  });

  it('each exits as documented, and prints what the document shows', async () => {
    for (const { command, output } of commands) {
      const ran = await runDocumented(command);
      if (ran === 'not run') continue;
      expect({ command: command.text, code: ran.code, stderr: ran.code === 0 ? '' : ran.stderr }).toEqual({ command: command.text, code: documentedExit(command.comment), stderr: '' });
      if (/\bthe plan\b/.test(command.comment)) expect(ran.stdout).toContain('Would write:');
      if (/\bup to date\b/.test(command.comment)) expect(ran.stdout).toMatch(/already there|up to date/);
      if (output !== undefined) {
        const printed = command.stdoutTo !== undefined ? readFileSync(command.stdoutTo, 'utf8') : ran.stdout;
        if (output.lang === 'json') expect(JSON.parse(printed)).toEqual(JSON.parse(output.body));
        else expectShown(printed, output.body);
      }
    }
  });
});

describe('docs/direct-path.md: the payload it shows', () => {
  it('is examples/spinnaker/payload.json, and what the previewed Lambda stage sends', async () => {
    const payload = JSON.parse(readFileSync(join(ROOT, 'examples/spinnaker/payload.json'), 'utf8')) as unknown;
    expect(fences(DIRECT_PATH).some((fence) => fence.lang === 'json' && JSON.stringify(JSON.parse(fence.body)) === JSON.stringify(payload))).toBe(true);
    const preview = await runCli(['preview', '--execution', 'examples/spinnaker/execution.json', '--stage', 'stages.json', '--format', 'json']);
    const rows = (JSON.parse(preview.stdout) as { rows: Array<{ field: string; value: unknown }> }).rows;
    const sent = rows.find((row) => row.field === 'payloadArtifact.reference');
    expect(JSON.parse(Buffer.from(String(sent?.value), 'base64').toString('utf8'))).toEqual(payload);
  });
});

describe('README, Command line: the exit codes', () => {
  it('are the ones every --help lists (src/cli/exit-codes.ts)', () => {
    const table = [...section(README, 'Command line').matchAll(/^\| (\d) \| (.+) \|$/gm)].map((row) => [row[1], row[2]]);
    expect(table).toEqual(Object.entries(EXIT_CODE_MEANINGS));
  });
});
