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

export function orcaFunctions(execution: Record<string, unknown>): Record<string, OrcaFunction> {
  const executionId = String(ownValue(execution, 'id') ?? '(no id)');
  const byNameOrId = (id: unknown) => (stage: Record<string, unknown>) => typeof id === 'string' && (ownValue(stage, 'name') === id || ownValue(stage, 'id') === id);
  return {
    stage: (id: unknown) => {
      const found = stagesOf(execution).find(byNameOrId(id));
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(id)}] using #stage(${String(id)}) in execution ${executionId}`);
      return found;
    },
    stageByRefId: (refId: unknown) => {
      if (refId === null || refId === undefined) throw new OrcaFunctionError(`Stage refId must not be null in #stageByRefId in execution ${executionId}`);
      const found = stagesOf(execution).find((stage) => ownValue(stage, 'refId') === refId);
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(refId)}] using #stageByRefId(${String(refId)}) in execution ${executionId}`);
      return found;
    },
    stageExists: (id: unknown) => stagesOf(execution).some(byNameOrId(id)),
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
