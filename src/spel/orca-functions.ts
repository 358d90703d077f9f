import { isRecord, ownValue } from './json';

/**
 * Orca's helper functions (spinnaker-facts.md, "How Orca evaluates"), written after kork's
 * ExpressionsSupport and Orca's StageExpressionFunctionProvider, for evaluating offline against
 * an execution's JSON. They throw OrcaFunctionError where Orca throws.
 */

export class OrcaFunctionError extends Error {
  override readonly name = 'OrcaFunctionError';
}

export type OrcaFunction = (...args: unknown[]) => unknown;

/** Java's Integer range, which `#toInt` (Integer.valueOf) enforces. */
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** What Java's Float.valueOf accepts (decimal forms; hex floats and NaN/Infinity spellings are left out). */
const JAVA_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;

function stagesOf(execution: Record<string, unknown>): Array<Record<string, unknown>> {
  const stages = ownValue(execution, 'stages');
  return Array.isArray(stages) ? stages.filter(isRecord) : [];
}

function requireText(value: unknown, functionName: string): string {
  if (typeof value !== 'string') {
    throw new OrcaFunctionError(`#${functionName} takes a string, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : typeof value}`);
  }
  return value;
}

/** `#toJson`: Jackson writes compactly like JSON.stringify; Orca refuses a result holding `${`. */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value === undefined ? null : value);
  if (json.includes('${')) throw new OrcaFunctionError('#toJson: the result cannot contain an expression (${...}): an earlier expression was left unevaluated');
  return json;
}

/**
 * A function whose first parameter is the execution: Orca passes it by rewriting the text of the
 * field (orca-preprocess.ts), so a call that missed the rewrite has one argument too few, which
 * Spring refuses (SpelMessage.INCORRECT_NUMBER_OF_ARGUMENTS_TO_FUNCTION).
 */
function executionAware(name: string, body: (execution: Record<string, unknown>, argument: unknown) => unknown): OrcaFunction {
  return (...args: unknown[]) => {
    if (args.length !== 2) {
      throw new OrcaFunctionError(`EL1014E: Incorrect number of arguments for function, ${args.length} supplied but function takes 2 (#${name}; Orca adds the execution as the first)`);
    }
    const [execution, argument] = args;
    if (!isRecord(execution)) throw new OrcaFunctionError(`#${name}: the first argument must be the execution, got ${execution === null ? 'null' : typeof execution}`);
    return body(execution, argument);
  };
}

/** Orca's helper functions. The execution-aware ones read the execution Orca passes them (`#root.execution`), as Orca does. */
export function orcaFunctions(execution: Record<string, unknown>): Record<string, OrcaFunction> {
  const idOf = (run: Record<string, unknown>) => String(ownValue(run, 'id') ?? ownValue(execution, 'id') ?? '(no id)');
  const byNameOrId = (id: unknown) => (stage: Record<string, unknown>) => typeof id === 'string' && (ownValue(stage, 'name') === id || ownValue(stage, 'id') === id);
  return {
    stage: executionAware('stage', (run, id) => {
      const found = stagesOf(run).find(byNameOrId(id));
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(id)}] using #stage(${String(id)}) in execution ${idOf(run)}`);
      return found;
    }),
    stageByRefId: executionAware('stageByRefId', (run, refId) => {
      if (refId === null || refId === undefined) throw new OrcaFunctionError(`Stage refId must not be null in #stageByRefId in execution ${idOf(run)}`);
      const found = stagesOf(run).find((stage) => ownValue(stage, 'refId') === refId);
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(refId)}] using #stageByRefId(${String(refId)}) in execution ${idOf(run)}`);
      return found;
    }),
    stageExists: executionAware('stageExists', (run, id) => stagesOf(run).some(byNameOrId(id))),
    toJson: (value: unknown) => toJson(value),
    toBase64: (text: unknown) => Buffer.from(requireText(text, 'toBase64'), 'utf8').toString('base64'),
    fromBase64: (text: unknown) => Buffer.from(requireText(text, 'fromBase64'), 'base64').toString('utf8'),
    toInt: (text: unknown) => {
      const value = requireText(text, 'toInt');
      const number = Number(value);
      if (!/^[+-]?\d+$/.test(value) || number < INT_MIN || number > INT_MAX) throw new OrcaFunctionError(`#toInt: For input string: "${value}"`);
      return number;
    },
    toFloat: (text: unknown) => {
      const value = requireText(text, 'toFloat').trim();
      if (!JAVA_FLOAT.test(value)) throw new OrcaFunctionError(`#toFloat: For input string: "${value}"`);
      return Math.fround(Number.parseFloat(value));
    },
    toBoolean: (text: unknown) => typeof text === 'string' && text.toLowerCase() === 'true',
    alphanumerical: (text: unknown) => requireText(text, 'alphanumerical').replace(/[^A-Za-z0-9]/g, ''),
    readJson: (text: unknown) => {
      const value = requireText(text, 'readJson');
      try {
        const parsed: unknown = JSON.parse(value);
        return parsed;
      } catch (error) {
        throw new OrcaFunctionError(`#readJson: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
