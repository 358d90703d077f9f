import { isRecord, ownValue } from './json';
import { JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber } from './java-numbers';
import { fromData, JavaArray, JavaChar, JavaCollection, JavaEnum, javaEquals, javaHashCode, javaToString } from './java-values';
import { OrcaObject, type OrcaRun, requisiteRefIds } from './orca-run';
import { stageContext } from './pipeline-graph';

/**
 * The getters and methods of the objects Orca puts in an expression's context (orca-run.ts): the
 * execution (PipelineExecutionImpl), its stages (StageExecutionImpl), the trigger and the status
 * (ExecutionStatus, an enum that is also a CharSequence, so `status == 'SUCCEEDED'` holds).
 * They are read through getters, as kork's FilteredPropertyAccessor reads them: a property they
 * do not have fails (where a map would give null), and getters returning a type kork refuses
 * (ExecutionType, SyntheticStageOwner, Optional) fail too.
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

/** The Trigger interface's getters (a Jenkins or Git trigger has a few more, which the preview does not model). */
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
    case 'Trigger':
      // A manual run's trigger is a DefaultTrigger: the interface's getters; other keys of its JSON land in getOther().
      return TRIGGER_METHODS;
  }
}

