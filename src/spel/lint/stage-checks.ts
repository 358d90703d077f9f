import { PLACEHOLDER_PREFIX } from '../consumers';
import { isRecord, ownValue, renderPath, stringField, stringsIn } from '../json';
import { VARIABLE_KEY_PATTERN } from '../keys';
import { MAX_EXPRESSION_LENGTH } from '../orca-evaluator';
import { orcaRewriteHazard } from '../orca-preprocess';
import { PipelineGraph, stageRef } from '../pipeline-graph';
import { parseSpel, SpelSyntaxError, SpelTooDeepError, type SpelTree, walkSpel } from '../spel-ast';
import { hasExpression, isWholeField, parseTemplate } from '../template';
import { analyse, NOT_TEXT, type StaticKind } from './chain-analysis';
import type { ExpressionContext, LintFinding, LintRule, Severity } from './findings';

/**
 * The checks of each stage: its variable keys, placeholders `ami-tagger spel` left, every field
 * that holds an expression (syntax, length, Orca's rewrite of quoted text, and the chain analysis
 * of chain-analysis.ts), the stages it reads without depending on them, failOnFailedExpressions.
 * Expressions are read with Spring's grammar (spel-parser.ts); only the `${...}` boundaries are
 * found by scanning text, because that is how Orca finds them too. Nothing is evaluated.
 */

export function lintPipeline(pipeline: unknown): LintFinding[] {
  const graph = PipelineGraph.of(pipeline);
  const findings: LintFinding[] = [];
  for (const stage of graph.stages) findings.push(...lintStage(graph, stage));
  return findings;
}

type Add = (severity: Severity, rule: LintRule, field: string, message: string, expression?: string) => void;

function lintStage(graph: PipelineGraph, stage: Record<string, unknown>): LintFinding[] {
  const findings: LintFinding[] = [];
  const ref = stageRef(stage);
  const add: Add = (severity, rule, field, message, expression) => {
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

function lintVariableKeys(stage: Record<string, unknown>, add: Add): void {
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

const IN_TEXT: Record<string, string> = {
  map: 'a map',
  'list-of-maps': 'a list holding maps',
  'orca-object': 'an Orca object (a stage or the execution)',
};

function lintField(context: ExpressionContext): void {
  const parsed = parseTemplate(context.expression);
  if (!parsed.ok) {
    context.report('error', 'syntax', parsed.reason);
    return;
  }
  const embedded = !isWholeField(parsed.segments);
  for (const segment of parsed.segments) {
    if (segment.kind !== 'expression') continue;
    if (segment.body.trim().length > MAX_EXPRESSION_LENGTH) {
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
      tree = parseSpel(segment.body.trim());
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
    if (embedded && NOT_TEXT.has(kind)) {
      context.report(
        'error',
        'structure-in-text',
        `\${${segment.body}} yields ${IN_TEXT[kind] ?? 'a structure'} inside a longer text, which Orca cannot turn into text (a list of plain values it joins with commas); wrap it in #toJson(...) or select a field`,
      );
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
