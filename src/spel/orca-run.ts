import { isRecord, ownValue } from './json';
import type { MapLike, OrcaObjectLike } from './java-values';
import { stageContext } from './pipeline-graph';

/**
 * A run as Orca holds it while it evaluates expressions: the execution and its stages as objects
 * over their JSON (their getters in orca-model.ts), the stages' ancestors as
 * StageExecutionImpl.ancestors() finds them, and the root object of a stage's expressions,
 * Orca's StageContext.
 */

/** The run the model is built over: the execution's JSON and its stages (with the outputs the preview computed for its own stages). */
export class OrcaRun {
  private readonly stageObjects = new Map<Record<string, unknown>, OrcaObject>();
  readonly execution: OrcaObject;

  constructor(
    readonly executionJson: Record<string, unknown>,
    /** The stages of the run, the previewed ones in place of theirs. */
    readonly stages: Array<Record<string, unknown>>,
    /** Outputs the preview computed, by stage. */
    readonly computedOutputs: Map<Record<string, unknown>, Record<string, unknown>> = new Map(),
  ) {
    this.execution = new OrcaObject('PipelineExecutionImpl', executionJson, this);
  }

  stage(json: Record<string, unknown>): OrcaObject {
    let stage = this.stageObjects.get(json);
    if (stage === undefined) {
      stage = new OrcaObject('StageExecutionImpl', json, this);
      this.stageObjects.set(json, stage);
    }
    return stage;
  }

  outputsOf(json: Record<string, unknown>): Record<string, unknown> {
    const computed = this.computedOutputs.get(json);
    if (computed !== undefined) return computed;
    const own = ownValue(json, 'outputs');
    return isRecord(own) ? own : {};
  }

  /** StageExecutionImpl.ancestors(): the stage itself, then StageExecutionInternals.getAncestorsImpl. */
  ancestors(json: Record<string, unknown>): Array<Record<string, unknown>> {
    return [json, ...this.ancestorsOf(json, new Set())];
  }

  private ancestorsOf(stage: Record<string, unknown>, visited: Set<unknown>): Array<Record<string, unknown>> {
    visited.add(ownValue(stage, 'refId'));
    const requisites = requisiteRefIds(stage);
    if (requisites.length > 0) {
      const previous = this.stages.filter((it) => !visited.has(ownValue(it, 'refId')) && requisites.includes(String(ownValue(it, 'refId'))));
      const previousIds = new Set(previous.map((it) => ownValue(it, 'id')));
      const synthetic = this.stages.filter((it) => ownValue(it, 'syntheticStageOwner') !== undefined && ownValue(it, 'syntheticStageOwner') !== null && previousIds.has(ownValue(it, 'parentStageId')));
      return [...previous, ...synthetic, ...previous.flatMap((it) => this.ancestorsOf(it, visited))];
    }
    const parentId = ownValue(stage, 'parentStageId');
    if (typeof parentId === 'string' && !visited.has(parentId)) {
      const result: Array<Record<string, unknown>> = [];
      if (ownValue(stage, 'syntheticStageOwner') === 'STAGE_AFTER') {
        result.push(...this.stages.filter((it) => ownValue(it, 'parentStageId') === parentId && ownValue(it, 'syntheticStageOwner') === 'STAGE_BEFORE'));
      }
      const parent = this.stages.find((it) => ownValue(it, 'id') === parentId);
      if (parent !== undefined) result.push(parent, ...this.ancestorsOf(parent, visited));
      return result;
    }
    return [];
  }
}

export function requisiteRefIds(stage: Record<string, unknown>): string[] {
  const requisites = ownValue(stage, 'requisiteStageRefIds');
  return Array.isArray(requisites) ? requisites.map(String) : [];
}

export type OrcaClass = 'PipelineExecutionImpl' | 'StageExecutionImpl' | 'Trigger' | 'AuthenticationDetails';

/** An object of Orca's model over its JSON. */
export class OrcaObject implements OrcaObjectLike {
  constructor(
    readonly javaClass: OrcaClass,
    readonly json: Record<string, unknown>,
    readonly run: OrcaRun,
  ) {}

  toJson(): unknown {
    return this.javaClass === 'StageExecutionImpl' ? { ...this.json, outputs: this.run.outputsOf(this.json) } : this.json;
  }

  toString(): string {
    return `com.netflix.spinnaker.orca.pipeline.model.${this.javaClass}@${String(ownValue(this.json, 'id') ?? '')}`;
  }
}

/**
 * Orca's StageContext as the root object: the stage's context with `execution`, `trigger` (the
 * trigger as a map), `parameters` (the trigger's, or an empty map) and `scmInfo` (null); a key
 * it does not hold is looked up in the outputs of the stage's ancestors, the stage itself first.
 */
export class StageContextRoot implements MapLike {
  readonly mapLike = true;

  constructor(
    readonly own: Record<string, unknown>,
    private readonly fallback: () => Array<Record<string, unknown>>,
  ) {}

  get(key: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.own, key)) return this.own[key];
    for (const outputs of this.fallback()) {
      if (Object.prototype.hasOwnProperty.call(outputs, key)) return outputs[key];
    }
    return null;
  }

  ownKeys(): string[] {
    return Object.keys(this.own);
  }

  ownValue(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.own, key) ? this.own[key] : null;
  }

  set(key: string, value: unknown): void {
    Object.defineProperty(this.own, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** ContextParameterProcessor.buildExecutionContext(stage) and precomputeValues. */
export function stageContextRoot(orcaRun: OrcaRun, stage: Record<string, unknown> | undefined): StageContextRoot {
  const own: Record<string, unknown> = {};
  if (stage !== undefined) for (const [key, value] of Object.entries(stageContext(stage))) own[key] = value;
  const trigger = ownValue(orcaRun.executionJson, 'trigger');
  const triggerMap = isRecord(trigger) ? trigger : {};
  own.execution = orcaRun.execution;
  own.trigger = triggerMap;
  const parameters = ownValue(triggerMap, 'parameters');
  if (isRecord(parameters) && Object.keys(parameters).length > 0) own.parameters = parameters;
  else if (!Object.prototype.hasOwnProperty.call(own, 'parameters')) own.parameters = {};
  own.scmInfo = null;
  const fallback = stage !== undefined ? () => orcaRun.ancestors(stage).map((ancestor) => orcaRun.outputsOf(ancestor)) : () => [...orcaRun.stages].reverse().map((it) => orcaRun.outputsOf(it));
  return new StageContextRoot(own, fallback);
}
