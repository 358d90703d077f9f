import { JavaNumber, javaRealToString } from './java-numbers';
import { collectionItems, fromData, isJavaCollection, isJavaMap, isOrcaObject, JavaArray, JavaChar, JavaClass, JavaEnum, JavaMapEntry, JavaMethodValue, JavaObject, javaToString, mapEntries } from './java-values';

/**
 * JSON as Jackson's default ObjectMapper writes and reads it: kork's `#toJson` writes with
 * `new ObjectMapper()` (nulls kept, `2.0` stays `2.0`, NaN and Infinity as strings), Orca's
 * `#readJson` reads with it (Integer, Long or Double by how the number is written).
 */

export class JacksonError extends Error {
  override readonly name = 'JacksonError';
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function jsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += ESCAPES[char] ?? (code < 0x20 ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char);
  }
  return `${out}"`;
}

const DESCRIPTORS: Record<string, string> = { int: 'I', long: 'J', double: 'D', float: 'F', short: 'S', byte: 'B', char: 'C', boolean: 'Z' };

/** Class.getName(), which Jackson writes for a class: `[Ljava.lang.String;` for an array. */
function classGetName(name: string): string {
  if (!name.endsWith('[]')) return name;
  let component = name;
  let depth = 0;
  while (component.endsWith('[]')) {
    component = component.slice(0, -2);
    depth++;
  }
  return '['.repeat(depth) + (DESCRIPTORS[component] ?? `L${component};`);
}

/** ObjectMapper.writeValueAsString(value); throws JacksonError where Jackson fails. */
export function jacksonJson(value: unknown, depth = 0): string {
  if (depth > 200) throw new JacksonError('Infinite recursion (StackOverflowError)');
  const v = fromData(value);
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof JavaNumber) {
    if (v.isIntegral) return String(v.value);
    const number = v.toDouble();
    return Number.isFinite(number) ? javaRealToString(number, v.kind === 'float' ? 'float' : 'double') : `"${javaRealToString(number, 'double')}"`;
  }
  if (v instanceof JavaChar) return jsonString(v.text);
  if (isJavaCollection(v)) return `[${collectionItems(v).map((item) => jacksonJson(item, depth + 1)).join(',')}]`;
  if (v instanceof JavaArray) {
    if (v.component === 'char') return jsonString(v.items.map((item) => (item instanceof JavaChar ? item.text : '')).join(''));
    if (v.component === 'byte') return jsonString(Buffer.from(v.items.map((item) => (item instanceof JavaNumber ? item.toInt() & 0xff : 0))).toString('base64'));
    return `[${v.items.map((item) => jacksonJson(item, depth + 1)).join(',')}]`;
  }
  if (v instanceof JavaMapEntry) return `{${jsonString(javaToString(v.key))}:${jacksonJson(v.value, depth + 1)}}`;
  if (v instanceof JavaClass) return jsonString(classGetName(v.name));
  if (v instanceof JavaEnum) return jsonString(v.name);
  if (v instanceof JavaMethodValue) throw new JacksonError('No serializer found for class java.lang.reflect.Method');
  if (v instanceof JavaObject) {
    if (v.type === 'UUID') return jsonString(String(v.data));
    if (v.type === 'Date' && typeof v.data === 'number') return String(v.data);
    if (v.type === 'LocalDate' || v.type === 'LocalDateTime' || v.type === 'Instant') {
      throw new JacksonError(`Java 8 date/time type \`java.time.${v.type}\` not supported by default: add Module "com.fasterxml.jackson.datatype:jackson-datatype-jsr310" to enable handling`);
    }
    throw new JacksonError(`No serializer found for class java.util.${v.type} and no properties discovered to create BeanSerializer`);
  }
  if (isOrcaObject(v)) return JSON.stringify(v.toJson());
  if (isJavaMap(v)) {
    return `{${mapEntries(v)
      .map(([key, item]) => {
        if (key === null) throw new JacksonError('Null key for a Map not allowed in JSON (use a converting NullKeySerializer?)');
        return `${jsonString(javaToString(key))}:${jacksonJson(item, depth + 1)}`;
      })
      .join(',')}}`;
  }
  throw new JacksonError(`No serializer found for ${typeof v}`);
}

/**
 * ObjectMapper.readValue(text, List.class or Map.class): numbers typed as Jackson types them
 * (Integer, Long, or Double when written with a fraction or an exponent). Like Jackson, text
 * after the first value is not read.
 */
export function parseJacksonJson(text: string, expect: 'list' | 'map'): unknown {
  let position = 0;
  const fail = (message: string): never => {
    throw new JacksonError(`${message} at character ${position}`);
  };
  const skip = (): void => {
    while (position < text.length && ' \t\n\r'.includes(text.charAt(position))) position++;
  };
  const value = (depth: number): unknown => {
    if (depth > 1000) fail('Document nesting depth exceeds the maximum allowed');
    skip();
    const char = text.charAt(position);
    if (char === '{') {
      position++;
      const object: Record<string, unknown> = {};
      skip();
      if (text.charAt(position) === '}') {
        position++;
        return object;
      }
      for (;;) {
        skip();
        if (text.charAt(position) !== '"') fail("Unexpected character: was expecting double-quote to start field name");
        const key = string();
        skip();
        if (text.charAt(position) !== ':') fail("Unexpected character: was expecting a colon to separate field name and value");
        position++;
        Object.defineProperty(object, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        skip();
        const next = text.charAt(position++);
        if (next === '}') return object;
        if (next !== ',') fail("Unexpected character: was expecting comma to separate Object entries");
      }
    }
    if (char === '[') {
      position++;
      const list: unknown[] = [];
      skip();
      if (text.charAt(position) === ']') {
        position++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        skip();
        const next = text.charAt(position++);
        if (next === ']') return list;
        if (next !== ',') fail("Unexpected character: was expecting comma to separate Array entries");
      }
    }
    if (char === '"') return string();
    const literal = /^(?:true|false|null)/.exec(text.slice(position));
    if (literal !== null) {
      position += literal[0].length;
      return literal[0] === 'null' ? null : literal[0] === 'true';
    }
    const number = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(position));
    if (number === null) return fail(char === '' ? 'No content to map due to end-of-input' : `Unrecognized token '${char}'`);
    position += number[0].length;
    if (number[1] !== undefined || number[2] !== undefined) return JavaNumber.double(Number(number[0]));
    const integer = BigInt(number[0]);
    if (integer >= -2147483648n && integer <= 2147483647n) return JavaNumber.int(Number(integer));
    if (integer >= -9223372036854775808n && integer <= 9223372036854775807n) return JavaNumber.long(integer);
    return JavaNumber.double(Number(integer));
  };
  const string = (): string => {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(position));
    if (match === null) return fail('Unexpected end-of-input or illegal character in String value');
    position += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  skip();
  if (text.startsWith('null', position)) return null;
  const first = text.charAt(position);
  if (expect === 'map' && first !== '{') fail(first === '' ? 'No content to map due to end-of-input' : `Cannot deserialize value of type \`java.util.LinkedHashMap\` from ${first === '[' ? 'Array' : 'a non-Object'} value`);
  if (expect === 'list' && first !== '[') fail('Cannot deserialize value of type `java.util.ArrayList` from a non-Array value');
  return value(0);
}
