import { isRecord, ownValue } from './json';
import { JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber } from './java-numbers';
import { fromData, JavaArray, JavaChar, JavaCollection, JavaEnum, javaEquals, javaHashCode, javaToString, type MapLike, type OrcaObjectLike } from './java-values';
import { stageContext } from './pipeline-graph';

/**
 * The objects Orca puts in an expression's context, built over the JSON of a run: the execution
 * (PipelineExecutionImpl), its stages (StageExecutionImpl), the trigger and the status
 * (ExecutionStatus, an enum that is also a CharSequence, so `status == 'SUCCEEDED'` holds).
 * They are read through getters, as kork's FilteredPropertyAccessor reads them: a property they
 * do not have fails (where a map would give null), and getters returning a type kork refuses
 * (ExecutionType, SyntheticStageOwner, Optional) fail too. And the root object itself: Orca's
 * StageContext, the stage's context with `execution`, `trigger`, `parameters`, whose reads fall
 * back on the outputs of the stage's ancestors.
 */

const STATUSES = ['NOT_STARTED', 'RUNNING', 'PAUSED', 'SUSPENDED', 'SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'REDIRECT', 'STOPPED', 'SKIPPED', 'BUFFERED'];
const COMPLETE = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED']);
const HALT = new Set(['TERMINAL', 'CANCELED', 'STOPPED']);

export function executionStatus(value: unknown): JavaEnum {
  const name = typeof value === 'string' && STATUSES.includes(value) ? value : 'NOT_STARTED';
  return new JavaEnum('ExecutionStatus', name, STATUSES.indexOf(name));
}

function statusName(target: unknown): string {
  return target instanceof JavaEnum ? target.name : '';
}

export const EXECUTION_STATUS_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  method('name', [], 'String', (target) => statusName(target)),
  method('ordinal', [], 'int', (target) => JavaNumber.int(target instanceof JavaEnum ? target.ordinal : 0)),
  method('compareTo', ['ExecutionStatus'], 'int', (target, [other]) => JavaNumber.int((target instanceof JavaEnum ? target.ordinal : 0) - (other instanceof JavaEnum ? other.ordinal : 0))),
  method('isComplete', [], 'boolean', (target) => COMPLETE.has(statusName(target))),
  method('isSkipped', [], 'boolean', (target) => statusName(target) === 'SKIPPED'),
  method('isHalt', [], 'boolean', (target) => HALT.has(statusName(target))),
  method('isSuccessful', [], 'boolean', (target) => ['SUCCEEDED', 'STOPPED', 'SKIPPED'].includes(statusName(target))),
  method('isFailure', [], 'boolean', (target) => ['TERMINAL', 'STOPPED', 'FAILED_CONTINUE'].includes(statusName(target))),
  method('length', [], 'int', (target) => JavaNumber.int(statusName(target).length)),
  method('isEmpty', [], 'boolean', (target) => statusName(target).length === 0),
  method('charAt', ['int'], 'char', (target, [index]) => {
    const at = index instanceof JavaNumber ? index.toInt() : 0;
    if (at < 0 || at >= statusName(target).length) throw new JavaException('java.lang.StringIndexOutOfBoundsException', `index ${at}, length ${statusName(target).length}`);
    return new JavaChar(statusName(target).charCodeAt(at));
  }),
  method('subSequence', ['int', 'int'], 'CharSequence', () => null),
  method('chars', [], 'IntStream', () => null),
  method('getDeclaringClass', [], 'Class', () => null),
  method('values', [], 'ExecutionStatus[]', () => new JavaArray('ExecutionStatus', STATUSES.map(executionStatus)), true),
  method('valueOf', ['String'], 'ExecutionStatus', (_, [name]) => {
    if (typeof name !== 'string' || !STATUSES.includes(name)) throw new JavaException('java.lang.IllegalArgumentException', `No enum constant ExecutionStatus.${String(name)}`);
    return executionStatus(name);
  }, true),
];

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

function requisiteRefIds(stage: Record<string, unknown>): string[] {
  const requisites = ownValue(stage, 'requisiteStageRefIds');
  return Array.isArray(requisites) ? requisites.map(String) : [];
}

type OrcaClass = 'PipelineExecutionImpl' | 'StageExecutionImpl' | 'Trigger' | 'AuthenticationDetails';

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

function json(target: unknown): Record<string, unknown> {
  return target instanceof OrcaObject ? target.json : {};
}

function run(target: unknown): OrcaRun {
  if (target instanceof OrcaObject) return target.run;
  throw new JavaException('java.lang.IllegalStateException', 'not an Orca object');
}

function text(target: unknown, key: string): string | null {
  const value = ownValue(json(target), key);
  return value === undefined || value === null ? null : String(value);
}

