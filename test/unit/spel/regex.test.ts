import { javaMatches, javaSplit, MAX_REGEX_LENGTH, RegexBudget, REGEX_TIMEOUT_MS } from '../../../src/spel/bounded-regex';
import { evaluateField } from '../../../src/spel/evaluate-field';
import { JavaRegexError, translateJavaRegex } from '../../../src/spel/java-regex';
import { orcaFunctions } from '../../../src/spel/orca-functions';
import { previewExpression } from '../../../src/spel/preview';
import { previewInChild } from './child-preview';
import cases from './fixtures/java-regex-cases.json';

/** Generous: a bounded pattern fails in about REGEX_TIMEOUT_MS; an unbounded one runs for minutes. */
const BOUND_MS = 2000;

const evaluate = (text: string, root: Record<string, unknown> = {}) => {
  const execution = { id: 'run-1', stages: [] };
  return evaluateField(text, { root: { execution, ...root }, functions: orcaFunctions(execution) });
};

const RUNAWAY_TEXT = `${'a'.repeat(36)}!`;

describe('a runaway regular expression fails the expression quickly, as Spring fails it', () => {
  it(`'${RUNAWAY_TEXT}' matches '(a+)+$' ends with Spring's flawed-pattern error`, () => {
    const { row, ms } = previewInChild(`\${'${RUNAWAY_TEXT}' matches '(a+)+$'}`);
    expect(row.status).toBe('failed');
    expect(row.reason).toMatch(/^EL1073E: Failed to efficiently evaluate pattern '\(a\+\)\+\$': consider redesigning it/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it(`'${RUNAWAY_TEXT}'.split('(a+)+b') ends with the same kind of error`, () => {
    const { row, ms } = previewInChild(`\${'${RUNAWAY_TEXT}'.split('(a+)+b')}`);
    expect(row.status).toBe('failed');
    expect(row.reason).toMatch(/^Failed to efficiently evaluate pattern '\(a\+\)\+b' in split\(\): consider redesigning it/);
    expect(row.reason).toContain('Orca does not bound String.split');
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('a selection that matches every entry of a list stops at the first runaway match', () => {
    const list = Array.from({ length: 50 }, () => `'${RUNAWAY_TEXT}'`).join(', ');
    const { row, ms } = previewInChild(`\${{${list}}.?[#this matches '(a|aa)+$' or #this matches '(a+)+$']}`);
    expect(row.status).toBe('failed');
    expect(row.reason).toContain('EL1073E');
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('all the matches of one expression share one time budget', () => {
    expect(() => javaMatches('abc', 'a.c', new RegexBudget(0))).toThrow(/EL1073E.*ran for more than 500 ms in all/);
    expect(javaMatches('abc', 'a.c', new RegexBudget(REGEX_TIMEOUT_MS))).toBe(true);
  });
});

describe('a regular expression longer than 1000 characters is refused (Spring 5.3 OperatorMatches.MAX_REGEX_LENGTH)', () => {
  const limit = 'a'.repeat(MAX_REGEX_LENGTH);
  const over = 'a'.repeat(MAX_REGEX_LENGTH + 1);

  it('in matches, with Spring’s message', () => {
    expect(evaluate(`\${'a' matches '${over}'}`)).toMatchObject({
      status: 'failed',
      reason: "EL1077E: Regular expression is too long, exceeding the threshold of '1000' characters",
    });
    expect(evaluate(`\${'${limit}' matches '${limit}'}`)).toEqual({ status: 'ok', value: true });
  });

  it('in split, saying that the limit is the preview’s', () => {
    const outcome = evaluate(`\${'a'.split('${over}')}`);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain("exceeding the threshold of '1000' characters");
    expect(outcome.reason).toContain('Orca itself does not limit split');
    expect(evaluate(`\${'x${limit}y'.split('${limit}')}`)).toEqual({ status: 'ok', value: ['x', 'y'] });
  });
});

describe('ordinary matches and split keep working, with Java’s meaning', () => {
  it('matches the whole text, like Matcher.matches()', () => {
    expect(evaluate("${'release-1.2' matches 'release-.*'}").value).toBe(true);
    expect(evaluate("${'xrelease-1.2' matches 'release-.*'}").value).toBe(false);
    expect(evaluate("${'release-1.2 ' matches 'release-[0-9.]+'}").value).toBe(false);
    expect(evaluate("${trigger.branch matches '(?i)RELEASE/.*'}", { trigger: { branch: 'release/1.2' } }).value).toBe(true);
    expect(evaluate("${'PROD' matches '[a-z]+'}").value).toBe(false);
  });

  it('splits like String.split: captures are not pieces, trailing empty pieces are dropped', () => {
    expect(evaluate("${'a,b,,c,,'.split(',')}").value).toEqual(['a', 'b', '', 'c']);
    expect(evaluate("${',a'.split(',')}").value).toEqual(['', 'a']);
    expect(evaluate("${'a1b22c'.split('(\\d)+')}").value).toEqual(['a', 'b', 'c']);
    expect(evaluate("${'Hello'.split('')}").value).toEqual(['H', 'e', 'l', 'l', 'o']);
    expect(evaluate("${'CamelCase'.split('(?=[A-Z])')}").value).toEqual(['Camel', 'Case']);
    expect(evaluate("${''.split(',')}").value).toEqual(['']);
    expect(evaluate("${'us-east-1, eu-west-1'.split('\\s*,\\s*')[1]}").value).toBe('eu-west-1');
  });

  it('reads Java’s classes and anchors, not JavaScript’s', () => {
    // Java's \s is ASCII whitespace only; JavaScript's would take the no-break space.
    expect(javaMatches('\u00a0', '\\s', new RegexBudget())).toBe(false);
    // Java's $ also matches before a final line break; matches() still needs the whole text.
    expect(javaSplit('abc\n', 'c$', new RegexBudget())).toEqual(['ab', '\n']);
    // Java's (?i) folds ASCII letters only unless (?u) is given.
    expect(javaMatches('\u212a', '(?i)k', new RegexBudget())).toBe(false);
    expect(javaMatches('aaab', 'a++b', new RegexBudget())).toBe(true);
    expect(javaMatches('aaa', 'a++a', new RegexBudget())).toBe(false);
    expect(javaMatches('b', '[a-z&&[^aeiou]]', new RegexBudget())).toBe(true);
    expect(javaMatches('1.2x', '\\Q1.2\\E.', new RegexBudget())).toBe(true);
  });

  it(`agrees with Java 17 on ${cases.length} cases of matches and split (fixtures/java-regex-cases.json)`, () => {
    const disagreements = cases.flatMap((testCase) => {
      const matches = javaMatches(testCase.input, testCase.regex, new RegexBudget());
      const split = javaSplit(testCase.input, testCase.regex, new RegexBudget());
      return matches === testCase.matches && JSON.stringify(split) === JSON.stringify(testCase.split) ? [] : [{ ...testCase, got: { matches, split } }];
    });
    expect(disagreements).toEqual([]);
  });

  it('a normal pattern costs a fraction of a millisecond', () => {
    const execution = { id: 'run-1', stages: [], trigger: { branch: 'release/1.2' } };
    previewExpression(execution, "${trigger.branch matches 'release/.*'}");
    const started = performance.now();
    for (let index = 0; index < 200; index++) previewExpression(execution, "${trigger.branch matches 'release/.*' and trigger.branch.split('/')[1] == '1.2'}");
    expect((performance.now() - started) / 200).toBeLessThan(5);
  });
});

describe('patterns Java refuses, and patterns the preview cannot give Java’s meaning', () => {
  it.each([
    ['[abc', 'Unclosed character class'],
    ['a{2,1}', 'Illegal repetition range'],
    ['*a', "Dangling meta character '*'"],
    ['a{', 'Illegal repetition'],
    ['(?<=a+)b', 'Look-behind group does not have an obvious maximum length'],
    ['\\y', 'Illegal/unsupported escape sequence'],
    ['(a', 'Unclosed group'],
    ['a)', "Unmatched closing ')'"],
  ])('%s is refused like Java refuses it', (regex, message) => {
    const outcome = evaluate(`\${'a' matches '${regex}'}`);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain(`EL1018E: Pattern is not valid '${regex}'`);
    expect(outcome.reason).toContain(message);
  });

  it.each([
    ['(a)?\\1b', 'back reference'],
    ['\\p{InGreek}', 'Unicode blocks'],
    ['(?U)\\w', 'UNICODE_CHARACTER_CLASS'],
    ['\\Ga', '\\G'],
    ['(|a)+', 'repeated part that can match the empty text'],
    ['(?iu)é', 'UNICODE_CASE'],
  ])('%s is refused with what the preview cannot do, not guessed', (regex, construct) => {
    let thrown: unknown;
    try {
      translateJavaRegex(regex);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JavaRegexError);
    expect(thrown).toMatchObject({ kind: 'unsupported' });
    const outcome = evaluate(`\${'a' matches '${regex}'}`);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('preview cannot evaluate');
    expect(outcome.reason).toContain(construct);
  });

  it('refuses to split inside a character outside the BMP, where Java splits a surrogate pair', () => {
    expect(evaluate("${'a😀b'.split('')}").reason).toContain('outside the Basic Multilingual Plane');
    expect(evaluate("${'a😀b'.split('😀')}").value).toEqual(['a', 'b']);
  });
});
