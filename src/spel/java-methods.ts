import { boxed, canConvert, convertValue, isExactly, isInstance, isPrimitive, qualifiedName, typesOf } from './java-conversion';
import type { RegexBudget } from './bounded-regex';
import { collectionItems, fromData, isJavaCollection, JavaArray, javaTypeName } from './java-values';

/**
 * Java methods as Spring finds and calls them (ReflectiveMethodResolver, ReflectionHelper) behind
 * kork's FilteredMethodResolver: only methods whose return type kork allows are seen at all
 * (primitives and void, String, the boxed numbers, Boolean, the date and UUID types, collections
 * and maps, Orca's execution, stage and status); among those with the name and the number of
 * arguments, an exact match wins, then the closest match, then one that needs conversion (two of
 * those are ambiguous, EL1033E). Arguments are converted to the parameter types as Spring does.
 */

export interface InvokeContext {
  budget: RegexBudget;
}

export interface MethodSpec {
  name: string;
  /** Java parameter types; the last one ends in `...` for varargs. */
  params: string[];
  /** Java return type (simple name): kork hides the method unless it allows this type. */
  returns: string;
  static?: boolean;
  invoke(target: unknown, args: unknown[], context: InvokeContext): unknown;
}

/** A Java exception thrown by a method, with Java's class name (Spring lets it through). */
export class JavaException extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(`${javaClass}: ${message}`);
    this.name = javaClass;
  }
}

/** kork InstantiationTypeRestrictor: the types T(...) and `new` may name, which methods may also return. */
export const INSTANTIATION_ALLOWED = new Set(['String', 'Date', 'Integer', 'Long', 'Double', 'Byte', 'SimpleDateFormat', 'Math', 'Random', 'UUID', 'Boolean', 'LocalDate', 'LocalDateTime', 'DayOfWeek', 'Instant', 'ChronoUnit', 'URLEncoder', 'TemporalAdjusters']);

/** kork ExpressionsSupport.allowedReturnTypes and Orca PipelineExpressionEvaluator.extraAllowedReturnTypes. */
const RETURN_ALLOWED = new Set([
  'Collection',
  'Map',
  'SortedMap',
  'List',
  'Set',
  'SortedSet',
  'ArrayList',
  'LinkedList',
  'HashSet',
  'LinkedHashSet',
  'HashMap',
  'LinkedHashMap',
  'TreeMap',
  'TreeSet',
  'Artifact',
  'PipelineExecution',
  'StageExecution',
  'Trigger',
  'BuildInfo',
  'JenkinsArtifact',
  'JenkinsBuildInfo',
  'ConcourseBuildInfo',
  'SourceControl',
  'ExecutionStatus',
  'AuthenticationDetails',
  'PausedDetails',
  'NotEvaluableExpression',
]);

/** kork ReturnTypeRestrictor.supports. */
export function returnAllowed(type: string): boolean {
  const component = type.endsWith('[]') ? type.slice(0, -2) : type;
  return component === 'void' || isPrimitive(component) || INSTANTIATION_ALLOWED.has(component) || RETURN_ALLOWED.has(component);
}

type Match = 'exact' | 'close' | 'conversion';

function paramType(param: string): string {
  return param.endsWith('...') ? `${param.slice(0, -3)}[]` : param;
}

/** ReflectionHelper.compareArguments for one argument. */
function matchArgument(arg: unknown, param: string): Match | null {
  if (fromData(arg) === null) return isPrimitive(param) ? null : 'exact';
  if (isExactly(arg, param)) return 'exact';
  if (isInstance(arg, param)) return 'close';
  return canConvert(arg, param) ? 'conversion' : null;
}

function combine(match: Match | null, next: Match | null): Match | null {
  if (match === null || next === null) return null;
  if (match === 'conversion' || next === 'conversion') return 'conversion';
  if (match === 'close' || next === 'close') return 'close';
  return 'exact';
}

