import { closestName, DEPLOYMENT_DETAILS_KEYS, isDeploymentDetailsKey, suggestDeploymentDetailsKey } from '../deployment-details';
import { stringField } from '../json';
import { findType } from '../java-types';
import { bakeRegions, isBakeStage, stageRef } from '../pipeline-graph';
import type { SpelTree } from '../spel-ast';
import type { ExpressionContext } from './findings';

/**
 * What an expression yields and what it reads, found by walking its tree without running it:
 * the stages `#stage` and `#stageByRefId` name, the deploymentDetails keys and indexes a chain
 * uses, what Orca refuses (a type kork does not allow, `get` on a map or list, an unknown helper),
 * and whether the value is one Orca cannot put in a longer text (a map, a list holding maps, a
 * stage), where a list of plain values is fine (Spring joins it with commas).
 */

/** What an expression yields, as far as can be told without running it. */
export type StaticKind = 'map' | 'list-of-maps' | 'list' | 'orca-object' | 'text' | 'unknown';

/** The kinds Spring cannot turn into text (no converter from a map or an Orca object). */
export const NOT_TEXT: ReadonlySet<StaticKind> = new Set(['map', 'list-of-maps', 'orca-object']);

/** Where a chain of steps stands: what the value at this step is known to be. */
type Cursor =
  | { kind: 'unknown' }
  | { kind: 'stage'; stage: Record<string, unknown> | undefined }
  | { kind: 'outputs'; stage: Record<string, unknown> | undefined }
  /** `selected`: already narrowed by a selection (`.?[region == 'x']`), so an index there is fine. */
  | { kind: 'details'; bakes: Array<Record<string, unknown>>; selected: boolean }
  | { kind: 'entry' };

/** Orca's helper functions (kork's, orca-core's, orca-front50's, Kayenta's and Cloud Foundry's providers). */
const ORCA_FUNCTIONS = new Set([
  'toJson', 'toInt', 'toFloat', 'toBoolean', 'toBase64', 'fromBase64', 'alphanumerical', 'doNotEval', 'fetchReference',
  'stage', 'stageByRefId', 'stageExists', 'judgment', 'judgement', 'currentStage', 'currentUser',
  'fromUrl', 'jsonFromUrl', 'yamlFromUrl', 'propertiesFromUrl', 'readJson', 'readYaml', 'readAllYaml',
  'deployedServerGroups', 'manifestLabelValue', 'triggerResolvedArtifact', 'triggerResolvedArtifactByType', 'resolvedArtifacts',
  'pipelineId', 'pipelineIdOrNull', 'pipelineIdInApplication', 'applicationMetadata', 'canaryConfigNameToId', 'cfServiceKey',
]);
const TEXT_FUNCTIONS = new Set(['toJson', 'toBase64', 'fromBase64', 'alphanumerical', 'judgment', 'judgement', 'currentUser']);

/** Walks one expression; reports what it finds and returns what the expression yields. */
export function analyse(tree: SpelTree, context: ExpressionContext): StaticKind {
  switch (tree.type) {
    case 'compound':
      return analyseChain(tree.children, context);
    case 'function':
    case 'property':
    case 'indexer':
    case 'selection':
    case 'projection':
    case 'method':
      return analyseChain([tree], context);
    case 'map':
      for (const entry of tree.entries ?? []) {
        if (typeof entry.key !== 'string') analyse(entry.key, context);
        analyse(entry.value, context);
      }
      return 'map';
    case 'list': {
      const kinds = tree.children.map((child) => analyse(child, context));
      return kinds.some((kind) => NOT_TEXT.has(kind)) ? 'list-of-maps' : 'list';
    }
    case 'string':
      return 'text';
    case 'typeref':
      checkType(tree.name ?? '', context);
      return 'unknown';
    case 'constructorref':
      if (tree.arrayConstructor !== true || !/^[a-z]+$/.test(tree.name ?? '')) checkType(tree.name ?? '', context);
      tree.children.forEach((child) => analyse(child, context));
      return 'unknown';
    case 'ternary':
    case 'elvis': {
      const kinds = tree.children.map((child) => analyse(child, context));
      const results = tree.type === 'ternary' ? kinds.slice(1) : kinds;
      return results.every((kind) => kind === results[0]) ? (results[0] ?? 'unknown') : 'unknown';
    }
    default:
      for (const child of tree.children) analyse(child, context);
      return 'unknown';
  }
}

