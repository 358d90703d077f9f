import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCompiledRules } from '../../../src/rules/compiled';
import { loadRulesFile } from '../../../src/rules/load';
import { DEFAULT_RULES, mayOverwrite, parseRules } from '../../../src/rules/rules';
import { inputError } from '../../support/input-error';

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
