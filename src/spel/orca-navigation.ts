import { convertValue, qualifiedName } from './java-conversion';
import { findGetter, type InvokeContext, returnAllowed } from './java-methods';
import { JavaNumber } from './java-numbers';
import { classNameOf, methodsOf } from './java-types';
import { collectionItems, fromData, isJavaCollection, isJavaMap, JavaArray, JavaClass, JavaMap, JavaMapEntry, javaToString, mapEntries, mapGet } from './java-values';
import { orcaMethods } from './orca-model';
import { SpelEvaluationError } from './orca-operators';
import type { SpelTree } from './spel-ast';

/**
 * The steps of a chain that move through a value, as Spring 5.3 takes them with kork's accessors:
 * reading a property (PropertyOrFieldReference: a map's key, MapPropertyAccessor; an object's
 * getter, FilteredPropertyAccessor), indexing (Indexer), selection and projection (Selection,
 * Projection), with their scopes: criteria see the element as `#this`, an index sees the root.
 */

/** What the steps need from the evaluation in progress. */
export interface Navigator {
  readonly root: unknown;
  readonly context: InvokeContext;
  current(): unknown;
  value(tree: SpelTree): unknown;
  /** Runs with `active` as the current object (and, for selection and projection, as the scope's root for method arguments). */
  within<T>(active: unknown, run: () => T, scopeRoot?: boolean): T;
}

function fail(message: string): never {
  throw new SpelEvaluationError(message);
}

function child(tree: SpelTree, index: number): SpelTree {
  const node = index < tree.children.length ? tree.children[index] : undefined;
  if (node === undefined) return fail(`${tree.type} has no operand ${index + 1}`);
  return node;
}

/** PropertyOrFieldReference with kork's accessors: MapPropertyAccessor, then FilteredPropertyAccessor. */
export function readProperty(nav: Navigator, target: unknown, name: string, nullSafe: boolean): unknown {
  const value = fromData(target);
  if (value === null) {
    if (nullSafe) return null;
    return fail(`EL1007E: Property or field '${name}' cannot be found on null`);
  }
  if (isJavaMap(value)) return mapGet(value, name);
  if (value instanceof JavaArray && name === 'length') return fromData(value.items.length);
  const getter = findGetter(methodsOf(value, orcaMethods), name, value instanceof JavaClass);
  const type = value instanceof JavaClass ? value.name : classNameOf(value);
  if (getter === undefined) return fail(`EL1021E: A problem occurred whilst attempting to access the property '${name}': 'requested getter ${name} not found on type class ${type}'`);
  if (!returnAllowed(getter.returns)) {
    // A getter is found by name, not through the method resolver: getClass() is refused here for what it returns.
    const returns = getter.name === 'getClass' ? 'java.lang.Class' : qualifiedName(getter.returns);
    return fail(`EL1021E: A problem occurred whilst attempting to access the property '${name}': 'found getter for requested ${name} but rejected due to return type class ${returns}'`);
  }
  return getter.invoke(value, [], nav.context);
}

