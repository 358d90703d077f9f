/**
 * Property tests of the rules loader: thousands of generated rules documents, from plausible to
 * hostile (prototype names, zero-width and control characters, 5 MB strings, `{...}` look-alikes,
 * alias bombs), through parseRules (the JSON path) and loadRulesFile (the YAML path). Whatever
 * comes in, the loader either returns rules or throws an InputError whose `where` names the field
 * and whose message stays short. The counts are printed at the end of the run.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../src/errors';
import { loadRulesFile } from '../../src/rules/load';
import { FACT_NAMES, PLACEHOLDER, renderTemplate } from '../../src/rules/placeholders';
import { parseRules, type Rules } from '../../src/rules/rules';
import { MAX_KEY_LENGTH, MAX_TAGS_PER_RESOURCE, MAX_VALUE_LENGTH, tagProblem } from '../../src/model/tag-limits';

const HUGE = 'x'.repeat(5 * 1024 * 1024);
const HUGE_BRACES = `{${'image.id|'.repeat(500_000)}}`;
const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
const OPTION_NAMES = ['tags', 'nameMatch', 'copySourceTags', 'snapshots', 'tag', 'copyImageTags', 'overwrite', 'dryRun', 'strictCharacters'];
const ODD_CHARACTERS = ['\u200b', '\u200d', '\ufeff', '\u202e', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028', '\n', '\r', '\t', ' ', '"', "'", '\\', ':', '#', '&', '*', '!', '%', '@', '`', '|', '-', '?', ',', '[', ']', '{', '}', 'é', '😀', '\ud800', 'a', 'Z', '0', '.'];
const LOOK_ALIKES = ['｛creator.principal｝', '{{creator.principal}}', '{ creator.principal }', '{creator.principal|}', '{|}', '{}', '{creator.principal', 'creator.principal}', '{name.app}', '{name.}', '{tag.}', '{tag.__proto__}', '{constructor}', '{toString}', '{__proto__}', '${creator.principal}', '#{creator.principal}', '{{}}', '}{'];
const NAME_MATCHES = ['^(?<app>[a-z][a-z0-9-]*?)-(?<version>\\d[\\w.~]*)-', '^(?<app>.+)-', '^(?<app>(a+)+)$', '(a|a)*$', '(\\w+\\s?)+$', '^(?<__proto__>x)', '^(?<constructor>x)', '([a-z', '(?<app>', '\\', '(?<a>x)(?<a>y)', ''];

/** Text of every kind a rules file might hold, weighted toward the plausible; a 5 MB string with weight `hugeWeight` (of about 28). */
const textWith = (hugeWeight: number): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...ODD_CHARACTERS), maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, ...OPTION_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...LOOK_ALIKES) },
  { weight: 3, arbitrary: fc.constantFrom(...FACT_NAMES).map((name) => `{${name}}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('name.', 'tag.', 'source.tag.', 'creator.', 'nme.', ''), fc.string({ maxLength: 8 })).map(([prefix, rest]) => `{${prefix}${rest}}`) },
  { weight: 1, arbitrary: fc.constantFrom('aws:owner', 'AWS:x', 'k'.repeat(MAX_KEY_LENGTH + 1), 'v'.repeat(MAX_VALUE_LENGTH + 1), 'é'.repeat(MAX_KEY_LENGTH)) },
  { weight: hugeWeight, arbitrary: fc.constantFrom(HUGE, HUGE_BRACES) },
);
const text = textWith(1);
/** For the cheap functions: a 5 MB string in about one input of 500 (each costs milliseconds to spread). */
const lightText = fc.oneof({ weight: 499, arbitrary: textWith(0) }, { weight: 1, arbitrary: fc.constantFrom(HUGE, HUGE_BRACES) });

/** Objects built with Object.fromEntries, so that `__proto__` and friends are own keys, as JSON.parse makes them. */
function objectOf(key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>, maxKeys: number): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(fc.tuple(key, value), { maxLength: maxKeys }).map((entries) => Object.fromEntries(entries));
}

/** Tags a careful author would write: portable keys, text and placeholders that exist. */
const plausibleTags = objectOf(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.:/=+@-]{0,15}$/),
  fc.oneof(
    fc.stringMatching(/^[a-z0-9 ._:/=+@-]{0,20}$/),
    fc.constantFrom(...FACT_NAMES).map((name) => `{${name}}`),
    fc.tuple(fc.constantFrom(...FACT_NAMES), fc.constantFrom(...FACT_NAMES), fc.stringMatching(/^[a-z0-9-]{0,5}$/)).map(([a, b, fixed]) => `{${a}|${b}}${fixed}`),
  ),
  8,
);

/** A rules document: usually shaped like one, with hostile parts; sometimes anything at all. */
function documentOf(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const scalar: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 8, arbitrary: text },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
  );
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: objectOf(text, scalar, 3) },
  );
  const tags: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 4, arbitrary: plausibleTags },
    { weight: 4, arbitrary: objectOf(text, fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: value }), 8) },
    { weight: 1, arbitrary: objectOf(fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'c', 'd', '1', '2') }), text, MAX_TAGS_PER_RESOURCE + 5) },
    { weight: 1, arbitrary: value },
  );
  const options = fc.record(
    {
      tags,
      nameMatch: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAME_MATCHES) }, { weight: 1, arbitrary: value }),
      copySourceTags: fc.oneof({ weight: 10, arbitrary: fc.boolean() }, { weight: 1, arbitrary: value }),
      snapshots: fc.oneof({ weight: 10, arbitrary: fc.record({ tag: fc.boolean(), copyImageTags: fc.boolean() }, { requiredKeys: [] }) }, { weight: 1, arbitrary: objectOf(text, value, 3) }, { weight: 1, arbitrary: value }),
      overwrite: fc.oneof({ weight: 10, arbitrary: fc.boolean() }, { weight: 3, arbitrary: fc.array(text, { maxLength: 3 }) }, { weight: 1, arbitrary: value }),
      dryRun: fc.oneof({ weight: 10, arbitrary: fc.boolean() }, { weight: 1, arbitrary: value }),
      strictCharacters: fc.oneof({ weight: 10, arbitrary: fc.boolean() }, { weight: 1, arbitrary: value }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 10, arbitrary: options },
    { weight: 2, arbitrary: fc.tuple(options, text, value).map(([known, key, extra]) => Object.fromEntries([...Object.entries(known), [key, extra]])) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true }) },
    { weight: 1, arbitrary: value },
  );
}

interface Tally {
  inputs: number;
  accepted: number;
  rejected: number;
  withoutField: number;
}
const tallies: Record<string, Tally> = {};
function tally(name: string): Tally {
  tallies[name] ??= { inputs: 0, accepted: 0, rejected: 0, withoutField: 0 };
  return tallies[name];
}

/** Runs `load`; anything but rules or a well-formed InputError fails the property. */
function check(name: string, fileName: string, load: () => Rules): void {
  const counts = tally(name);
  counts.inputs += 1;
  let rules: Rules;
  try {
    rules = load();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    counts.rejected += 1;
    const where = error.where ?? '';
    // The field after "FILE: ", or the position "FILE:LINE:COLUMN" of a YAML syntax error.
    const namesField = where.startsWith(`${fileName}: `) ? where.length > fileName.length + 2 : /^.+:\d+:\d+$/.test(where);
    if (!namesField) counts.withoutField += 1;
    expect({ where, namesField }).toEqual({ where, namesField: true });
    expect(error.message.length).toBeLessThan(1000);
    expect((error.hint ?? '').length).toBeLessThan(1000);
    expect(error.message).not.toContain('x'.repeat(200));
    return;
  }
  counts.accepted += 1;
  // What loads can be written to every image: EC2's limits hold for every fixed text, keys are own data.
  expect(Object.keys(rules.tags).length).toBeLessThanOrEqual(MAX_TAGS_PER_RESOURCE);
  for (const [key, template] of Object.entries(rules.tags)) {
    expect(typeof template).toBe('string');
    expect(tagProblem(key, template.replace(PLACEHOLDER, ''), rules.strictCharacters)).toBeUndefined();
  }
  // The packaged JSON gives the same rules back (serverless/rules.cjs, then the Lambda).
  expect(parseRules(JSON.parse(JSON.stringify(rules)), 'compiled.json')).toEqual(rules);
}

const dir = mkdtempSync(join(tmpdir(), 'ami-tagger-rules-property-'));

afterAll(() => {
  const lines = Object.entries(tallies).map(([name, t]) =>
    t.accepted + t.rejected === 0
      ? `${name}: ${t.inputs} inputs, none threw`
      : `${name}: ${t.inputs} inputs, ${t.accepted} accepted, ${t.rejected} rejected, ${t.withoutField} rejections without a field name`,
  );
  process.stdout.write(`rules loader property tests\n  ${lines.join('\n  ')}\n`);
});

describe('rules loader, on generated documents', () => {
  it('parseRules: rules, or an InputError that names the field, never a crash', () => {
    fc.assert(
      fc.property(documentOf(text), (input) => check('parseRules', 'r.yml', () => parseRules(input, 'r.yml'))),
      { numRuns: 4000 },
    );
    expect(tally('parseRules').withoutField).toBe(0);
  });

  /** YAML text: a document as YAML or JSON, or lines of YAML-looking tokens, anchors and aliases included. */
  // 5 MB texts cost tens of milliseconds to write out: they come as whole files, one input in 100.
  const document = documentOf(textWith(0));
  const yamlText: fc.Arbitrary<string> = fc.oneof(
    { weight: 40, arbitrary: document.map((input) => stringify(input, { aliasDuplicateObjects: false, lineWidth: 0 }) ?? '') },
    { weight: 20, arbitrary: document.map((input) => JSON.stringify(input) ?? '') },
    { weight: 1, arbitrary: fc.constantFrom(HUGE, `tags:\n  Team: ${HUGE}\n`, `{"tags": {"${HUGE_BRACES}": 1}}`) },
    {
      weight: 30,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.constantFrom('', '  ', '    ', '- ', '? '),
            fc.oneof(fc.constantFrom('tags', 'nameMatch', 'dryRun', 'snapshots', 'overwrite', '<<', '__proto__', 'toString', '0x1F', '01234', '1.10', '~', 'null', ''), textWith(0)),
            fc.constantFrom(':', ': ', ' ', ''),
            fc.oneof(fc.constantFrom('&a', '*a', '&b [*a, *a, *a]', '*b', '[', ']', '{', '}', '|', '>', '!!str', '!!binary', '"', "'", '---', '...', '%YAML 1.2', '# c', 'yes', 'True', '.inf', '0o17'), textWith(0)),
          ),
          { maxLength: 12 },
        )
        .map((lines) => lines.map((parts) => parts.join('')).join('\n')),
    },
    {
      weight: 10,
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([depth, width]) => {
        const lines = ['l0: &l0 [lol, lol]'];
        for (let level = 1; level <= depth; level += 1) lines.push(`l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`);
        return `${lines.join('\n')}\ntags:\n  Team: *l0\n`;
      }),
    },
  );

  it('loadRulesFile: rules, or an InputError that names the field or the line, never a crash', () => {
    const path = join(dir, 'rules.yml');
    fc.assert(
      fc.property(yamlText, (source) => {
        writeFileSync(path, source);
        check('loadRulesFile', path, () => loadRulesFile(path));
      }),
      { numRuns: 2500 },
    );
    expect(tally('loadRulesFile').withoutField).toBe(0);
  });
});

describe('placeholders and tag limits, on generated input', () => {
  const facts = objectOf(fc.oneof(lightText, fc.constantFrom(...FACT_NAMES, ...PROTOTYPE_NAMES)), fc.oneof(lightText, fc.constant('')), 6).map((record) =>
    Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  );

  it('renderTemplate never throws, and resolves a name only from an own, non-empty fact', () => {
    fc.assert(
      fc.property(lightText, facts, fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, ...FACT_NAMES), lightText.filter((t) => t.length < 100)), (template, values, name) => {
        tally('renderTemplate').inputs += 1;
        const rendered = renderTemplate(template, values);
        expect('value' in rendered || rendered.missing.length > 0).toBe(true);
        if (/[{}|]/.test(name)) return;
        const alone = renderTemplate(`{${name}}`, values);
        const own = Object.hasOwn(values, name.trim()) && values[name.trim()] !== '';
        expect(alone).toEqual(own ? { value: values[name.trim()] } : { missing: [name.trim()] });
      }),
      { numRuns: 3000 },
    );
  });

  it('tagProblem never throws and agrees with the limits', () => {
    fc.assert(
      fc.property(lightText, lightText, fc.boolean(), (key, tagValue, strict) => {
        tally('tagProblem').inputs += 1;
        const problem = tagProblem(key, tagValue, strict);
        if (problem === undefined) {
          expect([...key].length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
          expect([...tagValue].length).toBeLessThanOrEqual(MAX_VALUE_LENGTH);
          expect(key.length).toBeGreaterThan(0);
        } else {
          expect(typeof problem).toBe('string');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
