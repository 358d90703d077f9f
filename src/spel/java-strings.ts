import { javaReplace, javaSplit, javaStringMatches } from './bounded-regex';
import { toText } from './java-conversion';
import { javaFormat } from './java-format';
import { JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber, javaTrim } from './java-numbers';
import { collectionItems, fromData, isJavaCollection, JavaArray, JavaChar, javaHashCode } from './java-values';

/**
 * java.lang.String's public methods (JDK 17, Orca's Java) with Java's meaning: indexes are UTF-16
 * units as in JavaScript, but trim/strip/isBlank use Java's whitespace, split/matches/replaceAll
 * read Java regular expressions (java-regex.ts), substring and charAt fail out of range, split
 * returns a String[] (with `.length`). Methods whose return type kork refuses (chars, lines,
 * subSequence, describeConstable, getClass) are listed so that the message can say why.
 */

function text(target: unknown): string {
  return typeof target === 'string' ? target : '';
}

function int(value: unknown): number {
  return value instanceof JavaNumber ? value.toInt() : 0;
}

function str(value: unknown): string {
  const v = fromData(value);
  if (v === null) throw new JavaException('java.lang.NullPointerException', 'the argument is null');
  return typeof v === 'string' ? v : toText(v);
}

function char(value: unknown): string {
  const v = fromData(value);
  return v instanceof JavaChar ? v.text : typeof v === 'string' ? v : '';
}

function outOfBounds(begin: number, end: number, length: number): JavaException {
  return new JavaException('java.lang.StringIndexOutOfBoundsException', `begin ${begin}, end ${end}, length ${length}`);
}

function checkIndex(index: number, length: number): void {
  if (index < 0 || index >= length) throw new JavaException('java.lang.StringIndexOutOfBoundsException', `index ${index}, length ${length}`);
}

/** Character.isWhitespace. */
export function isJavaWhitespace(char: string): boolean {
  if ('\t\n\u000b\f\r\u001c\u001d\u001e\u001f'.includes(char)) return true;
  if (char === '\u00a0' || char === '\u2007' || char === '\u202f') return false;
  return /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(char);
}

function stripLeading(value: string): string {
  const chars = Array.from(value);
  let start = 0;
  while (start < chars.length && isJavaWhitespace(chars[start] ?? '')) start++;
  return chars.slice(start).join('');
}

function stripTrailing(value: string): string {
  const chars = Array.from(value);
  let end = chars.length;
  while (end > 0 && isJavaWhitespace(chars[end - 1] ?? '')) end--;
  return chars.slice(0, end).join('');
}

function compareTo(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = a.charCodeAt(index) - b.charCodeAt(index);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function foldCase(char: string): string {
  return char.toUpperCase().toLowerCase();
}

function compareIgnoreCase(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.charAt(index);
    const right = b.charAt(index);
    if (left !== right) {
      const x = foldCase(left.toUpperCase().length === 1 ? left.toUpperCase() : left);
      const y = foldCase(right.toUpperCase().length === 1 ? right.toUpperCase() : right);
      if (x !== y) return x.charCodeAt(0) - y.charCodeAt(0);
    }
  }
  return a.length - b.length;
}

function javaLines(value: string): string[] {
  if (value === '') return [];
  const lines = value.split(/\r\n|\r|\n/);
  if (/(\r\n|\r|\n)$/.test(value)) lines.pop();
  return lines;
}

function indent(value: string, count: number): string {
  if (value === '') return '';
  return javaLines(value)
    .map((line) => {
      if (count > 0) return ' '.repeat(count) + line;
      if (count < 0) {
        let removed = 0;
        while (removed < -count && removed < line.length && isJavaWhitespace(line.charAt(removed))) removed++;
        return line.slice(removed);
      }
      return line;
    })
    .map((line) => `${line}\n`)
    .join('');
}

/** The longest text the preview builds (Java builds up to 2^31 characters; Orca's Spring limits concatenation to 100,000). */
const MAX_BUILT_TEXT = 10_000_000;

function repeat(value: string, count: number): string {
  if (count < 0) throw new JavaException('java.lang.IllegalArgumentException', `count is negative: ${count}`);
  if (value.length * count > MAX_BUILT_TEXT) throw new JavaException('java.lang.OutOfMemoryError', `repeating ${value.length} characters ${count} times is more than the preview builds`);
  return value.repeat(count);
}

function chars(value: string): JavaArray {
  return new JavaArray('char', Array.from({ length: value.length }, (_, index) => new JavaChar(value.charCodeAt(index))));
}

function bytes(value: string): JavaArray {
  return new JavaArray('byte', Array.from(Buffer.from(value, 'utf8'), (byte) => JavaNumber.byte(byte)));
}

function charsOf(value: unknown): string {
  const v = fromData(value);
  if (v instanceof JavaArray && v.component === 'char') return v.items.map((item) => (item instanceof JavaChar ? item.text : '')).join('');
  throw new JavaException('java.lang.NullPointerException', 'the character array is null');
}