/** kork's AllowListTypeLocator: T(...) and new name only its short list of types. */
function checkType(name: string, context: ExpressionContext): void {
  try {
    findType(name);
  } catch (error) {
    context.report('error', 'refused-type', `T(${name}) / new ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function analyseChain(steps: readonly SpelTree[], context: ExpressionContext): StaticKind {
  let cursor: Cursor = { kind: 'unknown' };
  let kind: StaticKind = 'unknown';
  steps.forEach((step, index) => {
    const first = index === 0;
    switch (step.type) {
      case 'function': {
        step.children.forEach((arg) => analyse(arg, context));
        const name = step.name ?? '';
        if (!ORCA_FUNCTIONS.has(name)) {
          const suggestion = closestName(name, [...ORCA_FUNCTIONS]);
          context.report('warning', 'unknown-function', `#${name}(...) is not one of Orca's helper functions${suggestion !== undefined ? `; did you mean #${suggestion}?` : ''} (Orca fails with EL1006E unless a plugin adds it)`);
        }
        if (first && (name === 'stage' || name === 'stageByRefId')) {
          cursor = { kind: 'stage', stage: resolveStage(step, context) };
          kind = 'orca-object';
        } else {
          cursor = { kind: 'unknown' };
          kind = name === 'currentStage' ? 'orca-object' : TEXT_FUNCTIONS.has(name) ? 'text' : 'unknown';
        }
        return;
      }
      case 'property': {
        const name = step.name ?? '';
        if (cursor.kind === 'entry') {
          checkDetailsKey(name, context);
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        } else if (cursor.kind === 'stage' && name === 'outputs') {
          cursor = { kind: 'outputs', stage: cursor.stage };
          kind = 'map';
        } else if (name === 'deploymentDetails') {
          cursor = { kind: 'details', bakes: bakesBehind(cursor, first, context), selected: false };
          kind = 'list-of-maps';
        } else {
          kind = cursor.kind === 'stage' && name === 'context' ? 'map' : first && name === 'execution' ? 'orca-object' : first && (name === 'trigger' || name === 'parameters') ? 'map' : 'unknown';
          cursor = { kind: 'unknown' };
        }
        return;
      }
      case 'indexer': {
        const position = step.children[0];
        step.children.forEach((child) => analyse(child, context));
        if (cursor.kind === 'details' && position?.type === 'number') {
          if (!cursor.selected) checkIndexAccess(cursor.bakes, context);
          cursor = { kind: 'entry' };
          kind = 'map';
        } else if (cursor.kind === 'entry' && position?.type === 'string' && typeof position.literal === 'string') {
          checkDetailsKey(position.literal, context);
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        } else if (cursor.kind === 'stage' && position?.literal === 'outputs') {
          cursor = { kind: 'outputs', stage: cursor.stage };
          kind = 'map';
        } else if (position?.literal === 'deploymentDetails') {
          cursor = { kind: 'details', bakes: bakesBehind(cursor, first, context), selected: false };
          kind = 'list-of-maps';
        } else {
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        }
        return;
      }
      case 'selection': {
        checkCriteria(step, cursor, context);
        if (cursor.kind === 'details') {
          kind = step.selection === 'all' ? 'list-of-maps' : 'map';
          cursor = step.selection === 'all' ? { ...cursor, selected: true } : { kind: 'entry' };
        } else {
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        }
        return;
      }
      case 'projection': {
        const body = step.children[0];
        const projectsKey = cursor.kind === 'details' && body?.type === 'property';
        checkCriteria(step, cursor, context);
        cursor = { kind: 'unknown' };
        kind = projectsKey ? 'list' : 'unknown';
        return;
      }
      case 'method': {
        step.children.forEach((arg) => analyse(arg, context));
        const argument = step.children[0];
        if (step.name === 'get') {
          const key = argument?.type === 'string' ? `'${String(argument.literal)}'` : argument?.type === 'number' ? (argument.source ?? '0') : undefined;
          context.report('error', 'method-on-map', `.get(...) is refused by Orca: kork hides methods that return Object, get on maps and lists among them; ${key !== undefined ? `write [${key}]` : 'index with [...]'}`);
        }
        cursor = { kind: 'unknown' };
        kind = step.name === 'toString' ? 'text' : step.name === 'keySet' || step.name === 'values' ? 'list' : step.name === 'entrySet' ? 'list-of-maps' : 'unknown';
        return;
      }
      default:
        kind = analyse(step, context);
        cursor = { kind: 'unknown' };
    }
  });
  return kind;
}

