import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadCompiledRules } from '../../../src/rules/compiled';
import { loadRulesFile, MAX_RULES_FILE_BYTES, MAX_YAML_ALIAS_COUNT } from '../../../src/rules/load';
import { renderTemplate } from '../../../src/rules/placeholders';
import { DEFAULT_RULES, MAX_NAME_MATCH_LENGTH, mayOverwrite, parseRules } from '../../../src/rules/rules';
import { MAX_KEY_LENGTH, MAX_TAGS_PER_RESOURCE, MAX_VALUE_LENGTH } from '../../../src/model/tag-limits';
import { inputError } from '../../support/input-error';
import { lambdaBundleOptions } from '../../../serverless/esbuild.cjs';
import { FACT_NAMES, FACTS, factAppliesTo, isKnownFact } from '../../../src/rules/fact-catalogue';

const REPO = join(__dirname, '../../..');

const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-rules-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
describe('rules file', () => {
  it('the shipped ami-tagger.yml is valid and tags creator, time, application and version', () => {
    const rules = loadRulesFile(join(__dirname, '../../../ami-tagger.yml'));
    expect(rules.tags).toMatchObject({ CreatedBy: '{creator.principal}', CreatedAt: '{image.creationDate}' });
    expect(rules.overwrite).toBe(false);
    expect(rules.snapshots).toEqual({ tag: true, copyImageTags: true });
  });

  it('fills defaults for what a file leaves out', () => {
    const rules = loadRulesFile(file('min.yml', 'tags:\n  Team: payments\n'));
    expect(rules).toEqual({ ...DEFAULT_RULES, tags: { Team: 'payments' } });
  });

  it('an empty file means the defaults', () => {
    expect(loadRulesFile(file('empty.yml', ''))).toEqual(DEFAULT_RULES);
  });

  it('a YAML syntax error names the line', () => {
    const error = inputError(() => loadRulesFile(file('broken.yml', 'tags:\n  Team: [payments\n')));
    expect(error.message).toContain('not valid YAML');
    expect(error.where).toMatch(/broken\.yml:\d+:\d+/);
  });

  it('an unknown option is refused, naming it', () => {
    expect(inputError(() => loadRulesFile(file('typo.yml', 'overwirte: true\n'))).message).toContain('overwirte');
  });

  it('an unknown placeholder is refused with the list of known ones', () => {
    const error = inputError(() => parseRules({ tags: { Owner: '{creator.princpal}' } }, 'r.yml'));
    expect(error.message).toContain('{creator.princpal}');
    expect(error.hint).toContain('creator.principal');
  });

  it('a {name.X} placeholder needs the named group in nameMatch', () => {
    expect(inputError(() => parseRules({ tags: { App: '{name.app}' }, nameMatch: '^(?<application>.+)-' }, 'r.yml')).message).toContain('name.app');
    expect(parseRules({ tags: { App: '{name.app}' }, nameMatch: '^(?<app>.+)-' }, 'r.yml').nameMatch).toBe('^(?<app>.+)-');
  });

  it('an invalid regex and unbalanced braces are refused', () => {
    expect(inputError(() => parseRules({ nameMatch: '([a-z' }, 'r.yml')).where).toBe('r.yml: nameMatch');
    expect(inputError(() => parseRules({ tags: { A: '{image.id' } }, 'r.yml')).message).toContain('unbalanced');
  });

  it('overwrite may name keys', () => {
    const rules = parseRules({ overwrite: ['Version'] }, 'r.yml');
    expect(mayOverwrite(rules, 'Version')).toBe(true);
    expect(mayOverwrite(rules, 'Owner')).toBe(false);
  });

  it('the compiled JSON form gives the same rules as the YAML', () => {
    const yamlRules = loadRulesFile(join(__dirname, '../../../ami-tagger.yml'));
    expect(loadCompiledRules(file('compiled.json', JSON.stringify(yamlRules)))).toEqual(yamlRules);
    expect(inputError(() => loadCompiledRules(join(dir, 'missing.json'))).hint).toContain('sls package');
  });
});