/** String.valueOf(x) and the static methods, as called on the type (T(String)) or on a string. */
function statics(): MethodSpec[] {
  const valueOf = (type: string) => method('valueOf', [type], 'String', (_, [value]) => (fromData(value) === null && type === 'Object' ? 'null' : toText(value)), true);
  // In the order Class.getMethods() gives them on JDK 17: with a null argument every valueOf matches exactly and the first wins.
  return [
    method('valueOf', ['char[]'], 'String', (_, [array]) => charsOf(array), true),
    valueOf('Object'),
    valueOf('boolean'),
    valueOf('char'),
    valueOf('int'),
    valueOf('long'),
    valueOf('float'),
    valueOf('double'),
    method('copyValueOf', ['char[]'], 'String', (_, [array]) => charsOf(array), true),
    method('join', ['CharSequence', 'CharSequence...'], 'String', (_, [separator, parts]) => (parts instanceof JavaArray ? parts.items.map((part) => (fromData(part) === null ? 'null' : toText(part))) : []).join(str(separator)), true),
    method(
      'join',
      ['CharSequence', 'Iterable'],
      'String',
      (_, [separator, parts]) => (isJavaCollection(parts) ? collectionItems(parts).map((part) => (fromData(part) === null ? 'null' : toText(part))) : []).join(str(separator)),
      true,
    ),
    method('format', ['String', 'Object...'], 'String', (_, [format, args]) => javaFormat(str(format), args instanceof JavaArray ? args.items : []), true),
  ];
}

