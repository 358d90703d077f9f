import { evaluateField, type FieldStatus } from './evaluate-field';
import { isRecord, ownValue, renderPath, stringField, stringsIn } from './json';
import type { EvaluationScope } from './orca-evaluator';
import { orcaFunctions } from './orca-functions';
import { PipelineGraph, requisitesOf, stageContext, stageRef, type StageRef } from './pipeline-graph';
import { hasExpression } from './template';

/**
 * Preview: the expressions of stages evaluated offline against the JSON of a run ("View as
 * JSON" of an execution), with Orca's rules. The stages run in dependency order; an Evaluate
 * Variables stage evaluates its variables one after the other (a later one may use an earlier
 * one) and its results become outputs that later stages read, as in Orca.
 */

export interface PreviewRow {
  stage: StageRef;
  /** JSON path of the field in the stage: `variables[0].value`, `payload.images[1].imageId`. */
  field: string;
  /** The Evaluate Variables key, for variables. */
  variable?: string;
  expression: string;
  status: FieldStatus;
  value?: unknown;
  reason?: string;
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

/** Fields that hold the stage's identity and links, never expressions Orca evaluates. */
const STRUCTURAL_FIELDS = new Set(['refId', 'requisiteStageRefIds', 'type', 'parentStageId', 'syntheticStageOwner', 'id', 'status', 'outputs', 'tasks']);

export function previewStages(execution: Record<string, unknown>, stages: ReadonlyArray<Record<string, unknown>>): PreviewResult {
  const executionGraph = PipelineGraph.of(execution);
  const previewed = new Set(stages);
  // Stages under preview replace the run's stages with the same refId (the run may hold them not started yet).
  const merged = [...stages, ...executionGraph.stages.filter((stage) => !stages.some((own) => ownValue(own, 'refId') !== undefined && ownValue(own, 'refId') === ownValue(stage, 'refId')))];
  const graph = new PipelineGraph(merged);
  const outputs = new Map<Record<string, unknown>, Record<string, unknown>>();
  for (const stage of merged) {
    const own = ownValue(stage, 'outputs');
    if (!previewed.has(stage) && isRecord(own)) outputs.set(stage, own);
  }
  const functions = orcaFunctions(execution);
  const rows: PreviewRow[] = [];
  const results: PreviewedStage[] = [];
  for (const stage of dependencyOrder(stages)) {
    const root: Record<string, unknown> = {};
    for (const ancestor of graph.ancestors(stage).reverse()) Object.assign(root, outputs.get(ancestor) ?? {});
    Object.assign(root, stageContext(stage), { execution, trigger: ownValue(execution, 'trigger') ?? {} });
    const scope: EvaluationScope = { root, functions };
    const result = stringField(stage, 'type') === 'evaluateVariables' ? previewVariables(stage, scope) : previewFields(stage, scope);
    rows.push(...result.rows);
    outputs.set(stage, result.outputs);
    results.push({ stage: stageRef(stage), evaluated: result.evaluated });
  }
  return { rows, stages: results };
}

/** One expression against the end of the run: every stage's outputs, `execution` and `trigger`. */
export function previewExpression(execution: Record<string, unknown>, expression: string): PreviewRow {
  const root: Record<string, unknown> = {};
  for (const stage of PipelineGraph.of(execution).stages) {
    const own = ownValue(stage, 'outputs');
    if (isRecord(own)) Object.assign(root, own);
  }
  Object.assign(root, { execution, trigger: ownValue(execution, 'trigger') ?? {} });
  const outcome = evaluateField(expression, { root, functions: orcaFunctions(execution) });
  return { stage: { name: '(expression)', refId: '-' }, field: '--expr', expression, ...rowOutcome(outcome) };
}

interface StageResult {
  rows: PreviewRow[];
  outputs: Record<string, unknown>;
  evaluated: Record<string, unknown>;
}

function rowOutcome(outcome: ReturnType<typeof evaluateField>): Pick<PreviewRow, 'status' | 'value' | 'reason'> {
  return outcome.status === 'ok' ? { status: 'ok', value: outcome.value } : { status: outcome.status, ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}) };
}

function previewVariables(stage: Record<string, unknown>, scope: EvaluationScope): StageResult {
  const rows: PreviewRow[] = [];
  const outputs: Record<string, unknown> = {};
  const variables = ownValue(stageContext(stage), 'variables');
  const evaluatedVariables: unknown[] = [];
  (Array.isArray(variables) ? variables : []).forEach((variable, index) => {
    if (!isRecord(variable)) {
      evaluatedVariables.push(variable);
      return;
    }
    const key = stringField(variable, 'key') ?? '';
    const value = ownValue(variable, 'value');
    if (typeof value !== 'string' || !hasExpression(value)) {
      evaluatedVariables.push(variable);
      if (key !== '') outputs[key] = value;
      return;
    }
    const outcome = evaluateField(value, scope);
    rows.push({ stage: stageRef(stage), field: renderPath(['variables', index, 'value']), variable: key, expression: value, ...rowOutcome(outcome) });
    evaluatedVariables.push({ ...variable, value: outcome.value });
    // Orca adds a variable to the context only when it evaluated; later variables may read it.
    if (outcome.status === 'ok' && key !== '') {
      outputs[key] = outcome.value;
      scope.root[key] = outcome.value;
    }
  });
  return { rows, outputs, evaluated: { ...stage, variables: evaluatedVariables } };
}

function previewFields(stage: Record<string, unknown>, scope: EvaluationScope): StageResult {
  const rows: PreviewRow[] = [];
  const evaluated: Record<string, unknown> = structuredClone(stage);
  for (const { path, text } of stringsIn(stage)) {
    const top = path[0];
    if (typeof top === 'string' && STRUCTURAL_FIELDS.has(top)) continue;
    if (!hasExpression(text)) continue;
    const outcome = evaluateField(text, scope);
    rows.push({ stage: stageRef(stage), field: renderPath(path), expression: text, ...rowOutcome(outcome) });
    setAt(evaluated, path, outcome.value);
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
