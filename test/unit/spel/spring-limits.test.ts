import { evaluateField } from '../../../src/spel/evaluate-field';
import { MAX_CONCATENATED_STRING_LENGTH, MAX_EXPRESSION_LENGTH } from '../../../src/spel/orca-evaluator';
import { orcaFunctions } from '../../../src/spel/orca-functions';
import { previewInChild } from './child-preview';

/** The limits Spring 5.3 (Orca's Spring) sets that 4.3 and spel2js do not: the preview applies them as Orca would. */

const execution = { id: 'run-1', stages: [] };
const evaluate = (text: string, root: Record<string, unknown> = {}) => evaluateField(text, { root: { execution, ...root }, functions: orcaFunctions(execution) });

describe("Spring's limits in the preview", () => {
  it('repeats text up to 256 characters and refuses more (OpMultiply.MAX_REPEATED_TEXT_SIZE)', () => {
    expect(evaluate("${'ab' * 3}").value).toBe('ababab');
    expect(evaluate("${'ab' * 128}").value).toBe('ab'.repeat(128));
    expect(evaluate("${'ab' * 129}")).toMatchObject({ status: 'failed', reason: "EL1076E: Repeated text is too long, exceeding the threshold of '256' characters" });
    expect(evaluate("${'ab' * -1}").reason).toContain('NegativeArraySizeException');
    // Java computes 4 * 1073741824 as an int: 0 passes Spring's check, then the loop runs out of memory.
    expect(evaluate("${'abcd' * 1073741824}").reason).toContain('run out of memory');
    expect(evaluate("${{1} * 2}").reason).toContain("EL1030E: The operator 'MULTIPLY' is not supported");
    expect(evaluate('${6 * 7}').value).toBe(42);
  });

  it("text repeated a billion times is refused at once (Spring's limit of 256 characters)", () => {
    const { row, ms } = previewInChild("${'a' * 1000000000}");
    expect(row.reason).toBe("EL1076E: Repeated text is too long, exceeding the threshold of '256' characters");
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a concatenation longer than 100,000 characters (OpPlus.MAX_CONCATENATED_STRING_LENGTH)', () => {
    const half = 'x'.repeat(MAX_CONCATENATED_STRING_LENGTH / 2);
    expect(evaluate('${half + half}', { half }).value).toHaveLength(MAX_CONCATENATED_STRING_LENGTH);
    expect(evaluate("${half + half + '!'}", { half }).reason).toBe("EL1078E: Concatenated string is too long, exceeding the threshold of '100000' characters");
    expect(evaluate("${'a' + 1}").value).toBe('a1');
  });

  it('refuses an expression longer than 10,000 characters, each ${...} on its own (SpelParserConfiguration)', () => {
    const literal = (length: number) => `'${'x'.repeat(length - 2)}'`;
    expect(evaluate(`\${${literal(MAX_EXPRESSION_LENGTH)}}`).status).toBe('ok');
    expect(evaluate(`\${${literal(MAX_EXPRESSION_LENGTH + 1)}}`).reason).toBe("EL1079E: SpEL expression is too long, exceeding the threshold of '10000' characters");
    expect(evaluate(`\${${literal(MAX_EXPRESSION_LENGTH)}}-\${${literal(MAX_EXPRESSION_LENGTH)}}`).status).toBe('ok');
  });

  it('checks the operands of matches like OperatorMatches', () => {
    expect(evaluate("${missing matches 'a'}").reason).toBe("EL1037E: First operand to matches operator must be a string. 'null' is not");
    expect(evaluate("${'a' matches 1}").reason).toBe("EL1038E: Second operand to matches operator must be a string. '1' is not");
    expect(evaluate("${42 matches '\\d+'}").value).toBe(true);
  });

  it("replace() is Java's literal replace: no $& or $1 in the replacement", () => {
    expect(evaluate("${'a$b'.replace('$', '$&$&')}").value).toBe('a$&$&b');
    expect(evaluate("${'a.b.c'.replace('.', '$1')}").value).toBe('a$1b$1c');
  });
});
