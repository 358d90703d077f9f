import { InputError } from '../errors';
import { DEPLOYMENT_DETAILS_KEYS, type DeploymentDetailsKey, isDeploymentDetailsKey, suggestDeploymentDetailsKey } from './deployment-details';
import { spelStringLiteral } from './escape';
import type { JsonObject } from './json';
import { assertDistinctKeys, type KeySource, variableKey } from './keys';
import { MAX_EXPRESSION_LENGTH } from './orca-evaluator';
import { includeExecutionParameter, orcaRewriteHazard } from './orca-preprocess';

/**
 * The Evaluate Variables stage that reads a bake's `deploymentDetails` (spinnaker-facts.md).
 * Images are always selected by region (`.^[region == '...']`), never by index: the list is
 * ordered by the child stages' refIds as strings, not by the regions of the bake.
 */

export type VariableMode = 'fields' | 'image' | 'payload';
export const VARIABLE_MODES: readonly VariableMode[] = ['fields', 'image', 'payload'];

/** How the generated expressions find the bake stage, and which refId the new stage waits for. */
export type BakeReference = { by: 'name'; name: string; refId?: string } | { by: 'refId'; refId: string };

export interface VariablesOptions {
  bake: BakeReference;
  /** Regions in the order the user listed them (checked and distinct); optional in payload mode. */
  regions: readonly string[];
  mode: VariableMode;
  /** fields mode: which deploymentDetails keys to carry. */
  fields: readonly DeploymentDetailsKey[];
  /** Already normalized (see keys.ts). */
  prefix: string;
  refId: string;
  name: string;
}

export interface GeneratedVariable {
  key: string;
  value: string;
  description: string;
}

/** Which variable holds what, so that a consumer can build its payload from the keys. */
export type VariablePlan =
  | { mode: 'fields'; images: Array<{ region: string; keys: Array<{ field: DeploymentDetailsKey; key: string }> }> }
  | { mode: 'image'; images: Array<{ region: string; key: string }> }
  | { mode: 'payload'; key: string };

export interface GeneratedVariables {
  stage: JsonObject;
  variables: GeneratedVariable[];
  plan: VariablePlan;
}

export const DEFAULT_VARIABLES_REF_ID = 'ami-tagger-images';
export const DEFAULT_VARIABLES_NAME = 'AMI facts for ami-tagger';
/** Key of the single variable of payload mode: the whole list, named apart from the bake's own `deploymentDetails` output. */
export const PAYLOAD_VARIABLE = 'bakedImages';

/** `--fields imageId,imageName` -> checked keys; an unknown one names the key that was likely meant. */
export function parseFieldList(text: string): DeploymentDetailsKey[] {
  const names = text.split(',').map((part) => part.trim());
  const fields: DeploymentDetailsKey[] = [];
  for (const name of names) {
    if (!isDeploymentDetailsKey(name)) {
      const suggestion = suggestDeploymentDetailsKey(name);
      throw new InputError(`${JSON.stringify(name)} is not a deploymentDetails key${suggestion ? `; did you mean ${suggestion}?` : ''}`, {
        where: '--fields',
        hint: `a bake's deploymentDetails entries have: ${DEPLOYMENT_DETAILS_KEYS.join(', ')} (case matters: imageId, not imageID)`,
      });
    }
    if (fields.includes(name)) throw new InputError(`field ${name} is listed twice`, { where: '--fields', hint: 'list each field once' });
    fields.push(name);
  }
  return fields;
}

/** `#stage('NAME')` or `#stageByRefId('ID')`, with the name escaped for a SpEL literal. */
export function bakeStageExpression(bake: BakeReference): string {
  return bake.by === 'name' ? `#stage(${spelStringLiteral(bake.name)})` : `#stageByRefId(${spelStringLiteral(bake.refId)})`;
}

function deploymentDetailsExpression(bake: BakeReference): string {
  return `${bakeStageExpression(bake)}.outputs.deploymentDetails`;
}

/** The first entry baked in `region`: `.^[region == 'us-east-1']`. */
function imageInRegion(bake: BakeReference, region: string): string {
  return `${deploymentDetailsExpression(bake)}.^[region == ${spelStringLiteral(region)}]`;
}

/** The flag that named the bake stage. */
export function bakeFlag(bake: BakeReference): string {
  return bake.by === 'name' ? '--bake-stage' : '--bake-ref-id';
}

/** Text that goes into a string literal of the generated SpEL must reach Spring as written: Orca rewrites some text before parsing (orca-preprocess.ts). */
export function assertLiteralSurvivesOrca(text: string, where: string, what: string): void {
  const hazard = orcaRewriteHazard(text);
  if (hazard !== undefined) {
    throw new InputError(`${what} ${JSON.stringify(text)} cannot be written into an expression Orca evaluates as written: ${hazard}`, {
      where,
      hint: where === '--bake-stage' ? 'rename the bake stage, or give it by refId (--bake-ref-id)' : 'use a value without that text',
    });
  }
}

