import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { isRecord, ownValue } from './json';
import { JacksonError, jacksonJson, parseJacksonJson } from './java-json';
import { JavaException, method, type MethodSpec } from './java-methods';
import { JavaNumberFormatError, parseJavaInteger, parseJavaReal } from './java-numbers';
import { fromData } from './java-values';
import { OrcaObject, OrcaRun } from './orca-run';
import { stageContext } from './pipeline-graph';

/**
 * Orca's helper functions, as registered in its evaluation context: kork's ExpressionsSupport
 * (toJson, toInt, toFloat, toBoolean, toBase64, fromBase64, alphanumerical), Orca's
 * StageExpressionFunctionProvider (stage, stageByRefId, stageExists, judgment, judgement,
 * currentStage) and UrlExpressionFunctionProvider (readJson, readYaml; the URL ones fetch and
 * are refused here). Each is a Java method with typed parameters: Spring converts the arguments
 * to them (`#toBase64(1)` encodes "1", `#stageByRefId(1)` looks for "1") and refuses a call with
 * the wrong number of arguments (EL1014E).
 */

export class OrcaFunctionError extends Error {
  override readonly name = 'OrcaFunctionError';
}

export type OrcaFunction = MethodSpec;

/** The stage the expressions belong to (Orca's ExecutionContext), for #currentStage. */
export interface FunctionContext {
  currentStageId?: string;
}

function text(value: unknown): string {
  const v = fromData(value);
  if (v === null) throw new JavaException('java.lang.NullPointerException', 'the argument is null');
  return typeof v === 'string' ? v : String(v);
}

function executionOf(value: unknown): OrcaObject {
  if (value instanceof OrcaObject && value.javaClass === 'PipelineExecutionImpl') return value;
  throw new OrcaFunctionError('the first argument must be the execution (Orca passes #root.execution)');
}

function stagesOf(execution: OrcaObject): Array<Record<string, unknown>> {
  return execution.run.stages;
}

function executionId(execution: OrcaObject): string {
  return String(ownValue(execution.json, 'id') ?? 'null');
}

