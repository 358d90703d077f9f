import { isRecord } from './json';
import { JavaNumber, javaNumberToString } from './java-numbers';

/**
 * The values a SpEL expression works with in Orca, as JavaScript values: what Jackson reads from
 * an execution's JSON (String, Boolean, Integer/Long/Double, ArrayList, LinkedHashMap) and what
 * expressions make (characters, arrays, Java's own maps and sets, classes, enums, dates, Orca's
 * stage and execution objects). Lists and maps read from JSON stay plain arrays and objects, and
 * their items are typed when they are read (fromData).
 */

/** java.lang.Character (what `'abc'.charAt(0)` returns). */
export class JavaChar {
  constructor(readonly code: number) {}
  get text(): string {
    return String.fromCharCode(this.code);
  }
}

/** A Java array: `split` gives String[], `toCharArray` char[], `getBytes` byte[]. */
export class JavaArray {
  constructor(
    readonly component: string,
    readonly items: unknown[],
  ) {}
  get primitive(): boolean {
    return PRIMITIVES.has(this.component);
  }
}

const PRIMITIVES = new Set(['int', 'long', 'double', 'float', 'short', 'byte', 'char', 'boolean']);

/** A map an expression made (an inline map, a selection of a map): keys of any type, Java's equality. */
export class JavaMap {
  readonly entries: Array<[unknown, unknown]> = [];
  constructor(readonly className: 'LinkedHashMap' | 'HashMap' = 'LinkedHashMap') {}
  get(key: unknown): unknown {
    return this.entries.find(([candidate]) => javaEquals(candidate, key))?.[1] ?? null;
  }
  has(key: unknown): boolean {
    return this.entries.some(([candidate]) => javaEquals(candidate, key));
  }
  set(key: unknown, value: unknown): void {
    const entry = this.entries.find(([candidate]) => javaEquals(candidate, key));
    if (entry !== undefined) entry[1] = value;
    else this.entries.push([key, value]);
  }
}

/** A Set or Collection view (keySet, values, entrySet). */
export class JavaCollection {
  constructor(
    readonly kind: 'Set' | 'Collection',
    readonly items: unknown[],
    /** The element type Spring reads from the class's generics, when it knows one (Map.Entry for entrySet). */
    readonly elementType?: 'Entry',
  ) {}
}

/** Map.Entry (an element of entrySet, #this in a selection over a map). */
export class JavaMapEntry {
  constructor(
    readonly key: unknown,
    readonly value: unknown,
  ) {}
}

/** java.lang.Class: what T(...) yields. */
export class JavaClass {
  constructor(readonly name: string) {}
  get simpleName(): string {
    return this.name.slice(this.name.lastIndexOf('.') + 1);
  }
}

/** A constant of an enum (DayOfWeek, ChronoUnit, Orca's ExecutionStatus). */
export class JavaEnum {
  constructor(
    readonly type: string,
    readonly name: string,
    readonly ordinal: number,
  ) {}
}

/** Other objects of the allowed types: UUID, LocalDate, LocalDateTime, Instant, Date, Random, SimpleDateFormat, TemporalAdjuster. */
export class JavaObject {
  constructor(
    readonly type: string,
    readonly data: unknown,
  ) {}
}

/** A registered function read as a variable (`#toJson` without parentheses): a java.lang.reflect.Method. */
export class JavaMethodValue {
  constructor(readonly name: string) {}
}

/** A map of any kind: read from JSON, made by the expression, or the root object. */
export type AnyMap = Record<string, unknown> | JavaMap | MapLike;

/** A map whose reads may look further than its own entries (Orca's StageContext). */
export interface MapLike {
  readonly mapLike: true;
  get(key: string): unknown;
  /** Its own keys only (StageContext.containsKey does not look at ancestors). */
  ownKeys(): string[];
  ownValue(key: string): unknown;
  set(key: string, value: unknown): void;
}

export function isMapLike(value: unknown): value is MapLike {
  return typeof value === 'object' && value !== null && 'mapLike' in value;
}

/** A plain JSON object read from the execution, or a Java map. */
export function isJavaMap(value: unknown): value is AnyMap {
  return value instanceof JavaMap || isMapLike(value) || (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) || (isRecord(value) && Object.getPrototypeOf(value) === null);
}