function compare(spec: MethodSpec, args: readonly unknown[]): Match | null {
  const varargs = spec.params[spec.params.length - 1]?.endsWith('...') === true;
  if (!varargs) {
    if (spec.params.length !== args.length) return null;
    return spec.params.reduce<Match | null>((match, param, index) => combine(match, matchArgument(args[index], param)), 'exact');
  }
  if (args.length < spec.params.length - 1) return null;
  let match: Match | null = 'exact';
  for (let index = 0; index < spec.params.length - 1; index++) match = combine(match, matchArgument(args[index], spec.params[index] ?? 'Object'));
  if (match === null) return null;
  const last = spec.params[spec.params.length - 1] ?? 'Object...';
  const element = last.slice(0, -3);
  const lastArg = args[args.length - 1];
  if (args.length === spec.params.length && lastArg instanceof JavaArray && isInstance(lastArg, paramType(last))) return match;
  for (let index = spec.params.length - 1; index < args.length; index++) {
    const arg = fromData(args[index]);
    const kind: Match | null = arg === null ? (isPrimitive(element) ? null : 'exact') : javaTypeName(arg) === boxed(element) && !isPrimitive(element) ? 'exact' : isInstance(arg, element) ? 'close' : canConvert(arg, element) ? 'conversion' : null;
    match = combine(match, kind);
  }
  return match;
}

/** The superclass chain of a value's class, for ReflectionHelper.getTypeDifferenceWeight. */
function superclasses(arg: unknown): string[] {
  const own = javaTypeName(arg);
  if (own === 'List') return ['ArrayList', 'AbstractList', 'AbstractCollection', 'Object'];
  if (own === 'Map') return ['LinkedHashMap', 'HashMap', 'AbstractMap', 'Object'];
  if (['Integer', 'Long', 'Double', 'Float', 'Short', 'Byte'].includes(own)) return [own, 'Number', 'Object'];
  return [own, 'Object'];
}

const INTERFACES = new Set(['CharSequence', 'Comparable', 'List', 'Collection', 'Iterable', 'Map', 'Set']);

function distance(spec: MethodSpec, args: readonly unknown[]): number {
  let result = 0;
  spec.params.forEach((param, index) => {
    const arg = fromData(args[index]);
    if (arg === null) return;
    const type = isPrimitive(param) ? 'Object' : paramType(param);
    for (const superclass of superclasses(arg)) {
      if (superclass === type) {
        result += 2;
        break;
      }
      if (typesOf(arg).includes(type) || type === 'Object') result += 2;
      else break;
    }
    if (INTERFACES.has(type)) result += 1;
  });
  return result;
}

export class MethodNotFoundError extends Error {
  override readonly name = 'MethodNotFoundError';
}

/** The method Spring would call, or why there is none. */
export function resolveMethod(methods: readonly MethodSpec[], name: string, args: readonly unknown[], typeName: string, isStatic = false): MethodSpec {
  const named = methods.filter((spec) => spec.name === name && (!isStatic || spec.static === true));
  const visible = named.filter((spec) => returnAllowed(spec.returns));
  const ordered = [...visible].sort((a, b) => a.params.length - b.params.length || Number(isVarargs(a)) - Number(isVarargs(b)));
  let close: MethodSpec | undefined;
  let closeDistance = Number.MAX_SAFE_INTEGER;
  let converting: MethodSpec | undefined;
  let ambiguous = false;
  for (const spec of ordered) {
    const match = compare(spec, args);
    if (match === 'exact') return spec;
    if (match === 'close') {
      const weight = distance(spec, args);
      if (close === undefined || weight < closeDistance) {
        close = spec;
        closeDistance = weight;
      }
    } else if (match === 'conversion') {
      if (converting !== undefined) ambiguous = true;
      converting = spec;
    }
  }
  if (close !== undefined) return close;
  if (converting !== undefined) {
    if (ambiguous) throw new MethodNotFoundError(`EL1033E: Method call of '${name}' is ambiguous, supported type conversions allow multiple variants to match`);
    return converting;
  }
  const argTypes = args.map((arg) => (fromData(arg) === null ? 'null' : qualifiedName(javaTypeName(arg)))).join(', ');
  const hidden = named.find((spec) => !returnAllowed(spec.returns));
  const why =
    hidden === undefined
      ? ''
      : hidden.returns === 'rejected'
        ? " (kork's FilteredMethodResolver refuses the methods of Object and Class, and equals and hashCode where a class inherits them from Object)"
        : ` (kork's FilteredMethodResolver hides the methods that return ${qualifiedName(hidden.returns)})`;
  throw new MethodNotFoundError(`EL1004E: Method call: Method ${name}(${argTypes}) cannot be found on type ${qualifiedName(typeName)}${why}`);
}

