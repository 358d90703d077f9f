import { INT_MAX, INT_MIN, JavaNumber, JavaNumberFormatError, javaNumberToString, type NumberKind, parseJavaInteger, parseJavaReal } from './java-numbers';
import { collectionItems, fromData, isJavaCollection, isJavaMap, isOrcaObject, JavaArray, JavaChar, JavaClass, JavaCollection, JavaEnum, JavaObject, javaTypeName } from './java-values';

/**
 * Spring's type conversion as SpEL uses it (StandardTypeConverter over DefaultConversionService,
 * spring-core 5.3 convert/support): to turn a condition into a Boolean (`'yes'` is true, `'x'`
 * fails), an index into an Integer, a `${}` part into text (a list of plain values joined with
 * commas, a map refused), and the arguments of methods and helper functions into their parameter
 * types (`#toBase64(1)` passes "1"). Types are named as in Java: String, int, Integer, Object,
 * List, Object[], ...
 */

export class JavaConversionError extends Error {
  override readonly name = 'JavaConversionError';
}

const BOXED: Record<string, string> = { int: 'Integer', long: 'Long', double: 'Double', float: 'Float', short: 'Short', byte: 'Byte', boolean: 'Boolean', char: 'Character' };
const NUMBER_KIND: Record<string, NumberKind> = { Integer: 'int', Long: 'long', Double: 'double', Float: 'float', Short: 'short', Byte: 'byte' };

export function isPrimitive(type: string): boolean {
  return BOXED[type] !== undefined;
}

/** The wrapper of a primitive type; other types as they are. */
export function boxed(type: string): string {
  return BOXED[type] ?? type;
}

/** Java's qualified name of a type, for messages. */
export function qualifiedName(type: string): string {
  if (isPrimitive(type)) return type;
  if (type.endsWith('[]')) return `${qualifiedName(type.slice(0, -2))}[]`;
  if (['String', 'Integer', 'Long', 'Double', 'Float', 'Short', 'Byte', 'Boolean', 'Character', 'Object', 'CharSequence', 'Number', 'Iterable', 'Comparable'].includes(type)) return `java.lang.${type}`;
  if (['List', 'Map', 'Set', 'Collection', 'UUID', 'Date', 'Random', 'Locale'].includes(type)) return `java.util.${type}`;
  if (['LocalDate', 'LocalDateTime', 'Instant', 'DayOfWeek'].includes(type)) return `java.time.${type}`;
  return type;
}

/** The types a value is an instance of (its class, superclasses and interfaces), by simple name. */
export function typesOf(value: unknown): string[] {
  const v = fromData(value);
  const own = javaTypeName(v);
  if (v === null) return [];
  if (typeof v === 'string') return ['String', 'CharSequence', 'Comparable', 'Object'];
  if (typeof v === 'boolean') return ['Boolean', 'Comparable', 'Object'];
  if (v instanceof JavaNumber) return [own, 'Number', 'Comparable', 'Object'];
  if (v instanceof JavaChar) return ['Character', 'Comparable', 'Object'];
  if (Array.isArray(v)) return ['List', 'Collection', 'Iterable', 'Object'];
  if (v instanceof JavaCollection) return v.kind === 'Set' ? ['Set', 'Collection', 'Iterable', 'Object'] : ['Collection', 'Iterable', 'Object'];
  if (v instanceof JavaArray) return v.primitive ? [own, 'Object'] : [own, 'Object[]', 'Object'];
  if (v instanceof JavaEnum) return v.type === 'ExecutionStatus' ? [own, 'Enum', 'CharSequence', 'Comparable', 'Object'] : [own, 'Enum', 'Comparable', 'Object'];
  if (v instanceof JavaObject) {
    if (v.type === 'LocalDate') return [own, 'ChronoLocalDate', 'Temporal', 'TemporalAccessor', 'TemporalAdjuster', 'Comparable', 'Object'];
    if (v.type === 'LocalDateTime') return [own, 'ChronoLocalDateTime', 'Temporal', 'TemporalAccessor', 'TemporalAdjuster', 'Comparable', 'Object'];
    if (v.type === 'Instant') return [own, 'Temporal', 'TemporalAccessor', 'TemporalAdjuster', 'Comparable', 'Object'];
    return v.type === 'UUID' || v.type === 'Date' ? [own, 'Comparable', 'Object'] : [own, 'Object'];
  }
  if (isOrcaObject(v)) return [own, v.javaClass.replace(/Impl$/, ''), 'Object'];
  if (isJavaMap(v)) return ['Map', 'Object'];
  return [own, 'Object'];
}

/** ClassUtils.isAssignableValue(type, value): null fits any type but a primitive; a wrapper fits its primitive. */
export function isInstance(value: unknown, type: string): boolean {
  const v = fromData(value);
  if (v === null) return !isPrimitive(type);
  return typesOf(v).includes(boxed(type));
}