function long(target: unknown, key: string): JavaNumber | null {
  const value = ownValue(json(target), key);
  return typeof value === 'number' ? JavaNumber.long(BigInt(Math.trunc(value))) : null;
}

function list(target: unknown, key: string): unknown[] {
  const value = ownValue(json(target), key);
  return Array.isArray(value) ? value : [];
}

function map(target: unknown, key: string): Record<string, unknown> {
  const value = ownValue(json(target), key);
  return isRecord(value) ? value : {};
}

const getText = (name: string, key: string) => method(name, [], 'String', (target) => text(target, key));
const getLong = (name: string, key: string) => method(name, [], 'Long', (target) => long(target, key));
const getFlag = (name: string, key: string) => method(name, [], 'boolean', (target) => ownValue(json(target), key) === true);
const refused = (name: string, returns: string) => method(name, [], returns, () => null);

const IDENTITY = objectMethods(
  (target) => javaHashCode(text(target, 'id')),
  (target) => String(target),
  (target, other) => other instanceof OrcaObject && target instanceof OrcaObject && other.javaClass === target.javaClass && ownValue(other.json, 'id') === ownValue(target.json, 'id'),
);

const STAGE_METHODS: MethodSpec[] = [
  ...IDENTITY,
  getText('getId', 'id'),
  getText('getRefId', 'refId'),
  getText('getType', 'type'),
  getText('getName', 'name'),
  method('getExecution', [], 'PipelineExecution', (target) => run(target).execution),
  getLong('getStartTime', 'startTime'),
  getLong('getEndTime', 'endTime'),
  getLong('getStartTimeExpiry', 'startTimeExpiry'),
  getLong('getScheduledTime', 'scheduledTime'),
  method('getStatus', [], 'ExecutionStatus', (target) => executionStatus(ownValue(json(target), 'status'))),
  method('getContext', [], 'Map', (target) => stageContext(json(target))),
  method('getOutputs', [], 'Map', (target) => run(target).outputsOf(json(target))),
  method('getTasks', [], 'List', (target) => list(target, 'tasks')),
  refused('getSyntheticStageOwner', 'SyntheticStageOwner'),
  getText('getParentStageId', 'parentStageId'),
  method('getRequisiteStageRefIds', [], 'Collection', (target) => list(target, 'requisiteStageRefIds')),
  refused('getLastModified', 'LastModifiedDetails'),
  method('getAdditionalMetricTags', [], 'Map', (target) => map(target, 'additionalMetricTags')),
  refused('getSize', 'Optional'),
  refused('getTimeout', 'Optional'),
  refused('getBackoffPeriod', 'Optional'),
  refused('getParentWithTimeout', 'Optional'),
  method('getParent', [], 'StageExecution', (target) => {
    const parentId = text(target, 'parentStageId');
    if (parentId === null) return null;
    const parent = run(target).stages.find((stage) => ownValue(stage, 'id') === parentId);
    if (parent === undefined) throw new JavaException('java.lang.IllegalStateException', `Expected stage ${parentId} to be present in the execution`);
    return run(target).stage(parent);
  }),
  getFlag('getAllowSiblingStagesToContinueOnFailure', 'allowSiblingStagesToContinueOnFailure'),
  getFlag('getContinuePipelineOnFailure', 'continuePipelineOnFailure'),
  method('isJoin', [], 'boolean', (target) => requisiteRefIds(json(target)).length > 1),
  method('isManualJudgmentType', [], 'boolean', (target) => text(target, 'type') === 'manualJudgment'),
  method('ancestors', [], 'List', (target) => run(target).ancestors(json(target)).map((stage) => run(target).stage(stage))),
  method('mapTo', ['Class'], 'Object', () => null),
  method('taskById', ['String'], 'TaskExecution', () => null),
];

