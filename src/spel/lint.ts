import { closestName, DEPLOYMENT_DETAILS_KEYS, isDeploymentDetailsKey, suggestDeploymentDetailsKey } from './deployment-details';
import { isRecord, ownValue, renderPath, stringField, stringsIn } from './json';
import { VARIABLE_KEY_PATTERN } from './keys';
import { bakeRegions, isBakeStage, PipelineGraph, stageRef, type StageRef } from './pipeline-graph';
import { MAX_EXPRESSION_LENGTH } from './orca-evaluator';
import { orcaRewriteHazard } from './orca-preprocess';
import { parseSpel, SpelSyntaxError, SpelTooDeepError, type SpelTree, walkSpel } from './spel-ast';
import { hasExpression, isWholeField, parseTemplate } from './template';
import { PLACEHOLDER_PREFIX } from './consumers';

/**
 * Lint: the mistakes that make a pipeline read the wrong image or nothing at all, found without
 * running it. Expressions are read through spel2js's syntax tree (spel-ast.ts); only the
 * `${...}` boundaries are found by scanning text, because that is how Orca finds them too.
 * Nothing is evaluated: a regular expression in an expression is never run here.
 */

export type Severity = 'error' | 'warning';

export type LintRule =
  | 'syntax'
  | 'unknown-deployment-details-key'
  | 'index-into-multi-region-bake'
  | 'index-into-bake'
  | 'unknown-stage'
  | 'ambiguous-stage'
  | 'structure-in-text'
  | 'bad-variable-key'
  | 'duplicate-variable-key'
  | 'missing-dependency'
  | 'no-upstream-bake'
  | 'method-on-map'
  | 'fail-on-failed-expressions-off'
  | 'placeholder-not-replaced'
  | 'expression-too-long'
  | 'too-deep-to-check'
  | 'orca-rewrites-literal';

export interface LintFinding {
  severity: Severity;
  rule: LintRule;
  stage: StageRef;
  /** JSON path of the field in the stage. */
  field: string;
  message: string;
  expression?: string;
}

/** Where a chain of property steps stands: what the value at this step is known to be. */
type Cursor =
  | { kind: 'unknown' }
  | { kind: 'stage'; stage: Record<string, unknown> | undefined }
  | { kind: 'outputs'; stage: Record<string, unknown> | undefined }
  /** `selected`: already narrowed by a selection (`.?[region == 'x']`), so an index there is fine. */
  | { kind: 'details'; bakes: Array<Record<string, unknown>>; selected: boolean }
  | { kind: 'entry' };

/** What an expression yields, as far as can be told without running it. */
type StaticKind = 'structure' | 'text' | 'unknown';

interface ExpressionContext {
  graph: PipelineGraph;
  stage: Record<string, unknown>;
  expression: string;
  report: (severity: Severity, rule: LintRule, message: string) => void;
  /** Notes a stage the expression reads through #stage / #stageByRefId. */
  read: (stage: Record<string, unknown>) => void;
}

export function lintPipeline(pipeline: unknown): LintFinding[] {
  const graph = PipelineGraph.of(pipeline);
  const findings: LintFinding[] = [];
  for (const stage of graph.stages) findings.push(...lintStage(graph, stage));
  return findings;
}