/** TypeDescriptor equality: the value's own class is the type. */
export function isExactly(value: unknown, type: string): boolean {
  const v = fromData(value);
  return v !== null && javaTypeName(v) === type;
}

function fail(value: unknown, type: string, cause?: string): never {
  const from = fromData(value) === null ? 'null' : qualifiedName(javaTypeName(value));
  throw new JavaConversionError(`EL1001E: Type conversion problem, cannot convert from ${from} to ${qualifiedName(type)}${cause !== undefined ? ` (${cause})` : ''}`);
}

/** Whether Spring has a converter from the value's type to `type` (the conversion itself may still fail). */
export function canConvert(value: unknown, type: string): boolean {
  const v = fromData(value);
  if (v === null || isInstance(v, type)) return true;
  const target = boxed(type);
  if (target === 'String') return textConvertible(v);
  if (target === 'Boolean') return typeof v === 'string' || isJavaCollection(v) || (v instanceof JavaArray && !v.primitive);
  if (NUMBER_KIND[target] !== undefined || target === 'Number') return typeof v === 'string' || v instanceof JavaNumber || v instanceof JavaChar || isJavaCollection(v);
  if (target === 'Character') return typeof v === 'string' || v instanceof JavaNumber || isJavaCollection(v);
  if (['List', 'Collection', 'Iterable', 'Set', 'Object[]', 'String[]'].includes(target)) return !isJavaMap(v) || target !== 'String[]';
  if (target === 'UUID' || target === 'Locale') return typeof v === 'string';
  return false;
}

/** Whether a value converts to text by a converter (used by `'a' + x` and the `${}` parts). */
function textConvertible(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v instanceof JavaNumber || v instanceof JavaChar || v instanceof JavaEnum) return true;
  if (v instanceof JavaCollection && v.elementType === 'Entry') return false;
  if (isJavaCollection(v)) return true;
  if (v instanceof JavaArray) return true;
  if (v instanceof JavaObject) return v.type === 'UUID' || v.type === 'Date' || v.type === 'Locale';
  return false;
}

/** Converts `value` to `type` as Spring's conversion service does; throws JavaConversionError. */
export function convertValue(value: unknown, type: string): unknown {
  const v = fromData(value);
  if (v === null) {
    if (isPrimitive(type)) fail(v, type, 'a null value cannot be assigned to a primitive type');
    return null;
  }
  if (isInstance(v, type)) return v;
  const target = boxed(type);
  if (target === 'String') return toText(v);
  if (isJavaCollection(v) && !['List', 'Collection', 'Iterable', 'Set', 'Object[]', 'String[]'].includes(target)) {
    // CollectionToObjectConverter: the first element, converted; an empty collection is null.
    const [first] = collectionItems(v);
    if (first === undefined) return isPrimitive(type) ? fail(null, type) : null;
    return convertValue(first, type);
  }
  if (target === 'Boolean') {
    if (typeof v !== 'string') fail(v, type);
    const text = v.trim().toLowerCase();
    if (text === '') return isPrimitive(type) ? fail(null, type) : null;
    if (['true', 'on', 'yes', '1'].includes(text)) return true;
    if (['false', 'off', 'no', '0'].includes(text)) return false;
    return fail(v, type, `Invalid boolean value '${v}'`);
  }
  const kind = NUMBER_KIND[target];
  if (kind !== undefined) {
    if (v instanceof JavaNumber) return convertNumber(v, kind);
    if (v instanceof JavaChar) return convertNumber(JavaNumber.short(v.code), kind);
    if (typeof v === 'string') {
      const text = v.replace(/\s/g, '');
      if (text === '') return isPrimitive(type) ? fail(null, type) : null;
      try {
        return parseNumber(text, kind);
      } catch (error) {
        return fail(v, type, error instanceof Error ? `${error.name}: ${error.message}` : undefined);
      }
    }
    return fail(v, type);
  }
  if (target === 'Character') {
    if (typeof v === 'string') {
      if (v === '') return isPrimitive(type) ? fail(null, type) : null;
      if (v.length > 1) fail(v, type, `Can only convert a [String] with length of 1 to a [Character]; string value '${v}'  has length of ${v.length}`);
      return new JavaChar(v.charCodeAt(0));
    }
    if (v instanceof JavaNumber) return new JavaChar(JavaNumber.short(v.toInt()).toInt() & 0xffff);
    return fail(v, type);
  }
  if (target === 'List' || target === 'Collection' || target === 'Iterable' || target === 'Set') {
    const items = v instanceof JavaArray ? v.items : typeof v === 'string' ? splitCommas(v) : [v];
    return target === 'Set' ? new JavaCollection('Set', dedupe(items)) : items;
  }
  if (target === 'Object[]' || target === 'String[]') {
    const items = isJavaCollection(v) ? collectionItems(v) : v instanceof JavaArray ? v.items : typeof v === 'string' ? splitCommas(v) : [v];
    return target === 'String[]' ? new JavaArray('String', items.map(toText)) : new JavaArray('Object', items);
  }
  if (target === 'UUID' && typeof v === 'string') {
    if (!/^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/.test(v.trim())) fail(v, type, `Invalid UUID string: ${v}`);
    return new JavaObject('UUID', v.trim().toLowerCase());
  }
  if (target === 'Locale' && typeof v === 'string') return new JavaObject('Locale', v);
  return fail(v, type);
}