/** Orca refuses an expression longer than MAX_EXPRESSION_LENGTH characters (Spring's parser limit), counted after Orca adds the execution to its calls. */
export function assertExpressionLength(body: string, where: string): void {
  const length = includeExecutionParameter(body).length;
  if (length > MAX_EXPRESSION_LENGTH) {
    throw new InputError(`a generated expression would be ${length} characters long as Orca parses it; Orca refuses expressions longer than ${MAX_EXPRESSION_LENGTH}`, {
      where,
      hint: where === '--bake-stage' ? 'use a shorter name, or give the bake stage by refId (--bake-ref-id)' : 'use fewer regions or fields',
    });
  }
}

function bakeLabel(bake: BakeReference): string {
  return bake.by === 'name' ? `the bake stage` : `bake stage ${bake.refId}`;
}

export function generateVariables(options: VariablesOptions): GeneratedVariables {
  if (options.name.trim() === '') throw new InputError('the stage name is empty', { where: '--name', hint: 'give the Evaluate Variables stage a name' });
  if (options.refId.trim() === '') throw new InputError('the stage refId is empty', { where: '--ref-id', hint: 'give the stage a refId unique in the pipeline' });
  if (options.mode !== 'payload' && options.regions.length === 0) {
    throw new InputError(`--mode ${options.mode} needs the regions of the bake`, { where: '--regions', hint: 'e.g. --regions us-east-1,eu-west-1' });
  }
  if (options.bake.by === 'name') assertLiteralSurvivesOrca(options.bake.name, '--bake-stage', 'the bake stage name');
  else assertLiteralSurvivesOrca(options.bake.refId, '--bake-ref-id', 'the bake stage refId');
  for (const region of options.regions) assertLiteralSurvivesOrca(region, '--regions', 'the region');
  const { variables, plan, sources } = planVariables(options);
  assertDistinctKeys(sources);
  const bakeLength = (options.bake.by === 'name' ? options.bake.name : options.bake.refId).length;
  const regionsLength = options.regions.reduce((sum, region) => sum + region.length, 0);
  // The longer input is the one to change.
  for (const variable of variables) assertExpressionLength(variable.value.slice(2, -1), bakeLength >= regionsLength ? bakeFlag(options.bake) : '--regions');
  const stage: JsonObject = {
    type: 'evaluateVariables',
    name: options.name,
    refId: options.refId,
    // By name without a refId the stage cannot be wired: the CLI warns, and lint reports it.
    requisiteStageRefIds: options.bake.refId === undefined ? [] : [options.bake.refId],
    failOnFailedExpressions: true,
    variables: variables.map((variable) => ({ key: variable.key, value: variable.value, description: variable.description })),
  };
  return { stage, variables, plan };
}

function planVariables(options: VariablesOptions): { variables: GeneratedVariable[]; plan: VariablePlan; sources: KeySource[] } {
  const variables: GeneratedVariable[] = [];
  const sources: KeySource[] = [];
  const add = (key: string, value: string, description: string, from: string): void => {
    variables.push({ key, value, description });
    sources.push({ key, from });
  };
  switch (options.mode) {
    case 'fields': {
      if (options.fields.length === 0) throw new InputError('no field chosen', { where: '--fields', hint: 'e.g. --fields imageId,imageName' });
      const images = options.regions.map((region) => ({
        region,
        keys: options.fields.map((field) => {
          const key = variableKey(options.prefix, [field, region]);
          add(key, `\${${imageInRegion(options.bake, region)}.${field}}`, `${field} of the image baked in ${region} by ${bakeLabel(options.bake)}`, `${field} in ${region}`);
          return { field, key };
        }),
      }));
      return { variables, plan: { mode: 'fields', images }, sources };
    }
    case 'image': {
      const images = options.regions.map((region) => {
        const key = variableKey(options.prefix, ['image', region]);
        add(key, `\${${imageInRegion(options.bake, region)}}`, `deploymentDetails entry of the image baked in ${region} by ${bakeLabel(options.bake)}`, `the image in ${region}`);
        return { region, key };
      });
      return { variables, plan: { mode: 'image', images }, sources };
    }
    case 'payload': {
      const key = variableKey(options.prefix, [PAYLOAD_VARIABLE]);
      const filter = options.regions.length === 0 ? '' : `.?[${options.regions.map((region) => `region == ${spelStringLiteral(region)}`).join(' or ')}]`;
      const scope = options.regions.length === 0 ? 'every image' : `the images in ${options.regions.join(', ')}`;
      add(key, `\${${deploymentDetailsExpression(options.bake)}${filter}}`, `deploymentDetails of ${scope} baked by ${bakeLabel(options.bake)}`, 'the deploymentDetails list');
      return { variables, plan: { mode: 'payload', key }, sources };
    }
  }
}
