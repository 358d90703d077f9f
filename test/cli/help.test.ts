import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODE_MEANINGS } from '../../src/cli/exit-codes';
import { buildProgram } from '../../src/cli/main';
import { resolveRulesFile, rulesOptionHelp } from '../../src/cli/rules-file';
import { runCli } from '../support/cli';

const ROOT = join(__dirname, '../..');
const subcommands = (): readonly Command[] => buildProgram().commands;

describe('ami-tagger --help and --version', () => {
  it('--version and -V print the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await runCli(['-V'])).stdout).toBe(`${version}\n`);
  });

  it.each(['', ...subcommands().map((command) => command.name())])('`%s --help` has examples and the full list of exit codes', async (command) => {
    const run = await runCli([...(command === '' ? [] : [command]), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\nExamples:\n {2}# .+\n {2}\$ ami-tagger /);
    const listed = run.stdout.slice(run.stdout.indexOf('Exit codes:\n'));
    const expected = Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning.replaceAll('`', '')}`);
    expect(listed).toBe(['Exit codes:', ...expected].join('\n') + '\n');
  });

  it('the examples in --help use only the options the command has', async () => {
    for (const command of subcommands()) {
      const help = (await runCli([command.name(), '--help'])).stdout;
      const known = new Set(command.options.flatMap((option) => [option.long, option.short]).filter((flag): flag is string => flag !== undefined));
      const examples = help.split('\n').filter((line) => line.startsWith(`  $ ami-tagger ${command.name()} `));
      expect(examples.length).toBeGreaterThan(0);
      const unknown = examples.flatMap((line) => (line.match(/(?<=\s)--?[a-z][\w-]*/g) ?? []).filter((flag) => !known.has(flag)));
      expect({ command: command.name(), unknown }).toEqual({ command: command.name(), unknown: [] });
    }
  });

  it('a short flag means the same long flag in every subcommand', () => {
    const meanings = new Map<string, Set<string>>();
    for (const command of subcommands()) {
      for (const option of command.options) {
        if (option.short === undefined) continue;
        meanings.set(option.short, (meanings.get(option.short) ?? new Set()).add(option.long ?? ''));
      }
    }
    const ambiguous = [...meanings].filter(([, longs]) => longs.size > 1).map(([short, longs]) => `${short}: ${[...longs].join(', ')}`);
    expect(ambiguous).toEqual([]);
  });
});

describe('tag: which rules file', () => {
  const shipped = join(ROOT, 'ami-tagger.yml');

  it('./ami-tagger.yml when the current folder has one, else the rules shipped with ami-tagger', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ami-tagger-no-rules-'));
    expect(resolveRulesFile(undefined, empty)).toBe(shipped);
    expect(rulesOptionHelp(empty)).toContain('here: the shipped rules');
    const own = mkdtempSync(join(tmpdir(), 'ami-tagger-own-rules-'));
    writeFileSync(join(own, 'ami-tagger.yml'), 'tags:\n  Team: platform\n');
    expect(resolveRulesFile(undefined, own)).toBe(join(own, 'ami-tagger.yml'));
    expect(rulesOptionHelp(own)).toContain('here: ./ami-tagger.yml');
    expect(resolveRulesFile(join(own, 'ami-tagger.yml'), empty)).toBe(join(own, 'ami-tagger.yml'));
  });

  it('--help says what the default is and where the shipped file is', async () => {
    const help = (await runCli(['tag', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`Default: ./ami-tagger.yml if the current folder has one, else the rules shipped with ami-tagger (${shipped})`);
  });

  it('a --rules file that is not there: "cannot read FILE: no such file", exit 2', async () => {
    const run = await runCli(['tag', '--event', join(ROOT, 'examples/events/create-image.json'), '--rules', 'no-such-rules.yml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ami-tagger: cannot read no-such-rules\.yml: no such file\n {2}where: --rules\n/);
  });
});