/** A List (a JSON array or a list the expression made). */
export function isJavaList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** Iterable in Java's sense: lists, sets and collections. */
export function isJavaCollection(value: unknown): value is unknown[] | JavaCollection {
  return Array.isArray(value) || value instanceof JavaCollection;
}

export function collectionItems(value: unknown[] | JavaCollection): unknown[] {
  return (Array.isArray(value) ? value : value.items).map(fromData);
}

/** A value read from JSON, typed as Jackson types it (numbers become Integer, Long or Double). */
export function fromData(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return JavaNumber.fromJson(value);
  return value;
}

export function mapGet(map: AnyMap, key: unknown): unknown {
  if (map instanceof JavaMap) return fromData(map.get(key));
  if (isMapLike(map)) return typeof key === 'string' ? fromData(map.get(key)) : null;
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(map, key)) return null;
  return fromData(map[key]);
}

export function mapHas(map: AnyMap, key: unknown): boolean {
  if (map instanceof JavaMap) return map.has(key);
  if (isMapLike(map)) return typeof key === 'string' && map.ownKeys().includes(key);
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(map, key);
}

export function mapEntries(map: AnyMap): Array<[unknown, unknown]> {
  if (map instanceof JavaMap) return map.entries.map(([key, value]) => [key, fromData(value)]);
  if (isMapLike(map)) return map.ownKeys().map((key) => [key, fromData(map.ownValue(key))]);
  return Object.keys(map).map((key) => [key, fromData(map[key])]);
}

export function mapSize(map: AnyMap): number {
  return map instanceof JavaMap ? map.entries.length : isMapLike(map) ? map.ownKeys().length : Object.keys(map).length;
}

/** Java's equals(). */
export function javaEquals(left: unknown, right: unknown): boolean {
  const a = fromData(left);
  const b = fromData(right);
  if (a === null || b === null) return a === b;
  if (a instanceof JavaNumber && b instanceof JavaNumber) return a.kind === b.kind && (a.kind === 'double' || a.kind === 'float' ? Object.is(a.toDouble(), b.toDouble()) || a.toDouble() === b.toDouble() : a.value === b.value);
  if (a instanceof JavaChar && b instanceof JavaChar) return a.code === b.code;
  if (a instanceof JavaEnum && b instanceof JavaEnum) return a.type === b.type && a.name === b.name;
  if (a instanceof JavaObject && b instanceof JavaObject) return a.type === b.type && a.type !== 'Random' && JSON.stringify(a.data) === JSON.stringify(b.data);
  if (a instanceof JavaClass && b instanceof JavaClass) return a.name === b.name;
  if (a instanceof JavaMapEntry && b instanceof JavaMapEntry) return javaEquals(a.key, b.key) && javaEquals(a.value, b.value);
  if (isJavaCollection(a) && isJavaCollection(b)) {
    const listA = Array.isArray(a) || a.kind !== 'Set';
    const listB = Array.isArray(b) || b.kind !== 'Set';
    const itemsA = collectionItems(a);
    const itemsB = collectionItems(b);
    if (listA && listB && Array.isArray(a) && Array.isArray(b)) return itemsA.length === itemsB.length && itemsA.every((item, index) => javaEquals(item, itemsB[index]));
    if (!listA && !listB) return itemsA.length === itemsB.length && itemsA.every((item) => itemsB.some((other) => javaEquals(item, other)));
    return false;
  }
  if (isJavaMap(a) && isJavaMap(b)) {
    const entriesA = mapEntries(a);
    return entriesA.length === mapSize(b) && entriesA.every(([key, value]) => mapHas(b, key) && javaEquals(value, mapGet(b, key)));
  }
  return a === b;
}