function lintStage(graph: PipelineGraph, stage: Record<string, unknown>): LintFinding[] {
  const findings: LintFinding[] = [];
  const ref = stageRef(stage);
  const add = (severity: Severity, rule: LintRule, field: string, message: string, expression?: string): void => {
    findings.push({ severity, rule, stage: ref, field, message, ...(expression !== undefined ? { expression } : {}) });
  };
  if (stringField(stage, 'type') === 'evaluateVariables') lintVariableKeys(stage, add);
  for (const { path, text } of stringsIn(stage)) {
    if (text.startsWith(PLACEHOLDER_PREFIX)) {
      add('error', 'placeholder-not-replaced', renderPath(path), `still holds a placeholder that \`ami-tagger spel\` wrote (${text}); replace it before saving the pipeline (a webhook without its secret gets 401)`);
    }
  }
  const reads = new Map<Record<string, unknown>, { field: string; expression: string }>();
  let expressions = 0;
  for (const { path, text } of stringsIn(stage)) {
    if (!hasExpression(text)) continue;
    expressions++;
    const field = renderPath(path);
    lintField({
      graph,
      stage,
      expression: text,
      read: (target) => {
        if (!reads.has(target)) reads.set(target, { field, expression: text });
      },
      report: (severity, rule, message) => add(severity, rule, field, message, text),
    });
  }
  for (const [target, where] of reads) {
    if (target === stage || graph.isAncestor(target, stage)) continue;
    const { name, refId } = stageRef(target);
    add('error', 'missing-dependency', where.field, `reads stage "${name}" (refId ${refId}) but does not depend on it through requisiteStageRefIds, so it may run before that stage finishes`, where.expression);
  }
  if (expressions > 0 && ownValue(stage, 'failOnFailedExpressions') !== true) {
    add('warning', 'fail-on-failed-expressions-off', 'failOnFailedExpressions', 'failOnFailedExpressions is off: an expression that fails leaves its text in place and the pipeline goes on with it; set "failOnFailedExpressions": true');
  }
  return findings;
}

function lintVariableKeys(stage: Record<string, unknown>, add: (severity: Severity, rule: LintRule, field: string, message: string) => void): void {
  const variables = ownValue(stage, 'variables');
  if (!Array.isArray(variables)) return;
  const seen = new Set<string>();
  variables.forEach((variable, index) => {
    if (!isRecord(variable)) return;
    const key = ownValue(variable, 'key');
    const field = renderPath(['variables', index, 'key']);
    if (typeof key !== 'string' || !VARIABLE_KEY_PATTERN.test(key)) {
      const fixed = typeof key === 'string' ? key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_') : '';
      add('error', 'bad-variable-key', field, `variable key ${JSON.stringify(key)} does not match ${VARIABLE_KEY_PATTERN.source}${fixed !== '' ? `; use ${fixed}` : ''}`);
      return;
    }
    if (seen.has(key)) add('warning', 'duplicate-variable-key', field, `variable ${key} is defined twice; the later one wins`);
    seen.add(key);
  });
}

function lintField(context: ExpressionContext): void {
  const parsed = parseTemplate(context.expression);
  if (!parsed.ok) {
    context.report('error', 'syntax', parsed.reason);
    return;
  }
  const embedded = !isWholeField(parsed.segments);
  for (const segment of parsed.segments) {
    if (segment.kind !== 'expression') continue;
    if (segment.body.length > MAX_EXPRESSION_LENGTH) {
      // Spring 5.3's parser refuses it (SpelParserConfiguration.DEFAULT_MAX_EXPRESSION_LENGTH, EL1079E).
      context.report(
        'error',
        'expression-too-long',
        `an expression of ${segment.body.length} characters: Orca refuses expressions longer than ${MAX_EXPRESSION_LENGTH} (unless its expression.max-expression-length says otherwise); split it over several variables`,
      );
      continue;
    }
    let tree: SpelTree;
    try {
      tree = parseSpel(segment.body);
    } catch (error) {
      if (error instanceof SpelTooDeepError) {
        context.report('warning', 'too-deep-to-check', `${error.message}; it is not checked`);
        continue;
      }
      if (error instanceof SpelSyntaxError) {
        context.report('error', 'syntax', error.message);
        continue;
      }
      throw error;
    }
    let kind: StaticKind;
    try {
      checkLiterals(tree, context);
      kind = analyse(tree, context);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      context.report('warning', 'too-deep-to-check', 'the expression is nested too deeply for ami-tagger to check; it is not checked');
      continue;
    }
    if (embedded && kind === 'structure') {
      context.report('error', 'structure-in-text', `\${${segment.body}} yields a map or list inside a longer text, which Orca cannot turn into text; wrap it in #toJson(...) or select a field`);
    }
  }
}

/** Text in quotes that Orca changes before Spring reads it (orca-preprocess.ts): `#stage('Bake #stage(x)')` looks for another name. */
function checkLiterals(tree: SpelTree, context: ExpressionContext): void {
  for (const node of walkSpel(tree)) {
    const hazard = node.type === 'string' && typeof node.literal === 'string' ? orcaRewriteHazard(node.literal) : undefined;
    if (hazard !== undefined) context.report('error', 'orca-rewrites-literal', `the text ${JSON.stringify(node.literal)} does not reach Spring as written: ${hazard}`);
  }
}