describe('rules that would load but mislead are refused when they load', () => {
  it('a {name.X} placeholder without any nameMatch is refused, naming the group it needs', () => {
    const error = inputError(() => parseRules({ tags: { App: '{name.app}' } }, 'r.yml'));
    expect(error.message).toContain('{name.app} needs nameMatch with a named group (?<app>...)');
    expect(error.where).toBe('r.yml: tags.App');
    expect(error.hint).toContain('nameMatch');
    // An alternative that can never resolve misleads too.
    expect(inputError(() => parseRules({ tags: { App: '{appversion.package|name.app}' } }, 'r.yml')).where).toBe('r.yml: tags.App');
  });

  it('tags must be a mapping: a list, a bare value, an empty "tags:" and non-text keys are refused', () => {
    const list = inputError(() => loadRulesFile(file('list.yml', 'tags: [ManagedBy]\n')));
    expect(list.message).toBe('tags must be a mapping of tag key to value, not a list');
    expect(list.where).toBe(`${join(dir, 'list.yml')}: tags`);
    expect(list.hint).toContain('ManagedBy: ami-tagger');
    expect(inputError(() => parseRules({ tags: ['ManagedBy'] }, 'r.yml')).where).toBe('r.yml: tags');
    expect(inputError(() => parseRules({ tags: 'ManagedBy' }, 'r.yml')).message).toContain('not text');
    expect(inputError(() => loadRulesFile(file('empty-tags.yml', 'tags:\n'))).message).toContain('tags is empty');
    const complexKey = inputError(() => loadRulesFile(file('complex-key.yml', 'tags:\n  ? [a, b]\n  : x\n')));
    expect(complexKey.message).toContain('key that is not text');
    expect(complexKey.where).toBe(`${join(dir, 'complex-key.yml')}: tags`);
    expect(inputError(() => parseRules({ tags: { [Symbol('k')]: 'x' } }, 'r.yml')).message).toContain('not text');
    expect(inputError(() => parseRules({ tags: { Team: ['a'] } }, 'r.yml')).message).toBe('tag "Team": the value must be text, not a list');
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])(
    'a tag key named like an object property (%s) is refused, from JSON and from YAML, never silently dropped',
    (key) => {
      const fromJson = inputError(() => parseRules(JSON.parse(`{"tags": {"${key}": "x", "Team": "payments"}}`), 'r.json'));
      expect(fromJson.message).toBe(`tag key "${key}" is refused: it is the name of a built-in JavaScript object property`);
      expect(fromJson.where).toBe(`r.json: tags.${key}`);
      const fromYaml = inputError(() => loadRulesFile(file(`proto-${key}.yml`, `tags:\n  Team: payments\n  ${key}: x\n`)));
      expect(fromYaml.message).toContain(`"${key}" is refused`);
    },
  );

  it('keys that only look like object properties are ordinary tag keys, kept in order as own properties', () => {
    const rules = loadRulesFile(file('near-proto.yml', 'tags:\n  ToString: a\n  Constructor: b\n  proto: c\n'));
    expect(Object.entries(rules.tags)).toEqual([['ToString', 'a'], ['Constructor', 'b'], ['proto', 'c']]);
  });

  it('renderTemplate never resolves a placeholder from what every object inherits', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(renderTemplate(`{${name}}`, {})).toEqual({ missing: [name] });
      expect(renderTemplate(`{${name}|account}`, { account: '123456789012' })).toEqual({ value: '123456789012' });
    }
    // An own fact of that name is an ordinary value.
    expect(renderTemplate('{tag.constructor}', Object.fromEntries([['tag.constructor', 'c']]))).toEqual({ value: 'c' });
  });

  it('a YAML file keeps tag keys and values as written: 0x1F, 01234, 1.10, True are text, not numbers', () => {
    const rules = loadRulesFile(
      file(
        'scalars.yml',
        [
          'tags:',
          '  Hex: 0x1F',
          '  Octal: 01234',
          '  Version: 1.10',
          '  Flag: True',
          '  Yes: yes',
          '  Infinite: .inf',
          '  Quoted: "0x1F"',
          "  Single: '1.10'",
          '  Date: 2024-01-01',
          '  01234: leading zero key',
          '  1.10: key',
          '  1.1: another key',
          'dryRun: true',
          'strictCharacters: false',
        ].join('\n'),
      ),
    );
    expect(rules.tags).toEqual({
      Hex: '0x1F',
      Octal: '01234',
      Version: '1.10',
      Flag: 'True',
      Yes: 'yes',
      Infinite: '.inf',
      Quoted: '0x1F',
      Single: '1.10',
      Date: '2024-01-01',
      '01234': 'leading zero key',
      '1.10': 'key',
      '1.1': 'another key',
    });
    expect(rules.dryRun).toBe(true);
    expect(rules.strictCharacters).toBe(false);
  });

  it.each(['Owner:', 'Owner: ~', 'Owner: null', 'Owner: NULL'])('a tag without a value (%s) is refused, naming the key', (line) => {
    const path = file('null-value.yml', `tags:\n  Team: payments\n  ${line}\n`);
    const error = inputError(() => loadRulesFile(path));
    expect(error.message).toBe('tag "Owner" has no value');
    expect(error.where).toBe(`${path}: tags.Owner`);
    expect(error.hint).toContain('"null" in quotes');
    expect(loadRulesFile(file('quoted-null.yml', 'tags:\n  Owner: "null"\n')).tags).toEqual({ Owner: 'null' });
  });

  it('aliases to a scalar work under tags; a "billion laughs" alias bomb is exit-2 input, not a crash', () => {
    expect(loadRulesFile(file('alias.yml', 'tags:\n  Team: &team payments\n  Owner: *team\n')).tags).toEqual({ Team: 'payments', Owner: 'payments' });
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [index, name] of [...'bcdefghi'].entries()) {
      const previous = 'abcdefghi'[index];
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    const path = file('bomb.yml', `${levels.join('\n')}\n`);
    const error = inputError(() => loadRulesFile(path));
    expect(error.message).toContain(`more than ${MAX_YAML_ALIAS_COUNT}`);
    expect(error.where).toBe(`${path}: (whole file)`);
  });

  it(`a file larger than ${MAX_RULES_FILE_BYTES / 1024} KiB is refused before it is parsed`, () => {
    const path = file('huge.yml', `# ${'x'.repeat(MAX_RULES_FILE_BYTES)}\ntags:\n  Team: payments\n`);
    expect(inputError(() => loadRulesFile(path)).message).toContain('larger than 256 KiB');
    expect(loadRulesFile(file('padded.yml', `# ${'x'.repeat(MAX_RULES_FILE_BYTES - 100)}\ntags:\n  Team: payments\n`)).tags).toEqual({ Team: 'payments' });
  });

  it("EC2's tag limits are checked at load: aws: keys, key and static value lengths, 50 tags", () => {
    expect(inputError(() => parseRules({ tags: { 'AWS:owner': 'x' } }, 'r.yml'))).toMatchObject({
      message: 'tag "AWS:owner": keys starting with "aws:" are reserved for AWS',
      where: 'r.yml: tags["AWS:owner"]',
    });
    const longKey = 'k'.repeat(MAX_KEY_LENGTH + 1);
    const keyError = inputError(() => parseRules({ tags: { [longKey]: 'x' } }, 'r.yml'));
    expect(keyError.message).toContain(`key longer than ${MAX_KEY_LENGTH} characters`);
    expect(keyError.where).toContain('r.yml: tags["kkkk');
    expect(keyError.message.length).toBeLessThan(250);
    expect(inputError(() => parseRules({ tags: { Long: 'v'.repeat(MAX_VALUE_LENGTH + 1) } }, 'r.yml')).message).toContain(`value longer than ${MAX_VALUE_LENGTH} characters`);
    expect(inputError(() => parseRules({ tags: { Long: `{image.id}-${'v'.repeat(MAX_VALUE_LENGTH)}` } }, 'r.yml')).message).toContain('not counting its placeholders');
    // Characters, not UTF-16 units or bytes; placeholders may still make a value too long per image.
    expect(parseRules({ tags: { ['é'.repeat(MAX_KEY_LENGTH)]: 'é'.repeat(MAX_VALUE_LENGTH), Id: `{image.id}${'v'.repeat(MAX_VALUE_LENGTH - 1)}` } }, 'r.yml').tags).toBeDefined();
    const tooMany = Object.fromEntries(Array.from({ length: MAX_TAGS_PER_RESOURCE + 1 }, (_, index) => [`T${index}`, 'x']));
    expect(inputError(() => parseRules({ tags: tooMany }, 'r.yml'))).toMatchObject({ where: 'r.yml: tags', message: expect.stringContaining(`${MAX_TAGS_PER_RESOURCE + 1} tags`) });
    expect(Object.keys(parseRules({ tags: Object.fromEntries(Object.entries(tooMany).slice(1)) }, 'r.yml').tags)).toHaveLength(MAX_TAGS_PER_RESOURCE);
  });

  it('with strictCharacters (the default) a key or fixed text outside the portable set is refused at load; without it, kept', () => {
    expect(inputError(() => parseRules({ tags: { 'Cost,Center': 'x' } }, 'r.yml'))).toMatchObject({
      message: expect.stringContaining('key has characters outside'),
      where: 'r.yml: tags["Cost,Center"]',
      hint: expect.stringContaining('strictCharacters: false'),
    });
    expect(inputError(() => parseRules({ tags: { 'Zero\u200bWidth': 'x' } }, 'r.yml')).message).toBe('tag "Zero\\u200bWidth": key has characters outside letters, digits, spaces and + - = . _ : / @');
    expect(inputError(() => parseRules({ tags: { Team: 'pay (ments)' } }, 'r.yml')).message).toContain('value has characters outside');
    expect(parseRules({ tags: { 'Cost,Center': 'pay (ments)' }, strictCharacters: false }, 'r.yml').tags).toEqual({ 'Cost,Center': 'pay (ments)' });
  });

  it('an unknown option suggests the closest known one, at any depth', () => {
    const path = file('typo2.yml', 'overwirte: true\n');
    const error = inputError(() => loadRulesFile(path));
    expect(error.message).toBe(`invalid rules file ${path}: unknown option "overwirte"; did you mean "overwrite"?`);
    expect(error.where).toBe(`${path}: overwirte`);
    expect(inputError(() => parseRules({ snapshots: { tagg: true } }, 'r.yml'))).toMatchObject({
      message: 'invalid rules file r.yml: snapshots: unknown option "tagg"; did you mean "tag"?',
      where: 'r.yml: snapshots.tagg',
    });
    expect(inputError(() => parseRules({ dryrun: true }, 'r.yml')).message).toContain('did you mean "dryRun"?');
    expect(inputError(() => parseRules({ zzz: true }, 'r.yml')).message).toContain('unknown option "zzz"; expected one of tags, nameMatch,');
  });

  it('an unknown placeholder suggests the closest fact name', () => {
    expect(inputError(() => parseRules({ tags: { Owner: '{creator.princpal}' } }, 'r.yml')).message).toBe(
      'tag "Owner": unknown placeholder {creator.princpal}; did you mean {creator.principal}?',
    );
    expect(inputError(() => parseRules({ tags: { Team: '{tags.Team}' } }, 'r.yml')).message).toContain('did you mean {tag.Team}?');
    expect(inputError(() => parseRules({ tags: { Team: '{nothing-like-it}' } }, 'r.yml')).message).toBe('tag "Team": unknown placeholder {nothing-like-it}');
  });
});