const EXECUTION_METHODS: MethodSpec[] = [
  ...IDENTITY,
  refused('getType', 'ExecutionType'),
  getText('getId', 'id'),
  getText('getApplication', 'application'),
  getText('getName', 'name'),
  getLong('getBuildTime', 'buildTime'),
  getFlag('isCanceled', 'canceled'),
  getText('getCanceledBy', 'canceledBy'),
  getText('getCancellationReason', 'cancellationReason'),
  getFlag('isLimitConcurrent', 'limitConcurrent'),
  method('getMaxConcurrentExecutions', [], 'int', (target) => JavaNumber.int(Number(ownValue(json(target), 'maxConcurrentExecutions') ?? 0))),
  getFlag('isKeepWaitingPipelines', 'keepWaitingPipelines'),
  method('getContext', [], 'Map', (target) => {
    const merged: Record<string, unknown> = {};
    for (const stage of run(target).stages) Object.assign(merged, run(target).outputsOf(stage));
    return merged;
  }),
  method('getStages', [], 'List', (target) => run(target).stages.map((stage) => run(target).stage(stage))),
  getLong('getStartTime', 'startTime'),
  getLong('getEndTime', 'endTime'),
  getLong('getStartTimeExpiry', 'startTimeExpiry'),
  method('getStatus', [], 'ExecutionStatus', (target) => executionStatus(ownValue(json(target), 'status'))),
  method('getAuthentication', [], 'AuthenticationDetails', (target) => (isRecord(ownValue(json(target), 'authentication')) ? new OrcaObject('AuthenticationDetails', map(target, 'authentication'), run(target)) : null)),
  getText('getOrigin', 'origin'),
  method('getTrigger', [], 'Trigger', (target) => new OrcaObject('Trigger', map(target, 'trigger'), run(target))),
  getText('getDescription', 'description'),
  getText('getPipelineConfigId', 'pipelineConfigId'),
  refused('getSource', 'PipelineSource'),
  method('getNotifications', [], 'List', (target) => list(target, 'notifications')),
  method('getInitialConfig', [], 'Map', (target) => map(target, 'initialConfig')),
  method('getSystemNotifications', [], 'List', (target) => list(target, 'systemNotifications')),
  getText('getSpelEvaluator', 'spelEvaluator'),
  method('getTemplateVariables', [], 'Map', (target) => (isRecord(ownValue(json(target), 'templateVariables')) ? map(target, 'templateVariables') : null)),
  getText('getPartition', 'partition'),
  refused('getSize', 'Optional'),
  refused('getTotalSize', 'Optional'),
  method('stageById', ['String'], 'StageExecution', (target, [id]) => {
    const found = run(target).stages.find((stage) => ownValue(stage, 'id') === fromData(id));
    if (found === undefined) throw new JavaException('java.lang.IllegalArgumentException', `No stage with id ${String(fromData(id))} exists`);
    return run(target).stage(found);
  }),
  method('stageByRef', ['String'], 'StageExecution', (target, [refId]) => {
    const found = run(target).stages.find((stage) => ownValue(stage, 'refId') === fromData(refId));
    if (found === undefined) throw new JavaException('java.lang.IllegalArgumentException', `No stage with refId ${String(fromData(refId))} exists`);
    return run(target).stage(found);
  }),
];

/** The Trigger interface's getters; a concrete trigger (Jenkins, Git, ...) has more, which appear in its JSON. */
const TRIGGER_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => String(target), (target, other) => target === other),
  getText('getType', 'type'),
  getText('getCorrelationId', 'correlationId'),
  getText('getUser', 'user'),
  method('getParameters', [], 'Map', (target) => map(target, 'parameters')),
  method('getArtifacts', [], 'List', (target) => list(target, 'artifacts')),
  method('getNotifications', [], 'List', (target) => list(target, 'notifications')),
  getFlag('isRebake', 'rebake'),
  getFlag('isDryRun', 'dryRun'),
  getFlag('isStrategy', 'strategy'),
  method('getResolvedExpectedArtifacts', [], 'List', (target) => list(target, 'resolvedExpectedArtifacts')),
  method('getOther', [], 'Map', (target) => map(target, 'other')),
];

const AUTHENTICATION_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => String(target), (target, other) => target === other),
  getText('getUser', 'user'),
  method('getAllowedAccounts', [], 'Collection', (target) => new JavaCollection('Set', list(target, 'allowedAccounts'))),
];

/** The methods of Orca's objects and of ExecutionStatus. */
export function orcaMethods(value: unknown): MethodSpec[] | undefined {
  if (value instanceof JavaEnum && value.type === 'ExecutionStatus') return EXECUTION_STATUS_METHODS;
  if (!(value instanceof OrcaObject)) return undefined;
  switch (value.javaClass) {
    case 'StageExecutionImpl':
      return STAGE_METHODS;
    case 'PipelineExecutionImpl':
      return EXECUTION_METHODS;
    case 'AuthenticationDetails':
      return AUTHENTICATION_METHODS;
    case 'Trigger': {
      const declared = new Set(TRIGGER_METHODS.map((spec) => spec.name));
      const extra = Object.keys(value.json)
        .map((key) => `get${key.charAt(0).toUpperCase()}${key.slice(1)}`)
        .filter((name) => !declared.has(name) && !declared.has(name.replace(/^get/, 'is')));
      return [...TRIGGER_METHODS, ...extra.map((name) => method(name, [], 'Object.trigger', (target) => ownValue(json(target), name.charAt(3).toLowerCase() + name.slice(4))))];
    }
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