function splitCommas(text: string): string[] {
  return text === '' ? [] : text.split(',').map((part) => part.trim());
}

function dedupe(items: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const item of items) if (!result.some((other) => other === item || (typeof other === typeof item && JSON.stringify(other) === JSON.stringify(item)))) result.push(item);
  return result;
}

/** NumberUtils.convertNumberToTargetClass: integer targets check their range; doubles are cut. */
export function convertNumber(number: JavaNumber, kind: NumberKind): JavaNumber {
  if (kind === 'double') return JavaNumber.double(number.toDouble());
  if (kind === 'float') return JavaNumber.float(number.toDouble());
  const value = number.toLong();
  const [min, max] = kind === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : kind === 'short' ? [-32768n, 32767n] : kind === 'byte' ? [-128n, 127n] : [-9223372036854775808n, 9223372036854775807n];
  if (number.isIntegral && (value < min || value > max)) {
    throw new JavaConversionError(`Could not convert number [${javaNumberToString(number)}] of type [${qualifiedName(javaTypeName(number))}] to target class [${qualifiedName(javaTypeName(JavaNumber.of(kind, 0)))}]: overflow`);
  }
  if (!number.isIntegral && kind !== 'long' && (value < min || value > max)) {
    throw new JavaConversionError(`Could not convert number [${javaNumberToString(number)}] of type [${qualifiedName(javaTypeName(number))}] to target class [${qualifiedName(javaTypeName(JavaNumber.of(kind, 0)))}]: overflow`);
  }
  return JavaNumber.of(kind, kind === 'long' ? value : Number(value));
}

/** NumberUtils.parseNumber: hex (0x, #) for integer types; Float.valueOf/Double.valueOf otherwise. */
function parseNumber(text: string, kind: NumberKind): JavaNumber {
  if (kind === 'double' || kind === 'float') return parseJavaReal(text, kind);
  const hex = /^([+-]?)(?:0[xX]|#)(.+)$/.exec(text);
  const parsed = hex !== null ? parseJavaInteger(`${hex[1] ?? ''}${hex[2] ?? ''}`, 'long', 16) : parseJavaInteger(text, 'long');
  const value = parsed.toLong();
  const [min, max] = kind === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : kind === 'short' ? [-32768n, 32767n] : kind === 'byte' ? [-128n, 127n] : [-9223372036854775808n, 9223372036854775807n];
  if (value < min || value > max) throw new JavaNumberFormatError(`Value out of range. Value:"${text}"`);
  return JavaNumber.of(kind, kind === 'long' ? value : Number(value));
}

/** A value converted to text as Spring converts it (ObjectToString, CollectionToString, ArrayToString, EnumToString, String(char[])). */
export function toText(value: unknown): string {
  const v = fromData(value);
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JavaNumber) return javaNumberToString(v);
  if (v instanceof JavaChar) return v.text;
  if (v instanceof JavaEnum) return v.name;
  // A collection whose element type Spring knows and cannot convert (entrySet's Map.Entry) has no converter.
  if (v instanceof JavaCollection && v.elementType === 'Entry') return fail(v, 'String');
  if (isJavaCollection(v)) return collectionItems(v).map((item) => (fromData(item) === null ? 'null' : toText(item))).join(',');
  if (v instanceof JavaArray) {
    // ArrayToStringConverter: Spring reads a primitive array as an Object[] of its boxed elements too.
    return v.items.map((item) => (fromData(item) === null ? 'null' : toText(item))).join(',');
  }
  if (v instanceof JavaObject && (v.type === 'UUID' || v.type === 'Locale')) return String(v.data);
  if (v instanceof JavaObject && v.type === 'Date' && typeof v.data === 'number') return javaDateToString(v.data);
  if (v instanceof JavaClass) return fail(v, 'String');
  return fail(v, 'String');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Date.toString() in UTC (Orca's containers run in UTC): `Fri Jan 02 00:00:00 UTC 2026`. */
export function javaDateToString(millis: number): string {
  const date = new Date(millis);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