/** Walks one expression; reports what it finds and returns what the expression yields. */
function analyse(tree: SpelTree, context: ExpressionContext): StaticKind {
  switch (tree.type) {
    case 'compound':
      return analyseChain(tree.children, context);
    case 'function':
    case 'property':
    case 'indexer':
    case 'selection':
    case 'projection':
      return analyseChain([tree], context);
    case 'map':
      for (const entry of tree.entries ?? []) {
        if (typeof entry.key !== 'string') analyse(entry.key, context);
        analyse(entry.value, context);
      }
      return 'structure';
    case 'list':
      for (const child of tree.children) analyse(child, context);
      return 'structure';
    case 'string':
      return 'text';
    default:
      for (const child of tree.children) analyse(child, context);
      return 'unknown';
  }
}

const TEXT_FUNCTIONS = new Set(['toJson', 'toBase64', 'fromBase64', 'alphanumerical']);

function analyseChain(steps: readonly SpelTree[], context: ExpressionContext): StaticKind {
  let cursor: Cursor = { kind: 'unknown' };
  let kind: StaticKind = 'unknown';
  steps.forEach((step, index) => {
    const first = index === 0;
    switch (step.type) {
      case 'function': {
        step.children.forEach((arg) => analyse(arg, context));
        const name = step.name ?? '';
        if (first && (name === 'stage' || name === 'stageByRefId')) {
          cursor = { kind: 'stage', stage: resolveStage(step, context) };
          kind = 'structure';
        } else {
          cursor = { kind: 'unknown' };
          kind = TEXT_FUNCTIONS.has(name) ? 'text' : 'unknown';
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
          kind = 'structure';
        } else if (name === 'deploymentDetails') {
          cursor = { kind: 'details', bakes: bakesBehind(cursor, first, context), selected: false };
          kind = 'structure';
        } else {
          kind = cursor.kind === 'stage' && name === 'context' ? 'structure' : 'unknown';
          cursor = { kind: 'unknown' };
        }
        return;
      }
      case 'indexer': {
        const index = step.children[0];
        step.children.forEach((child) => analyse(child, context));
        if (cursor.kind === 'details' && index?.type === 'number') {
          if (!cursor.selected) checkIndexAccess(cursor.bakes, context);
          cursor = { kind: 'entry' };
          kind = 'structure';
        } else if (cursor.kind === 'entry' && index?.type === 'string' && typeof index.literal === 'string') {
          checkDetailsKey(index.literal, context);
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        } else if (cursor.kind === 'stage' && index?.literal === 'outputs') {
          cursor = { kind: 'outputs', stage: cursor.stage };
        } else if (index?.literal === 'deploymentDetails') {
          cursor = { kind: 'details', bakes: bakesBehind(cursor, first, context), selected: false };
          kind = 'structure';
        } else {
          cursor = { kind: 'unknown' };
          kind = 'unknown';
        }
        return;
      }
      case 'selection': {
        checkCriteria(step, cursor, context);
        if (cursor.kind === 'details') {
          cursor = step.selection === 'all' ? { ...cursor, selected: true } : { kind: 'entry' };
        } else {
          cursor = { kind: 'unknown' };
        }
        kind = 'structure';
        return;
      }
      case 'projection': {
        checkCriteria(step, cursor, context);
        cursor = { kind: 'unknown' };
        kind = 'structure';
        return;
      }
      case 'method': {
        step.children.forEach((arg) => analyse(arg, context));
        const argument = step.children[0];
        if (step.name === 'get' && argument?.type === 'string') {
          context.report('error', 'method-on-map', `.get(${JSON.stringify(argument.literal)}) is refused by Orca (no method calls on maps); write ['${String(argument.literal)}']`);
        }
        cursor = { kind: 'unknown' };
        kind = step.name === 'toString' ? 'text' : 'unknown';
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

/** In a selection or projection on deploymentDetails, bare names are keys of one entry. */
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

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
