/**
 * Checks a CloudFormation template against CloudFormation's resource specification, offline:
 * every resource type exists, every property (nested ones included) is one the type has, required
 * properties are there, values have the right shape, and every Ref, Fn::GetAtt and ${...} in
 * Fn::Sub names something that exists (a resource and one of its attributes, a parameter, a
 * pseudo parameter).
 *
 * The specification is @aws-cdk/aws-service-spec, the database the AWS CDK generates its L1
 * constructs from, kept current with CloudFormation's registry schemas. (@aws-cdk/cfnspec, its
 * predecessor, stopped at specification 117.0.0 in 2023 and does not know properties osls emits
 * today, such as AWS::Lambda::Permission InvokedViaFunctionUrl.)
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource as SpecResource, SpecDatabase } from '@aws-cdk/service-spec-types';
import { isRecord } from './cloudformation';

let database: SpecDatabase | undefined;
function spec(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

/** The specification of one resource type, or undefined when CloudFormation has no such type. */
export function specOf(type: string): SpecResource | undefined {
  const found = spec().lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}

const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** `{ Ref: ... }` or `{ 'Fn::...': ... }`: a value CloudFormation computes, whose shape cannot be checked here. */
function isIntrinsic(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::') || keys[0] === 'Condition');
}

class Checker {
  readonly problems: string[] = [];
  private readonly resources: Record<string, unknown>;
  private readonly parameters: Set<string>;

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly file: string,
  ) {
    this.resources = isRecord(template.Resources) ? template.Resources : {};
    this.parameters = new Set(isRecord(template.Parameters) ? Object.keys(template.Parameters) : []);
  }

  run(): string[] {
    for (const [logicalId, resource] of Object.entries(this.resources)) this.checkResource(logicalId, resource);
    this.checkReferences(this.template, this.file);
    return this.problems;
  }

  private problem(where: string, text: string): void {
    this.problems.push(`${this.file}: ${where}: ${text}`);
  }

  private checkResource(logicalId: string, resource: unknown): void {
    const type = isRecord(resource) ? resource.Type : undefined;
    if (typeof type !== 'string') return this.problem(logicalId, 'no Type');
    const resourceSpec = specOf(type);
    if (!resourceSpec) return this.problem(logicalId, `${type} is not a CloudFormation resource type`);
    const properties = isRecord(resource) ? (resource.Properties ?? {}) : {};
    this.checkObject(`${logicalId} (${type})`, properties, resourceSpec.properties);
  }

  private checkObject(where: string, value: unknown, properties: Record<string, Property>): void {
    if (isIntrinsic(value)) return;
    if (!isRecord(value)) return this.problem(where, `expected an object, found ${JSON.stringify(value)}`);
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in value)) this.problem(where, `required property ${name} is missing`);
    }
    for (const [name, item] of Object.entries(value)) {
      const property = properties[name];
      if (!property) {
        this.problem(where, `unknown property ${name} (known: ${Object.keys(properties).sort().join(', ')})`);
        continue;
      }
      this.checkValue(`${where}.${name}`, item, [property.type, ...(property.previousTypes ?? [])]);
    }
  }

  /** The value fits one of `types` (a property's current type, or one it had before). */
  private checkValue(where: string, value: unknown, types: PropertyType[]): void {
    if (isIntrinsic(value)) return;
    const attempts = types.map((type) => {
      const nested = new Checker(this.template, this.file);
      nested.checkAgainst(where, value, type);
      return nested.problems;
    });
    if (attempts.some((problems) => problems.length === 0)) return;
    this.problems.push(...(attempts[0] ?? []));
  }

  private checkAgainst(where: string, value: unknown, type: PropertyType): void {
    switch (type.type) {
      case 'string':
      case 'date-time':
        if (!['string', 'number', 'boolean'].includes(typeof value)) this.problem(where, `expected text, found ${JSON.stringify(value)}`);
        return;
      case 'number':
      case 'integer':
        if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) this.problem(where, `expected a number, found ${JSON.stringify(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') this.problem(where, `expected true or false, found ${JSON.stringify(value)}`);
        return;
      case 'json':
      case 'null':
        return;
      case 'tag':
        return this.checkObject(where, value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } });
      case 'array':
        if (!Array.isArray(value)) return this.problem(where, `expected a list, found ${JSON.stringify(value)}`);
        value.forEach((item, index) => this.checkValue(`${where}[${index}]`, item, [type.element]));
        return;
      case 'map':
        if (!isRecord(value)) return this.problem(where, `expected a map, found ${JSON.stringify(value)}`);
        for (const [key, item] of Object.entries(value)) this.checkValue(`${where}.${key}`, item, [type.element]);
        return;
      case 'union':
        return this.checkValue(where, value, type.types);
      case 'ref':
        return this.checkObject(where, value, spec().get('typeDefinition', type.reference).properties);
    }
  }

  /** Every Ref, Fn::GetAtt and Fn::Sub variable in the template names something that exists. */
  private checkReferences(value: unknown, where: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.checkReferences(item, `${where}[${index}]`));
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' && typeof item === 'string') this.checkName(where, item);
      else if (key === 'Fn::GetAtt') this.checkGetAtt(where, item);
      else if (key === 'Fn::Sub') this.checkSub(where, item);
      this.checkReferences(item, `${where}.${key}`);
    }
  }

  private checkName(where: string, name: string, locals: ReadonlySet<string> = new Set()): void {
    if (PSEUDO_PARAMETERS.has(name) || this.parameters.has(name) || name in this.resources || locals.has(name)) return;
    this.problem(where, `${name} is neither a resource, a parameter nor a pseudo parameter`);
  }

  private checkGetAtt(where: string, argument: unknown): void {
    const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : Array.isArray(argument) ? argument : [];
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') return this.problem(where, `Fn::GetAtt ${JSON.stringify(argument)} is malformed`);
    const resource = this.resources[logicalId];
    const type = isRecord(resource) ? resource.Type : undefined;
    if (typeof type !== 'string') return this.problem(where, `Fn::GetAtt names ${logicalId}, which is not a resource of this template`);
    const attributes = specOf(type)?.attributes ?? {};
    if (!(attribute in attributes)) this.problem(where, `${type} has no attribute ${attribute} (it has ${Object.keys(attributes).sort().join(', ')})`);
  }

  private checkSub(where: string, argument: unknown): void {
    const [text, variables] = typeof argument === 'string' ? [argument, {}] : Array.isArray(argument) ? argument : [];
    if (typeof text !== 'string') return this.problem(where, `Fn::Sub ${JSON.stringify(argument)} is malformed`);
    const locals = new Set(isRecord(variables) ? Object.keys(variables) : []);
    for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const name = match[1] ?? '';
      if (name.includes('.') && !locals.has(name)) this.checkGetAtt(where, name);
      else this.checkName(where, name, locals);
    }
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** What is wrong with the template by CloudFormation's specification: nothing, when the list is empty. */
export function specificationProblems(template: unknown, file: string): string[] {
  if (!isRecord(template)) return [`${file}: not a template`];
  return new Checker(template, file).run();
}