/** Java's hashCode() for the values that have a defined one. */
export function javaHashCode(value: unknown): number {
  const v = fromData(value);
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1231 : 1237;
  if (typeof v === 'string') {
    let hash = 0;
    for (let index = 0; index < v.length; index++) hash = (Math.imul(31, hash) + v.charCodeAt(index)) | 0;
    return hash;
  }
  if (v instanceof JavaChar) return v.code;
  if (v instanceof JavaNumber) {
    if (v.kind === 'long') return Number(BigInt.asIntN(32, v.toLong() ^ (BigInt.asUintN(64, v.toLong()) >> 32n)));
    if (v.kind === 'double') {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, Number.isNaN(v.toDouble()) ? Number.NaN : v.toDouble());
      return (view.getInt32(0) ^ view.getInt32(4)) | 0;
    }
    if (v.kind === 'float') {
      const view = new DataView(new ArrayBuffer(4));
      view.setFloat32(0, v.toDouble());
      return view.getInt32(0);
    }
    return v.toInt();
  }
  if (isJavaCollection(v)) {
    const items = collectionItems(v);
    if (v instanceof JavaCollection && v.kind === 'Set') return items.reduce<number>((sum, item) => (sum + javaHashCode(item)) | 0, 0);
    return items.reduce<number>((hash, item) => (Math.imul(31, hash) + javaHashCode(item)) | 0, 1);
  }
  if (isJavaMap(v)) return mapEntries(v).reduce<number>((sum, [key, item]) => (sum + (javaHashCode(key) ^ javaHashCode(item))) | 0, 0);
  if (v instanceof JavaEnum) return javaHashCode(`${v.type}.${v.name}`);
  return javaHashCode(javaToString(v));
}

/** The Java class of a value, as the differential test names it (List, Map and Set for collections). */
export function javaTypeName(value: unknown): string {
  const v = fromData(value);
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'string') return 'String';
  if (v instanceof JavaNumber) return { byte: 'Byte', short: 'Short', int: 'Integer', long: 'Long', float: 'Float', double: 'Double' }[v.kind];
  if (v instanceof JavaChar) return 'Character';
  if (Array.isArray(v)) return 'List';
  if (v instanceof JavaCollection) return v.kind;
  if (v instanceof JavaArray) return `${v.component}[]`;
  if (v instanceof JavaMapEntry) return 'Entry';
  if (v instanceof JavaClass) return 'Class';
  if (v instanceof JavaEnum) return v.type;
  if (v instanceof JavaObject) return v.type;
  if (v instanceof JavaMethodValue) return 'Method';
  if (isJavaMap(v)) return 'Map';
  if (typeof v === 'object' && 'javaClass' in v && typeof v.javaClass === 'string') return v.javaClass;
  return 'Object';
}

/** An object of Orca's model (a stage, the execution): it names its class and writes its JSON. */
export interface OrcaObjectLike {
  readonly javaClass: string;
  toJson(): unknown;
  toString(): string;
}

export function isOrcaObject(value: unknown): value is OrcaObjectLike {
  return typeof value === 'object' && value !== null && 'javaClass' in value && 'toJson' in value;
}

/** Object.toString() / String.valueOf(Object), as Java writes it. */
export function javaToString(value: unknown): string {
  const v = fromData(value);
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JavaNumber) return javaNumberToString(v);
  if (v instanceof JavaChar) return v.text;
  if (isJavaCollection(v)) return `[${collectionItems(v).map(javaToString).join(', ')}]`;
  if (v instanceof JavaArray) return `[${v.primitive ? v.component.charAt(0).toUpperCase() : `Ljava.lang.${v.component};`}@…`;
  if (v instanceof JavaMapEntry) return `${javaToString(v.key)}=${javaToString(v.value)}`;
  if (v instanceof JavaClass) return PRIMITIVES.has(v.name) ? v.name : `class ${v.name}`;
  if (v instanceof JavaEnum) return v.name;
  if (v instanceof JavaObject) return typeof v.data === 'string' ? v.data : `java.util.${v.type}@…`;
  if (v instanceof JavaMethodValue) return `public static ${v.name}(...)`;
  if (isJavaMap(v)) return `{${mapEntries(v).map(([key, item]) => `${javaToString(key)}=${javaToString(item)}`).join(', ')}}`;
  return String(v);
}

/** The value as plain JSON data (for reports and for the stage the preview shows). */
export function toPlain(value: unknown): unknown {
  const v = fromData(value);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof JavaNumber) return v.toJs();
  if (v instanceof JavaChar) return v.text;
  if (isJavaCollection(v)) return collectionItems(v).map(toPlain);
  if (v instanceof JavaArray) return v.component === 'char' ? v.items.map((item) => (item instanceof JavaChar ? item.text : '')).join('') : v.items.map(toPlain);
  if (v instanceof JavaMapEntry) return { [javaToString(v.key)]: toPlain(v.value) };
  if (isOrcaObject(v)) return v.toJson();
  if (isJavaMap(v)) return Object.fromEntries(mapEntries(v).map(([key, item]) => [javaToString(key), toPlain(item)]));
  return javaToString(v);
}
