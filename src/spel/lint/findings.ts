import type { PipelineGraph, StageRef } from '../pipeline-graph';

/** What lint reports: a finding names the stage, the field, the rule and the fix. */

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
  | 'refused-type'
  | 'unknown-function'
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

/** What one expression is checked against, and where its findings go. */
export interface ExpressionContext {
  graph: PipelineGraph;
  stage: Record<string, unknown>;
  expression: string;
  report: (severity: Severity, rule: LintRule, message: string) => void;
  /** Notes a stage the expression reads through #stage / #stageByRefId. */
  read: (stage: Record<string, unknown>) => void;
}

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
