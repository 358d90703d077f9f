import { describeJavaValue, evaluateFieldJava, type FieldStatus, type JavaFieldOutcome } from './evaluate-field';
import { isRecord, ownValue, renderPath, stringField, stringsIn } from './json';
import { isMapLike, toPlain } from './java-values';
import type { EvaluationScope } from './orca-evaluator';
import { orcaFunctions } from './orca-functions';
import { OrcaRun, stageContextRoot } from './orca-run';
import { PipelineGraph, requisitesOf, stageContext, stageRef, type StageRef } from './pipeline-graph';
import { hasExpression } from './template';

/**
 * Preview: the expressions of stages evaluated offline against the JSON of a run ("View as
 * JSON" of an execution), as Orca evaluates them (orca-evaluator.ts). Each stage's root object is
 * Orca's StageContext (orca-model.ts): its context, `execution`, `trigger`, the trigger's
 * `parameters`, and the outputs of its ancestors. The stages run in dependency order; an
 * Evaluate Variables stage under `"spelEvaluator": "v4"` evaluates its variables one after the
 * other, each that did not fail (a text without expression included) passed on to the next, and
 * its results become outputs that later stages read, as in Orca.
 */

export interface PreviewRow {
  stage: StageRef;
  /** JSON path of the field in the stage: `variables[0].value`, `payload.images[1].imageId`. */
  field: string;
  /** The Evaluate Variables key, for variables. */
  variable?: string;
  expression: string;
  status: FieldStatus;
  /** What Orca leaves in the field: the value, or the text (with the unresolved `${...}` parts) where it did not evaluate. */
  value?: unknown;
  reason?: string;
  /** The Java class of the value (Integer, Double, String, List, Map, ...). */
  javaType?: string;
  /** The value as Jackson writes it (`2.0` stays `2.0`). */
  javaJson?: string | null;
}

export interface PreviewedStage {
  stage: StageRef;
  /** The stage as Orca would run it: expressions replaced by their values (or left as written where they did not evaluate). */
  evaluated: Record<string, unknown>;
}

export interface PreviewResult {
  rows: PreviewRow[];
  stages: PreviewedStage[];
}

export interface PreviewOptions {
  /** The pipeline's `spelEvaluator` (the run's when not given): `v4` evaluates a stage's variables one after the other. */
  spelEvaluator?: string;
}

/** Fields that hold the stage's identity and links, never expressions Orca evaluates. */
const STRUCTURAL_FIELDS = new Set(['refId', 'requisiteStageRefIds', 'type', 'parentStageId', 'syntheticStageOwner', 'id', 'status', 'outputs', 'tasks']);

export function previewStages(execution: Record<string, unknown>, stages: ReadonlyArray<Record<string, unknown>>, options: PreviewOptions = {}): PreviewResult {
  const runStages = PipelineGraph.of(execution).stages;
  // Stages under preview take the place of the run's stages with the same refId (the run may hold them not started yet).
  const replaces = (own: Record<string, unknown>, stage: Record<string, unknown>) => ownValue(own, 'refId') !== undefined && ownValue(own, 'refId') === ownValue(stage, 'refId');
  const merged = runStages.map((stage) => stages.find((own) => replaces(own, stage)) ?? stage);
  for (const own of stages) if (!merged.includes(own)) merged.push(own);
  const computed = new Map<Record<string, unknown>, Record<string, unknown>>(stages.map((stage) => [stage, {}]));
  const run = new OrcaRun(execution, merged, computed);
  const sequential = String(options.spelEvaluator ?? ownValue(execution, 'spelEvaluator') ?? '').toLowerCase() === 'v4';
  const rows: PreviewRow[] = [];
  const results: PreviewedStage[] = [];
  for (const stage of dependencyOrder(stages)) {
    const scope: EvaluationScope = { root: stageContextRoot(run, stage), functions: orcaFunctions(execution, { currentStageId: stringField(stage, 'id') ?? '' }) };
    const result = stringField(stage, 'type') === 'evaluateVariables' ? previewVariables(stage, scope, sequential) : previewFields(stage, scope);
    rows.push(...result.rows);
    computed.set(stage, result.outputs);
    results.push({ stage: stageRef(stage), evaluated: result.evaluated });
  }
  return { rows, stages: results };
}

/** One expression against the end of the run: `execution`, `trigger`, its `parameters`, and every stage's outputs (the latest stage first). */
export function previewExpression(execution: Record<string, unknown>, expression: string): PreviewRow {
  const run = new OrcaRun(execution, [...PipelineGraph.of(execution).stages]);
  const outcome = evaluateFieldJava(expression, { root: stageContextRoot(run, undefined), functions: orcaFunctions(execution) });
  return { stage: { name: '(expression)', refId: '-' }, field: '--expr', expression, ...rowOutcome(outcome) };
}

