/**
 * Lint: the mistakes that make a pipeline read the wrong image or nothing at all, and what Orca
 * refuses, found without running it. The findings (findings.ts), the checks of each stage
 * (stage-checks.ts) and the analysis of each expression's chain of steps (chain-analysis.ts).
 */
export { hasErrors, type LintFinding, type LintRule, type Severity } from './findings';
export { lintPipeline } from './stage-checks';