/** `#toJson`: Jackson's writing; Orca refuses a result holding `${`. */
export function toJson(value: unknown): string {
  let json: string;
  try {
    json = jacksonJson(value);
  } catch (error) {
    if (error instanceof JacksonError) throw new OrcaFunctionError(`#toJson(...) failed: ${error.message}`);
    throw error;
  }
  if (json.includes('${')) throw new OrcaFunctionError('result for toJson cannot contain an expression (${...}): an earlier expression was left unevaluated');
  return json;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** java.util.Base64.getDecoder().decode: the basic alphabet, padding optional, nothing else (no spaces, no URL alphabet). */
export function decodeJavaBase64(input: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let shift = 18;
  let position = 0;
  while (position < input.length) {
    const char = input.charAt(position++);
    if (char === '=') {
      if ((shift === 6 && (position === input.length || input.charAt(position++) !== '=')) || shift === 18) {
        throw new JavaException('java.lang.IllegalArgumentException', 'Input byte array has wrong 4-byte ending unit');
      }
      break;
    }
    const value = BASE64.indexOf(char);
    if (value < 0) throw new JavaException('java.lang.IllegalArgumentException', `Illegal base64 character ${char.charCodeAt(0).toString(16)}`);
    bits |= value << shift;
    shift -= 6;
    if (shift < 0) {
      bytes.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      shift = 18;
      bits = 0;
    }
  }
  if (shift === 6) bytes.push((bits >> 16) & 0xff);
  else if (shift === 0) bytes.push((bits >> 16) & 0xff, (bits >> 8) & 0xff);
  else if (shift === 12) throw new JavaException('java.lang.IllegalArgumentException', 'Last unit does not have enough valid bits');
  if (position < input.length) throw new JavaException('java.lang.IllegalArgumentException', `Input byte array has incorrect ending byte at ${position}`);
  return Buffer.from(bytes);
}

function findStage(execution: OrcaObject, id: unknown): Record<string, unknown> | undefined {
  return stagesOf(execution).find((stage) => typeof id === 'string' && (ownValue(stage, 'name') === id || ownValue(stage, 'id') === id));
}

function refused(name: string, why: string): MethodSpec {
  return method(name, ['String'], 'Object', () => {
    throw new OrcaFunctionError(`the preview does not run #${name}: ${why}`);
  }, true);
}

/** Orca's helper functions; the execution-aware ones get the execution from Orca's rewrite of the text (orca-preprocess.ts). */
export function orcaFunctions(execution?: Record<string, unknown>, context: FunctionContext = {}): Record<string, OrcaFunction> {
  const authentication = execution === undefined ? undefined : ownValue(execution, 'authentication');
  const user = isRecord(authentication) ? ownValue(authentication, 'user') : undefined;
  const list: MethodSpec[] = [
    method('toJson', ['Object'], 'String', (_, [value]) => toJson(value), true),
    method('toInt', ['String'], 'Integer', (_, [value]) => {
      try {
        return parseJavaInteger(text(value), 'int');
      } catch (error) {
        if (error instanceof JavaNumberFormatError) throw new JavaException('java.lang.NumberFormatException', error.message);
        throw error;
      }
    }, true),
    method('toFloat', ['String'], 'Float', (_, [value]) => {
      try {
        return parseJavaReal(text(value), 'float');
      } catch (error) {
        if (error instanceof JavaNumberFormatError) throw new JavaException('java.lang.NumberFormatException', error.message);
        throw error;
      }
    }, true),
    method('toBoolean', ['String'], 'Boolean', (_, [value]) => typeof value === 'string' && value.toLowerCase() === 'true', true),
    method('toBase64', ['String'], 'String', (_, [value]) => Buffer.from(text(value), 'utf8').toString('base64'), true),
    method('fromBase64', ['String'], 'String', (_, [value]) => decodeJavaBase64(text(value)).toString('utf8'), true),
    method('alphanumerical', ['String'], 'String', (_, [value]) => text(value).replace(/[^A-Za-z0-9]/g, ''), true),
    method('readJson', ['String'], 'Object', (_, [value]) => {
      const json = text(value);
      try {
        return parseJacksonJson(json, json.startsWith('[') ? 'list' : 'map');
      } catch (error) {
        if (error instanceof JacksonError) throw new OrcaFunctionError(`#readJson(${json}) failed: ${error.message}`);
        throw error;
      }
    }, true),
    method('readYaml', ['String'], 'Object', (_, [value]) => {
      try {
        return parseYaml(text(value), { version: '1.1' }) as unknown;
      } catch (error) {
        throw new OrcaFunctionError(`#readYaml(${text(value)}) failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, true),
    method('currentStage', ['PipelineExecution'], 'StageExecution', (_, [execution]) => {
      const run = executionOf(execution);
      const id = context.currentStageId;
      const found = stagesOf(run).find((stage) => typeof id === 'string' && String(ownValue(stage, 'id')).toLowerCase() === id.toLowerCase());
      if (found === undefined) throw new OrcaFunctionError(`No stage found with id '${String(id ?? 'null')}'`);
      return run.run.stage(found);
    }, true),
    method('stage', ['PipelineExecution', 'String'], 'StageExecution', (_, [execution, id]) => {
      const run = executionOf(execution);
      const found = findStage(run, fromData(id));
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(fromData(id))}] using #stage(${String(fromData(id))}) in execution ${executionId(run)}`);
      return run.run.stage(found);
    }, true),
    method('stageByRefId', ['PipelineExecution', 'String'], 'StageExecution', (_, [execution, refId]) => {
      const run = executionOf(execution);
      const wanted = fromData(refId);
      if (wanted === null) throw new OrcaFunctionError(`Stage refId must not be null in #stageByRefId in execution ${executionId(run)}`);
      const found = stagesOf(run).find((stage) => ownValue(stage, 'refId') === wanted);
      if (found === undefined) throw new OrcaFunctionError(`Unable to locate [${String(wanted)}] using #stageByRefId(${String(wanted)}) in execution ${executionId(run)}`);
      return run.run.stage(found);
    }, true),
    method('stageExists', ['PipelineExecution', 'String'], 'boolean', (_, [execution, id]) => findStage(executionOf(execution), fromData(id)) !== undefined, true),
    ...['judgment', 'judgement'].map((name) =>
      method(name, ['PipelineExecution', 'String'], 'String', (_, [execution, id]) => {
        const run = executionOf(execution);
        const wanted = fromData(id);
        const found = stagesOf(run).find((stage) => {
          const context = stageContext(stage);
          return typeof wanted === 'string' && wanted === ownValue(stage, 'name') && ownValue(stage, 'type') === 'manualJudgment' && ownValue(context, 'judgmentInput') !== undefined && ownValue(context, 'judgmentInput') !== null;
        });
        if (found === undefined) {
          throw new OrcaFunctionError(
            `Unable to locate manual Judgment stage [${String(wanted)}] using #judgment(${String(wanted)}) in execution ${executionId(run)}. Stage doesn't exist or doesn't contain judgmentInput in its context `,
          );
        }
        const input = ownValue(stageContext(found), 'judgmentInput');
        if (typeof input !== 'string') throw new JavaException('java.lang.ClassCastException', 'judgmentInput is not a String');
        return input;
      }, true),
    ),
    method('readAllYaml', ['String'], 'Object', (_, [value]) => {
      try {
        return parseAllDocuments(text(value), { version: '1.1' }).map((document) => document.toJS() as unknown);
      } catch (error) {
        throw new OrcaFunctionError(`#readAllYaml(${text(value)}) failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, true),
    // The user Orca runs the stage as (its ExecutionContext): the execution's authenticated user.
    method('currentUser', [], 'String', () => (typeof user === 'string' ? user : 'anonymous'), true),
    refused('fromUrl', 'it fetches a URL'),
    refused('jsonFromUrl', 'it fetches a URL'),
    refused('yamlFromUrl', 'it fetches a URL'),
    refused('propertiesFromUrl', 'it fetches a URL'),
    refused('deployedServerGroups', 'it reads deploy stages Orca resolves at run time'),
    refused('manifestLabelValue', 'it reads manifests Orca resolves at run time'),
    refused('triggerResolvedArtifact', 'it reads artifacts Orca resolves at run time'),
    refused('triggerResolvedArtifactByType', 'it reads artifacts Orca resolves at run time'),
    refused('doNotEval', "it marks a value for Orca's own later evaluation"),
    refused('resolvedArtifacts', 'it reads artifacts Orca resolves at run time'),
    refused('fetchReference', "it reads kork's artifact store"),
    refused('pipelineId', 'it asks Front50'),
    refused('pipelineIdOrNull', 'it asks Front50'),
    refused('pipelineIdInApplication', 'it asks Front50'),
    refused('applicationMetadata', 'it asks Front50'),
    refused('canaryConfigNameToId', 'it asks Kayenta'),
    refused('cfServiceKey', 'it asks Cloud Foundry'),
  ];
  return Object.fromEntries(list.map((spec) => [spec.name, spec]));
}

/** An execution JSON as Orca's execution object (for a root object built from plain JSON). */
const runs = new WeakMap<Record<string, unknown>, OrcaRun>();

export function executionObject(execution: Record<string, unknown>): OrcaObject {
  let run = runs.get(execution);
  if (run === undefined) {
    const stages = ownValue(execution, 'stages');
    run = new OrcaRun(execution, Array.isArray(stages) ? stages.filter(isRecord) : []);
    runs.set(execution, run);
  }
  return run.execution;
}


