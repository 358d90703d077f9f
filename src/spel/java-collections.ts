import { inheritedObjectMethods, JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber } from './java-numbers';
import {
  type AnyMap,
  collectionItems,
  fromData,
  isJavaCollection,
  isJavaMap,
  JavaArray,
  JavaCollection,
  JavaMapEntry,
  javaEquals,
  javaHashCode,
  javaToString,
  mapEntries,
  mapHas,
  mapSize,
} from './java-values';

/**
 * The methods of Java's lists (ArrayList, what Jackson reads), maps (LinkedHashMap; Orca's
 * StageContext is a HashMap), the views keySet/values/entrySet, map entries and arrays, as kork
 * leaves them: those returning a primitive, a collection or a map. `get` returns Object, which
 * kork refuses (write `list[0]`, `map['key']`); so do getKey and getValue of an entry, iterator,
 * stream and toArray. Methods that change the collection are refused by the preview (Orca would
 * change its copy of the context); they are listed so that the message says so.
 */

function items(target: unknown): unknown[] {
  return isJavaCollection(target) ? collectionItems(target) : target instanceof JavaArray ? target.items.map(fromData) : [];
}

function int(value: unknown): number {
  return value instanceof JavaNumber ? value.toInt() : 0;
}

function changes(name: string, what: string): MethodSpec['invoke'] {
  return () => {
    throw new JavaException('UnsupportedOperation', `the preview does not run ${name}(), which changes the ${what}; Orca would change its copy of the context`);
  };
}

const MUTATING_COLLECTION: MethodSpec[] = [
  method('add', ['Object'], 'boolean', changes('add', 'list')),
  method('add', ['int', 'Object'], 'void', changes('add', 'list')),
  method('addAll', ['Collection'], 'boolean', changes('addAll', 'list')),
  method('addAll', ['int', 'Collection'], 'boolean', changes('addAll', 'list')),
  method('remove', ['Object'], 'boolean', changes('remove', 'list')),
  method('removeAll', ['Collection'], 'boolean', changes('removeAll', 'list')),
  method('retainAll', ['Collection'], 'boolean', changes('retainAll', 'list')),
  method('clear', [], 'void', changes('clear', 'list')),
];

const COLLECTION_COMMON: MethodSpec[] = [
  method('size', [], 'int', (target) => items(target).length),
  method('isEmpty', [], 'boolean', (target) => items(target).length === 0),
  method('contains', ['Object'], 'boolean', (target, [item]) => items(target).some((candidate) => javaEquals(candidate, item))),
  method('containsAll', ['Collection'], 'boolean', (target, [other]) => items(other).every((item) => items(target).some((candidate) => javaEquals(candidate, item)))),
  method('iterator', [], 'Iterator', () => null),
  method('stream', [], 'Stream', () => null),
  method('parallelStream', [], 'Stream', () => null),
  method('spliterator', [], 'Spliterator', () => null),
  method('toArray', [], 'Object[]', () => null),
  method('toArray', ['Object[]'], 'Object[]', () => null),
  ...MUTATING_COLLECTION,
];

export const LIST_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  ...COLLECTION_COMMON,
  method('get', ['int'], 'Object', () => null),
  method('set', ['int', 'Object'], 'Object', () => null),
  method('remove', ['int'], 'Object', () => null),
  method('clone', [], 'Object', () => null),
  method('listIterator', [], 'ListIterator', () => null),
  method('indexOf', ['Object'], 'int', (target, [item]) => items(target).findIndex((candidate) => javaEquals(candidate, item))),
  method('lastIndexOf', ['Object'], 'int', (target, [item]) => {
    const list = items(target);
    for (let index = list.length - 1; index >= 0; index--) if (javaEquals(list[index], item)) return index;
    return -1;
  }),
  method('subList', ['int', 'int'], 'List', (target, [from, to]) => {
    const list = items(target);
    if (int(from) < 0) throw new JavaException('java.lang.IndexOutOfBoundsException', `fromIndex = ${int(from)}`);
    if (int(to) > list.length) throw new JavaException('java.lang.IndexOutOfBoundsException', `toIndex = ${int(to)}`);
    if (int(from) > int(to)) throw new JavaException('java.lang.IllegalArgumentException', `fromIndex(${int(from)}) > toIndex(${int(to)})`);
    return list.slice(int(from), int(to));
  }),
  method('sort', ['Comparator'], 'void', changes('sort', 'list')),
];

/** keySet() and entrySet(): a Set compares as a set. */
export const SET_VIEW_METHODS: MethodSpec[] = [...objectMethods(javaHashCode, javaToString, javaEquals), ...COLLECTION_COMMON];

/** values(): a plain Collection, which inherits equals and hashCode from Object. */
export const COLLECTION_VIEW_METHODS: MethodSpec[] = [...inheritedObjectMethods(javaToString), ...COLLECTION_COMMON];

function asMap(target: unknown): AnyMap {
  return isJavaMap(target) ? target : {};
}

export const MAP_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  method('size', [], 'int', (target) => mapSize(asMap(target))),
  method('isEmpty', [], 'boolean', (target) => mapSize(asMap(target)) === 0),
  method('containsKey', ['Object'], 'boolean', (target, [key]) => mapHas(asMap(target), fromData(key))),
  method('containsValue', ['Object'], 'boolean', (target, [value]) => mapEntries(asMap(target)).some(([, candidate]) => javaEquals(candidate, value))),
  method('keySet', [], 'Set', (target) => new JavaCollection('Set', mapEntries(asMap(target)).map(([key]) => key))),
  method('values', [], 'Collection', (target) => new JavaCollection('Collection', mapEntries(asMap(target)).map(([, value]) => value))),
  method('entrySet', [], 'Set', (target) => new JavaCollection('Set', mapEntries(asMap(target)).map(([key, value]) => new JavaMapEntry(key, value)), 'Entry')),
  method('get', ['Object'], 'Object', () => null),
  method('getOrDefault', ['Object', 'Object'], 'Object', () => null),
  method('put', ['Object', 'Object'], 'Object', () => null),
  method('putIfAbsent', ['Object', 'Object'], 'Object', () => null),
  method('remove', ['Object'], 'Object', () => null),
  method('replace', ['Object', 'Object'], 'Object', () => null),
  method('clone', [], 'Object', () => null),
  method('putAll', ['Map'], 'void', changes('putAll', 'map')),
  method('remove', ['Object', 'Object'], 'boolean', changes('remove', 'map')),
  method('replace', ['Object', 'Object', 'Object'], 'boolean', changes('replace', 'map')),
  method('clear', [], 'void', changes('clear', 'map')),
];

export const ENTRY_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  method('getKey', [], 'Object', () => null),
  method('getValue', [], 'Object', () => null),
  method('setValue', ['Object'], 'Object', () => null),
];

/** An array has Object's methods (toString only, see inheritedObjectMethods) and clone, which returns Object. */
export const ARRAY_METHODS: MethodSpec[] = [...inheritedObjectMethods(javaToString), method('clone', [], 'Object', () => null)];
