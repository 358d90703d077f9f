/** Reading the CloudFormation template that `sls package` writes, with its shape checked. */
import { readFileSync } from 'node:fs';

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
}

/** An IAM statement with Action and Resource always as lists. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` inside `value`, or undefined when a step is missing. */
export function field(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

export function readTemplate(file: string): Template {
  return checkTemplate(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Checks the shape of a parsed template (JSON, or YAML in long-form intrinsic functions). */
export function checkTemplate(parsed: unknown, file: string): Template {
  const resources = field(parsed, 'Resources');
  const outputs = field(parsed, 'Outputs') ?? {};
  if (!isRecord(outputs)) throw new Error(`${file}: bad Outputs`);
  if (!isRecord(resources)) throw new Error(`${file}: no Resources`);
  const checked: Record<string, Resource> = {};
  for (const [logicalId, value] of Object.entries(resources)) {
    const type = field(value, 'Type');
    const properties = field(value, 'Properties') ?? {};
    if (typeof type !== 'string' || !isRecord(properties)) throw new Error(`${file}: resource ${logicalId} has no Type or bad Properties`);
    checked[logicalId] = { Type: type, Properties: properties };
  }
  return { Resources: checked, Outputs: outputs };
}

export function resourcesOfType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The one resource of `type`; throws when there are none or several. */
export function onlyResourceOfType(template: Template, type: string): Resource {
  const found = resourcesOfType(template, type);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][1];
}

export function resourceNamed(template: Template, logicalId: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}; the template has ${Object.keys(template.Resources).join(', ')}`);
  return found;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** The statements of every inline policy of an AWS::IAM::Role. */
export function roleStatements(role: Resource): PolicyStatement[] {
  const policies = asList(role.Properties.Policies ?? []);
  return policies.flatMap((policy) =>
    asList(field(policy, 'PolicyDocument', 'Statement')).map((statement): PolicyStatement => {
      const actions = asList(field(statement, 'Action'));
      if (!actions.every((action): action is string => typeof action === 'string')) throw new Error(`non-text action in ${JSON.stringify(statement)}`);
      const effect = field(statement, 'Effect');
      const sid = field(statement, 'Sid');
      return {
        ...(typeof sid === 'string' ? { Sid: sid } : {}),
        Effect: typeof effect === 'string' ? effect : '',
        Action: actions,
        Resource: asList(field(statement, 'Resource')),
        Condition: field(statement, 'Condition'),
      };
    }),
  );
}

/** Every statement of every role in the template. */
export function allRoleStatements(template: Template): PolicyStatement[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([, role]) => roleStatements(role));
}

/** `Fn::Sub` text, or the plain string. */
export function arnText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const sub = field(resource, 'Fn::Sub');
  if (typeof sub === 'string') return sub;
  return JSON.stringify(resource);
}