export const STRING_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => text(target), (target, other) => fromData(other) === target),
  ...statics(),
  method('length', [], 'int', (target) => text(target).length),
  method('isEmpty', [], 'boolean', (target) => text(target).length === 0),
  method('isBlank', [], 'boolean', (target) => Array.from(text(target)).every(isJavaWhitespace)),
  method('charAt', ['int'], 'char', (target, [index]) => {
    checkIndex(int(index), text(target).length);
    return new JavaChar(text(target).charCodeAt(int(index)));
  }),
  method('codePointAt', ['int'], 'int', (target, [index]) => {
    checkIndex(int(index), text(target).length);
    return text(target).codePointAt(int(index)) ?? 0;
  }),
  method('codePointBefore', ['int'], 'int', (target, [index]) => {
    const at = int(index);
    if (at < 1 || at > text(target).length) throw new JavaException('java.lang.StringIndexOutOfBoundsException', `index ${at}, length ${text(target).length}`);
    const low = text(target).charCodeAt(at - 1);
    const high = at >= 2 ? text(target).charCodeAt(at - 2) : 0;
    return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? (text(target).codePointAt(at - 2) ?? low) : low;
  }),
  method('codePointCount', ['int', 'int'], 'int', (target, [begin, end]) => {
    if (int(begin) < 0 || int(end) > text(target).length || int(begin) > int(end)) throw new JavaException('java.lang.IndexOutOfBoundsException', `begin ${int(begin)}, end ${int(end)}, length ${text(target).length}`);
    return Array.from(text(target).slice(int(begin), int(end))).length;
  }),
  method('substring', ['int'], 'String', (target, [begin]) => {
    const value = text(target);
    if (int(begin) < 0 || int(begin) > value.length) throw outOfBounds(int(begin), value.length, value.length);
    return value.slice(int(begin));
  }),
  method('substring', ['int', 'int'], 'String', (target, [begin, end]) => {
    const value = text(target);
    if (int(begin) < 0 || int(begin) > int(end) || int(end) > value.length) throw outOfBounds(int(begin), int(end), value.length);
    return value.slice(int(begin), int(end));
  }),
  method('subSequence', ['int', 'int'], 'CharSequence', () => null),
  method('indexOf', ['int'], 'int', (target, [code]) => text(target).indexOf(String.fromCodePoint(int(code)))),
  method('indexOf', ['int', 'int'], 'int', (target, [code, from]) => text(target).indexOf(String.fromCodePoint(int(code)), Math.max(0, int(from)))),
  method('indexOf', ['String'], 'int', (target, [part]) => text(target).indexOf(str(part))),
  method('indexOf', ['String', 'int'], 'int', (target, [part, from]) => text(target).indexOf(str(part), Math.max(0, int(from)))),
  method('lastIndexOf', ['int'], 'int', (target, [code]) => text(target).lastIndexOf(String.fromCodePoint(int(code)))),
  method('lastIndexOf', ['int', 'int'], 'int', (target, [code, from]) => (int(from) < 0 ? -1 : text(target).lastIndexOf(String.fromCodePoint(int(code)), int(from)))),
  method('lastIndexOf', ['String'], 'int', (target, [part]) => text(target).lastIndexOf(str(part))),
  method('lastIndexOf', ['String', 'int'], 'int', (target, [part, from]) => (int(from) < 0 ? -1 : text(target).lastIndexOf(str(part), int(from)))),
  method('contains', ['CharSequence'], 'boolean', (target, [part]) => text(target).includes(str(part))),
  method('startsWith', ['String'], 'boolean', (target, [part]) => text(target).startsWith(str(part))),
  method('startsWith', ['String', 'int'], 'boolean', (target, [part, from]) => int(from) >= 0 && int(from) <= text(target).length && text(target).startsWith(str(part), int(from))),
  method('endsWith', ['String'], 'boolean', (target, [part]) => text(target).endsWith(str(part))),
  method('equalsIgnoreCase', ['String'], 'boolean', (target, [other]) => {
    const value = fromData(other);
    return typeof value === 'string' && value.length === text(target).length && compareIgnoreCase(text(target), value) === 0;
  }),
  method('contentEquals', ['CharSequence'], 'boolean', (target, [other]) => text(target) === str(other)),
  method('contentEquals', ['StringBuffer'], 'boolean', (target, [other]) => text(target) === str(other)),
  method('compareTo', ['String'], 'int', (target, [other]) => compareTo(text(target), str(other))),
  method('compareToIgnoreCase', ['String'], 'int', (target, [other]) => compareIgnoreCase(text(target), str(other))),
  method('regionMatches', ['int', 'String', 'int', 'int'], 'boolean', (target, [offset, other, otherOffset, length]) => regionMatches(text(target), false, int(offset), str(other), int(otherOffset), int(length))),
  method('regionMatches', ['boolean', 'int', 'String', 'int', 'int'], 'boolean', (target, [ignoreCase, offset, other, otherOffset, length]) =>
    regionMatches(text(target), ignoreCase === true, int(offset), str(other), int(otherOffset), int(length)),
  ),
  method('concat', ['String'], 'String', (target, [other]) => text(target) + str(other)),
  method('replace', ['char', 'char'], 'String', (target, [from, to]) => text(target).replaceAll(char(from), () => char(to))),
  method('replace', ['CharSequence', 'CharSequence'], 'String', (target, [from, to]) => {
    const search = str(from);
    const replacement = str(to);
    // Java's literal replace: an empty target inserts between every character, and at both ends.
    return search === '' ? replacement + Array.from(text(target)).join(replacement) + (text(target) === '' ? '' : replacement) : text(target).replaceAll(search, () => replacement);
  }),
  method('replaceAll', ['String', 'String'], 'String', (target, [regex, replacement], context) => javaReplace(text(target), str(regex), str(replacement), true, context.budget)),
  method('replaceFirst', ['String', 'String'], 'String', (target, [regex, replacement], context) => javaReplace(text(target), str(regex), str(replacement), false, context.budget)),
  method('matches', ['String'], 'boolean', (target, [regex], context) => javaStringMatches(text(target), str(regex), context.budget)),
  method('split', ['String'], 'String[]', (target, [regex], context) => new JavaArray('String', javaSplit(text(target), str(regex), context.budget))),
  method('split', ['String', 'int'], 'String[]', (target, [regex, limit], context) => new JavaArray('String', javaSplit(text(target), str(regex), context.budget, int(limit)))),
  method('toLowerCase', [], 'String', (target) => text(target).toLowerCase()),
  method('toUpperCase', [], 'String', (target) => text(target).toUpperCase()),
  method('toLowerCase', ['Locale'], 'String', (target) => text(target).toLowerCase()),
  method('toUpperCase', ['Locale'], 'String', (target) => text(target).toUpperCase()),
  method('trim', [], 'String', (target) => javaTrim(text(target))),
  method('strip', [], 'String', (target) => stripTrailing(stripLeading(text(target)))),
  method('stripLeading', [], 'String', (target) => stripLeading(text(target))),
  method('stripTrailing', [], 'String', (target) => stripTrailing(text(target))),
  method('indent', ['int'], 'String', (target, [count]) => indent(text(target), int(count))),
  method('repeat', ['int'], 'String', (target, [count]) => repeat(text(target), int(count))),
  method('intern', [], 'String', (target) => text(target)),
  method('toCharArray', [], 'char[]', (target) => chars(text(target))),
  method('getBytes', [], 'byte[]', (target) => bytes(text(target))),
  method('getBytes', ['String'], 'byte[]', (target, [charset]) => {
    if (!/^utf-?8$/i.test(str(charset))) throw new JavaException('java.io.UnsupportedEncodingException', `${str(charset)} (the preview writes UTF-8 only)`);
    return bytes(text(target));
  }),
  method('formatted', ['Object...'], 'String', (target, [args]) => javaFormat(text(target), args instanceof JavaArray ? args.items : [])),
  method('chars', [], 'IntStream', () => null),
  method('codePoints', [], 'IntStream', () => null),
  method('lines', [], 'Stream', () => null),
  method('describeConstable', [], 'Optional', () => null),
  method('transform', ['Function'], 'Object', () => null),
];

function regionMatches(value: string, ignoreCase: boolean, offset: number, other: string, otherOffset: number, length: number): boolean {
  if (otherOffset < 0 || offset < 0 || offset > value.length - length || otherOffset > other.length - length) return false;
  const a = value.slice(offset, offset + Math.max(0, length));
  const b = other.slice(otherOffset, otherOffset + Math.max(0, length));
  return ignoreCase ? compareIgnoreCase(a, b) === 0 : a === b;
}
