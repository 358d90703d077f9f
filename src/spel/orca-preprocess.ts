/**
 * What Orca does to a field's text before Spring parses it (Orca's PipelineExpressionEvaluator,
 * `includeExecutionParameter`): the helper functions that need the execution get it as their
 * first argument by a plain text replacement over the whole field, string literals included:
 *
 *     for each execution-aware function fn:
 *       if text contains "#fn" and not "#fn( #root.execution, ":
 *         text = text.replaceAll("#fn\\(", "#fn( #root.execution, ")
 *     for the alias "deployedServerGroups":
 *       if text contains it and not "#deployedServerGroups( #root.execution, ":
 *         text = text.replaceAll("deployedServerGroups", "#deployedServerGroups( #root.execution)")
 *
 * So a stage name such as `Bake #stage(x)` changes inside `#stage('Bake #stage(x)')` and no
 * stage is found; a name holding `#stage( #root.execution, ` stops the replacement for the whole
 * field, and every #stage call in it then fails for want of the execution.
 */

/** Orca's functions whose first parameter is the PipelineExecution (orca-core StageExpressionFunctionProvider, DeployedServerGroups..., ManifestLabelValue..., Artifact...; cfServiceKey with Cloud Foundry). Plugins may add more. */
export const EXECUTION_AWARE_FUNCTIONS = [
  'currentStage',
  'stageByRefId',
  'stage',
  'stageExists',
  'judgment',
  'judgement',
  'deployedServerGroups',
  'manifestLabelValue',
  'triggerResolvedArtifact',
  'triggerResolvedArtifactByType',
  'resolvedArtifacts',
  'cfServiceKey',
] as const;

/** PipelineExpressionEvaluator.EXECUTION_AWARE_ALIASES: variables Orca turns into calls. */
export const EXECUTION_AWARE_ALIASES = ['deployedServerGroups'] as const;

const EXECUTION_ARGUMENT = '( #root.execution, ';

function marker(name: string): string {
  return `#${name}${EXECUTION_ARGUMENT}`;
}

/** The field's text as Orca hands it to Spring. */
export function includeExecutionParameter(text: string): string {
  let result = text;
  for (const fn of EXECUTION_AWARE_FUNCTIONS) {
    if (result.includes(`#${fn}`) && !result.includes(marker(fn))) result = result.replaceAll(`#${fn}(`, marker(fn));
  }
  for (const alias of EXECUTION_AWARE_ALIASES) {
    if (result.includes(alias) && !result.includes(marker(alias))) result = result.replaceAll(alias, `#${alias}( #root.execution)`);
  }
  return result;
}

/**
 * Why Orca would change `text` if it stood inside a string literal of an expression, or stop
 * adding the execution to the calls around it; undefined when it is safe.
 */
export function orcaRewriteHazard(text: string): string | undefined {
  for (const name of [...EXECUTION_AWARE_FUNCTIONS, ...EXECUTION_AWARE_ALIASES]) {
    if (text.includes(marker(name))) return `it holds "${marker(name).trimEnd()}", which stops Orca from passing the execution to every #${name} call of the field`;
  }
  for (const fn of EXECUTION_AWARE_FUNCTIONS) {
    if (text.includes(`#${fn}(`)) return `it holds "#${fn}(", which Orca rewrites to "${marker(fn).trimEnd()}" wherever it stands, inside quotes too`;
  }
  for (const alias of EXECUTION_AWARE_ALIASES) {
    if (text.includes(alias)) return `it holds "${alias}", which Orca rewrites to "#${alias}( #root.execution)" wherever it stands, inside quotes too`;
  }
  return undefined;
}
