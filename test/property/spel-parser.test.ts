import fc from 'fast-check';
import { evaluateField } from '../../src/spel/evaluate-field';
import { lintPipeline } from '../../src/spel/lint';
import { orcaFunctions } from '../../src/spel/orca-functions';
import { parseSpel, SpelSyntaxError } from '../../src/spel/spel-ast';

/**
 * Any text, read as an expression: the parser either gives a tree or a SpelSyntaxError (never
 * another error, never a hang), the preview gives an outcome (never throws), and lint gives
 * findings. The pieces are SpEL's own tokens, so that most inputs get far into the grammar.
 */

const PIECES = [
  ' ', '.', '?.', ',', ':', '?', '?:', '(', ')', '[', ']', '{', '}', '#', '#this', '#root', '![', '?[', '^[', '$[', '+', '-', '*', '/', '%', '^', '!', '==', '!=', '<', '>=', '&&', '||',
  ' and ', ' or ', ' not ', ' div ', ' mod ', ' lt ', ' eq ', ' matches ', ' between ', ' instanceof ', 'T(Math)', 'T(java.lang.System)', 'new ', 'null', 'true',
  '0', '7', '2.5', '1L', '0x1F', '1e3', '2f', "'a'", "'it''s'", '"q"', "''", 'list', 'map', 'name', 'size()', 'length()', 'split(\',\')', '#toJson(', '#stage(', 'execution', 'trigger',
];

const execution = { id: 'run-1', stages: [{ id: 's1', refId: '1', name: 'Bake', type: 'bake', status: 'SUCCEEDED', context: {}, outputs: { deploymentDetails: [{ region: 'us-east-1', imageId: 'ami-1' }] } }] };
const scope = () => ({ root: { execution, list: [1, 2, 3], map: { a: 1 }, name: 'svc' } as Record<string, unknown>, functions: orcaFunctions(execution) });

describe('SpEL read from any text', () => {
  it('parses or says why, evaluates or says why, and lints, for any sequence of tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        try {
          parseSpel(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SpelSyntaxError);
        }
        const outcome = evaluateField(`\${${text}}`, scope());
        expect(['ok', 'null', 'failed']).toContain(outcome.status);
        if (outcome.status === 'failed') expect(outcome.reason).toEqual(expect.any(String));
        expect(Array.isArray(lintPipeline({ stages: [{ refId: '2', type: 'wait', field: `\${${text}}` }] }))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads any text as a string literal back as it was', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const tree = parseSpel(`'${value.replaceAll("'", "''")}'`);
        expect(tree).toMatchObject({ type: 'string', literal: value });
      }),
    );
  });
});