/** Indexer: maps by key (a bare name is the key itself), lists, arrays and text by an int, other objects by property name. */
export function indexInto(nav: Navigator, tree: SpelTree): unknown {
  const target = fromData(nav.current());
  const indexTree = child(tree, 0);
  let key: unknown;
  if (isJavaMap(target) && indexTree.type === 'property') key = indexTree.name ?? '';
  else key = nav.within(nav.root, () => nav.value(indexTree));
  if (target === null) return fail('EL1012E: Cannot index into a null value');
  if (isJavaMap(target)) return mapGet(target, key);
  if (Array.isArray(target) || target instanceof JavaArray || isJavaCollection(target) || typeof target === 'string') {
    if (key === null) return fail('java.lang.IllegalStateException: No index');
    const converted = fromData(convertValue(key, 'Integer'));
    const position = converted instanceof JavaNumber ? converted.toInt() : fail(`java.lang.IllegalStateException: Null conversion result for index [${javaToString(key)}]`);
    if (typeof target === 'string') {
      if (position >= target.length) return fail(`EL1026E: The string has '${target.length}' characters, index '${position}' is invalid`);
      if (position < 0) return fail(`java.lang.StringIndexOutOfBoundsException: index ${position}, length ${target.length}`);
      return target.charAt(position);
    }
    const items = target instanceof JavaArray ? target.items : collectionItems(target);
    if (position >= items.length) return fail(target instanceof JavaArray ? `EL1024E: The array has '${items.length}' elements, index '${position}' is invalid` : `EL1025E: The collection has '${items.length}' elements, index '${position}' is invalid`);
    if (position < 0) return fail(`java.lang.${target instanceof JavaArray ? 'ArrayIndexOutOfBoundsException' : 'IndexOutOfBoundsException'}: Index ${position} out of bounds for length ${items.length}`);
    return items[position];
  }
  if (typeof key === 'string') return readProperty(nav, target, key, false);
  return fail(`EL1027E: Indexing into type '${classNameOf(target)}' is not supported`);
}

export function select(nav: Navigator, tree: SpelTree): unknown {
  const operand = fromData(nav.current());
  const criteria = child(tree, 0);
  const kind = tree.selection ?? 'all';
  const accept = (element: unknown): boolean => {
    const verdict = nav.within(element, () => nav.value(criteria), true);
    if (typeof verdict !== 'boolean') return fail('EL1016E: Result of selection criteria is not boolean');
    return verdict;
  };
  if (isJavaMap(operand)) {
    const result = new JavaMap('HashMap');
    let last: [unknown, unknown] | undefined;
    for (const [key, value] of mapEntries(operand)) {
      if (!accept(new JavaMapEntry(key, value))) continue;
      if (kind === 'first') {
        result.set(key, value);
        return result;
      }
      result.set(key, value);
      last = [key, value];
    }
    if (kind !== 'all' && result.entries.length === 0) return null;
    if (kind === 'last' && last !== undefined) {
      const only = new JavaMap('HashMap');
      only.set(last[0], last[1]);
      return only;
    }
    return result;
  }
  if (Array.isArray(operand) || isJavaCollection(operand) || operand instanceof JavaArray) {
    const items = operand instanceof JavaArray ? operand.items.map(fromData) : collectionItems(operand);
    const matched: unknown[] = [];
    for (const item of items) {
      if (!accept(item)) continue;
      if (kind === 'first') return item;
      matched.push(item);
    }
    if (kind === 'first') return null;
    if (kind === 'last') return matched.length === 0 ? null : matched[matched.length - 1];
    return operand instanceof JavaArray ? new JavaArray(operand.component, matched) : matched;
  }
  if (operand === null) {
    if (tree.nullSafe) return null;
    return fail("EL1015E: Cannot perform selection on input data of type 'null'");
  }
  return fail(`EL1015E: Cannot perform selection on input data of type '${classNameOf(operand)}'`);
}

export function project(nav: Navigator, tree: SpelTree): unknown {
  const operand = fromData(nav.current());
  const expression = child(tree, 0);
  if (isJavaMap(operand)) return mapEntries(operand).map(([key, value]) => nav.within(new JavaMapEntry(key, value), () => nav.value(expression), true));
  if (Array.isArray(operand) || isJavaCollection(operand) || operand instanceof JavaArray) {
    const items = operand instanceof JavaArray ? operand.items.map(fromData) : collectionItems(operand);
    const result = items.map((item) => nav.within(item, () => nav.value(expression), true));
    if (!(operand instanceof JavaArray)) return result;
    const types = new Set(result.filter((item) => item !== null).map((item) => classNameOf(item).replace(/^java\.lang\./, '')));
    return new JavaArray(types.size === 1 ? ([...types][0] ?? 'Object') : 'Object', result);
  }
  if (operand === null) {
    if (tree.nullSafe) return null;
    return fail("EL1019E: Projection is not supported on the type 'null'");
  }
  return fail(`EL1019E: Projection is not supported on the type '${classNameOf(operand)}'`);
}