interface StageResult {
  rows: PreviewRow[];
  outputs: Record<string, unknown>;
  evaluated: Record<string, unknown>;
}

function rowOutcome(outcome: JavaFieldOutcome): Pick<PreviewRow, 'status' | 'value' | 'reason' | 'javaType' | 'javaJson'> {
  return {
    status: outcome.status,
    value: toPlain(outcome.javaValue),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(outcome.status === 'ok' ? describeJavaValue(outcome.javaValue) : {}),
  };
}

function previewVariables(stage: Record<string, unknown>, scope: EvaluationScope, sequential: boolean): StageResult {
  const rows: PreviewRow[] = [];
  const outputs: Record<string, unknown> = {};
  const variables = ownValue(stageContext(stage), 'variables');
  const evaluatedVariables: unknown[] = [];
  const root = scope.root;
  const earlier: string[] = [];
  (Array.isArray(variables) ? variables : []).forEach((variable, index) => {
    if (!isRecord(variable)) {
      evaluatedVariables.push(variable);
      return;
    }
    const key = stringField(variable, 'key') ?? '';
    const value = ownValue(variable, 'value');
    // EvaluateVariablesStage evaluates text only; other values go to the outputs as they are, not to the context.
    if (typeof value !== 'string') {
      evaluatedVariables.push(variable);
      if (key !== '') outputs[key] = value;
      return;
    }
    let outcome: JavaFieldOutcome | undefined;
    if (hasExpression(value)) {
      outcome = evaluateFieldJava(value, scope);
      const hint = !sequential && outcome.status !== 'ok' ? earlierVariableHint(value, earlier) : '';
      rows.push({ stage: stageRef(stage), field: renderPath(['variables', index, 'value']), variable: key, expression: value, ...rowOutcome(outcome), ...(hint !== '' ? { reason: `${outcome.reason ?? ''}${hint}` } : {}) });
    }
    const result = outcome === undefined ? value : outcome.status === 'failed' ? value : outcome.javaValue;
    evaluatedVariables.push({ ...variable, value: toPlain(result) });
    if (key === '') return;
    outputs[key] = result;
    earlier.push(key);
    // Under v4 a variable that did not fail (evaluated, unresolved or plain text) is in the context of the next ones.
    if (sequential && outcome?.status !== 'failed' && isMapLike(root)) root.set(key, result);
  });
  return { rows, outputs, evaluated: { ...stage, variables: evaluatedVariables } };
}

function earlierVariableHint(expression: string, earlier: readonly string[]): string {
  const read = earlier.find((key) => new RegExp(`(^|[^A-Za-z0-9_$#.'"])${key.replace(/[$]/g, '\\$&')}([^A-Za-z0-9_$]|$)`).test(expression));
  return read === undefined ? '' : `; it reads ${read}, a variable of this same stage, which Orca passes on only with "spelEvaluator": "v4"`;
}

function previewFields(stage: Record<string, unknown>, scope: EvaluationScope): StageResult {
  const rows: PreviewRow[] = [];
  const evaluated: Record<string, unknown> = structuredClone(stage);
  for (const { path, text } of stringsIn(stage)) {
    const top = path[0];
    if (typeof top === 'string' && STRUCTURAL_FIELDS.has(top)) continue;
    if (!hasExpression(text)) continue;
    const outcome = evaluateFieldJava(text, scope);
    const row = rowOutcome(outcome);
    rows.push({ stage: stageRef(stage), field: renderPath(path), expression: text, ...row });
    setAt(evaluated, path, row.value);
  }
  return { rows, outputs: {}, evaluated };
}

function setAt(target: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  let holder: unknown = target;
  for (const part of path.slice(0, -1)) {
    holder = Array.isArray(holder) && typeof part === 'number' ? holder[part] : isRecord(holder) && typeof part === 'string' ? holder[part] : undefined;
  }
  const last = path[path.length - 1];
  if (Array.isArray(holder) && typeof last === 'number') holder[last] = value;
  else if (isRecord(holder) && typeof last === 'string') holder[last] = value;
}

/** Stages after their requisites among the given ones; a cycle keeps the given order. */
export function dependencyOrder(stages: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const ordered: Array<Record<string, unknown>> = [];
  const refIds = new Set(stages.map((stage) => String(ownValue(stage, 'refId'))));
  const done = new Set<string>();
  let remaining = [...stages];
  while (remaining.length > 0) {
    const ready = remaining.filter((stage) => requisitesOf(stage).every((refId) => done.has(refId) || !refIds.has(refId)));
    const batch = ready.length > 0 ? ready : remaining;
    for (const stage of batch) {
      ordered.push(stage);
      done.add(String(ownValue(stage, 'refId')));
    }
    remaining = remaining.filter((stage) => !batch.includes(stage));
  }
  return ordered;
}