describe('nameMatch: catastrophic backtracking', () => {
  it.each([
    ['nested quantifiers', '^(?<app>(a+)+)$'],
    ['overlapping alternatives under a star', '^(?<app>(a|a)*)$'],
    ['a word-and-space group repeated', '^(?<app>(\\w+\\s?)+)$'],
    ['a starred star', '^(?<app>(a*)*)b'],
    ['three greedy groups around a separator (cubic)', '^(?<app>.*)-(?<version>.*)-(?<build>.*)$'],
  ])('is refused when the rules load from YAML: %s', (_label, pattern) => {
    const path = file('redos.yml', `tags:\n  App: "{name.app}"\nnameMatch: '${pattern}'\n`);
    const error = inputError(() => loadRulesFile(path));
    expect(error.message).toMatch(/^nameMatch can take (exponential time|time growing as the name's length to the power \d) on some image names, e\.g\. /);
    expect(error.where).toBe(`${path}: nameMatch`);
    expect(error.hint).toContain('more than one way');
  });

  it('lets linear and quadratic patterns through, the shipped one among them', () => {
    expect(loadRulesFile(file('linear.yml', "tags:\n  App: '{name.app}'\nnameMatch: '^(?<app>[a-z][a-z0-9-]*?)-(?<version>\\d[\\w.~]*)-'\n")).nameMatch).toBeDefined();
    expect(loadRulesFile(file('quadratic.yml', "tags:\n  App: '{name.app}'\nnameMatch: '^(?<app>.+)-(?<version>.+)$'\n")).nameMatch).toBeDefined();
  });

  it(`bounds nameMatch to ${MAX_NAME_MATCH_LENGTH} characters, on every path`, () => {
    const error = inputError(() => parseRules({ nameMatch: `^(?<app>${'a'.repeat(MAX_NAME_MATCH_LENGTH)})` }, 'r.json'));
    expect(error.message).toContain(`nameMatch is longer than ${MAX_NAME_MATCH_LENGTH} characters`);
    expect(error.where).toBe('r.json: nameMatch');
  });

  it('the Lambda path neither checks (parseRules, loadCompiledRules) nor bundles the checker', async () => {
    // The package step checked it; the Lambda trusts the packaged JSON for this one property.
    expect(loadCompiledRules(file('compiled-redos.json', JSON.stringify({ nameMatch: '^(?<app>(a+)+)$' }))).nameMatch).toBe('^(?<app>(a+)+)$');
    const result = await build({
      ...lambdaBundleOptions,
      minify: false,
      entryPoints: [join(REPO, 'handlers/tag-image.ts'), join(REPO, 'handlers/direct-tag.ts')],
      outdir: join(dir, 'bundle'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('src/rules/compiled.ts');
    expect(inputs.filter((input) => /recheck|regex-safety|rules\/load\.ts|node_modules\/yaml\//.test(input))).toEqual([]);
  });
});

describe('the fact catalogue', () => {
  it('defines each fact once: the loader accepts exactly its names, and the plan can read every one of them', () => {
    for (const name of FACT_NAMES) expect(parseRules({ tags: { T: `{${name}}` } }, 'r.yml').tags.T).toBe(`{${name}}`);
    expect(isKnownFact('creator.principl')).toBe(false);
    const ref = { account: '111122223333', region: 'us-east-1', imageId: 'ami-0123456789abcdef0', trigger: 'CreateImage' as const };
    const facts = { ref, image: { imageId: ref.imageId, snapshotIds: [], tags: {} }, snapshotTags: {} };
    for (const name of FACT_NAMES) expect(() => FACTS[name].read({ facts, appversion: undefined })).not.toThrow();
    // Which inputs can ever have a fact: Spinnaker's only the direct path, a copy source only a copy.
    expect(factAppliesTo('spinnaker.user', facts)).toBe(false);
    expect(factAppliesTo('spinnaker.user', { ...facts, ref: { ...ref, pipeline: {} } })).toBe(true);
    expect(factAppliesTo('copy.sourceImageId', facts)).toBe(false);
    expect(factAppliesTo('source.tag.Team', facts)).toBe(false);
    expect(factAppliesTo('creator.principal', facts)).toBe(true);
  });
});