/** The stage `#stage('X')` or `#stageByRefId('X')` names, reporting a name that matches none or several. */
function resolveStage(call: SpelTree, context: ExpressionContext): Record<string, unknown> | undefined {
  const argument = call.children[0];
  if (argument?.type !== 'string' || typeof argument.literal !== 'string') return undefined;
  const id = argument.literal;
  if (call.name === 'stageByRefId') {
    const found = context.graph.byRefId(id);
    if (found === undefined) context.report('error', 'unknown-stage', `#stageByRefId('${id}'): no stage has refId ${JSON.stringify(id)}`);
    else context.read(found);
    return found;
  }
  const matches = context.graph.byNameOrId(id);
  if (matches.length === 0) {
    const names = context.graph.stages.map((stage) => stringField(stage, 'name')).filter((name): name is string => name !== undefined);
    const suggestion = closestName(id, names);
    context.report('error', 'unknown-stage', `#stage(${JSON.stringify(id)}): no stage has this name (names are case sensitive)${suggestion !== undefined ? `; did you mean "${suggestion}"?` : ''}`);
    return undefined;
  }
  if (matches.length > 1) {
    context.report('error', 'ambiguous-stage', `#stage(${JSON.stringify(id)}): ${matches.length} stages have this name and Orca takes the first; rename them or use #stageByRefId`);
  }
  const found = matches[0];
  if (found !== undefined) context.read(found);
  return found;
}

/** The bakes a `deploymentDetails` step reads: the stage named before it, or the bakes upstream of this stage. */
function bakesBehind(cursor: Cursor, first: boolean, context: ExpressionContext): Array<Record<string, unknown>> {
  if (cursor.kind === 'outputs' || cursor.kind === 'stage') return cursor.stage !== undefined ? [cursor.stage] : [];
  if (!first) return [];
  const upstream = context.graph.ancestors(context.stage).filter(isBakeStage);
  if (upstream.length === 0) context.report('error', 'no-upstream-bake', 'reads deploymentDetails, but no bake stage runs before this stage (requisiteStageRefIds)');
  return upstream;
}

function checkIndexAccess(bakes: ReadonlyArray<Record<string, unknown>>, context: ExpressionContext): void {
  const counts = bakes.map((bake) => bakeRegions(bake)?.length);
  const multi = bakes.find((_, index) => (counts[index] ?? 0) > 1);
  if (multi !== undefined) {
    const regions = bakeRegions(multi) ?? [];
    context.report(
      'error',
      'index-into-multi-region-bake',
      `deploymentDetails[n] picks an arbitrary image: "${stageRef(multi).name}" bakes in ${regions.length} regions (${regions.join(', ')}) and the list follows the child stages' refIds, not the regions; select by region: deploymentDetails.^[region == '${regions[0] ?? 'us-east-1'}'].imageId`,
    );
  } else if (bakes.length === 0 || counts.some((count) => count === undefined)) {
    context.report('warning', 'index-into-bake', "deploymentDetails[n]: cannot tell how many regions the bake has; with two or more the index picks an arbitrary image: select by region (.^[region == '...'])");
  }
}

function checkDetailsKey(name: string, context: ExpressionContext): void {
  if (isDeploymentDetailsKey(name)) return;
  const suggestion = suggestDeploymentDetailsKey(name);
  context.report(
    'error',
    'unknown-deployment-details-key',
    `deploymentDetails entries have no key ${JSON.stringify(name)} (it evaluates to null)${suggestion !== undefined ? `; did you mean ${suggestion}?` : `; known keys: ${DEPLOYMENT_DETAILS_KEYS.join(', ')}`}`,
  );
}

/** The criteria of a selection or projection: over deploymentDetails they name entry keys; elsewhere they are plain expressions. */
function checkCriteria(step: SpelTree, cursor: Cursor, context: ExpressionContext): void {
  if (cursor.kind === 'details') step.children.forEach((criteria) => checkEntryReferences(criteria, context));
  else step.children.forEach((criteria) => analyse(criteria, context));
}

function checkEntryReferences(tree: SpelTree, context: ExpressionContext): void {
  switch (tree.type) {
    case 'property':
      checkDetailsKey(tree.name ?? '', context);
      return;
    case 'compound': {
      const head = tree.children[0];
      if (head !== undefined) checkEntryReferences(head, context);
      return;
    }
    case 'function':
    case 'method':
    case 'indexer':
    case 'map':
    case 'list':
      // These read from the root object, not from the entry.
      analyse(tree, context);
      return;
    default:
      tree.children.forEach((child) => checkEntryReferences(child, context));
  }
}