function isVarargs(spec: MethodSpec): boolean {
  return spec.params[spec.params.length - 1]?.endsWith('...') === true;
}

/** ReflectionHelper.convertAllArguments and setupArgumentsForVarargsInvocation. */
export function convertArguments(spec: MethodSpec, args: readonly unknown[]): unknown[] {
  if (!isVarargs(spec)) return spec.params.map((param, index) => convertValue(args[index], param));
  const fixed = spec.params.slice(0, -1).map((param, index) => convertValue(args[index], param));
  const last = spec.params[spec.params.length - 1] ?? 'Object...';
  const element = last.slice(0, -3);
  const rest = args.slice(spec.params.length - 1);
  if (rest.length === 1 && rest[0] instanceof JavaArray && isInstance(rest[0], paramType(last))) return [...fixed, rest[0]];
  // One argument for the varargs is converted to the array type (ReflectionHelper.convertArguments): a collection gives its elements.
  const single = rest.length === 1 ? fromData(rest[0]) : undefined;
  if (single !== undefined && isJavaCollection(single)) return [...fixed, new JavaArray(element, collectionItems(single).map((arg) => convertValue(arg, element)))];
  return [...fixed, new JavaArray(element, rest.map((arg) => convertValue(arg, element)))];
}

/** Calls the method Spring would pick; Java exceptions come through as JavaException. */
export function invokeMethod(methods: readonly MethodSpec[], name: string, target: unknown, args: readonly unknown[], typeName: string, context: InvokeContext, isStatic = false): unknown {
  const spec = resolveMethod(methods, name, args, typeName, isStatic);
  return spec.invoke(target, convertArguments(spec, args), context);
}

/** A zero-argument method read as a property by FilteredPropertyAccessor: getX, isX (boolean) or, in Spring 5.3, x. */
export function findGetter(methods: readonly MethodSpec[], property: string, isStatic = false): MethodSpec | undefined {
  const suffix = property.charAt(0).toUpperCase() + property.slice(1);
  const zeroArg = methods.filter((spec) => spec.params.length === 0 && (!isStatic || spec.static === true));
  return zeroArg.find((spec) => spec.name === `get${suffix}`) ?? zeroArg.find((spec) => spec.name === `is${suffix}` && (spec.returns === 'boolean' || spec.returns === 'Boolean')) ?? zeroArg.find((spec) => spec.name === property);
}

/** Shorthand for tables: a method with its signature. */
export function method(name: string, params: string[], returns: string, invoke: MethodSpec['invoke'], isStatic = false): MethodSpec {
  return { name, params, returns, invoke, ...(isStatic ? { static: true } : {}) };
}

/** Object's methods that kork leaves (equals, hashCode, toString) and those it refuses, for every table. */
export function objectMethods(hash: (target: unknown) => number, text: (target: unknown) => string, equals: (target: unknown, other: unknown) => boolean): MethodSpec[] {
  return [
    method('equals', ['Object'], 'boolean', (target, [other]) => equals(target, other)),
    method('hashCode', [], 'int', (target) => hash(target)),
    method('toString', [], 'String', (target) => text(target)),
    method('getClass', [], 'rejected', () => null),
    method('wait', [], 'rejected', () => null),
    method('notify', [], 'rejected', () => null),
    method('notifyAll', [], 'rejected', () => null),
  ];
}

/**
 * Object's methods for a class that does not override equals and hashCode (Random, arrays, a
 * map's values()): kork rejects the methods of Class, whose getMethods() lists Object's equals and
 * hashCode (Class overrides toString only), so these two are refused; toString stays.
 */
export function inheritedObjectMethods(text: (target: unknown) => string): MethodSpec[] {
  return [
    method('equals', ['Object'], 'rejected', () => null),
    method('hashCode', [], 'rejected', () => null),
    method('toString', [], 'String', (target) => text(target)),
    method('getClass', [], 'rejected', () => null),
  ];
}
