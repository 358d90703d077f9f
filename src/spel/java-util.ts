import { createHash, randomUUID } from 'node:crypto';
import { toText } from './java-conversion';
import { inheritedObjectMethods, JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber } from './java-numbers';
import { fromData, JavaArray, JavaObject, javaEquals, javaHashCode } from './java-values';

/**
 * java.util's Random (Java's generator, so that a seed gives Java's numbers) and UUID,
 * java.net.URLEncoder, and `new` for the allowed types the preview builds.
 */

function str(value: unknown): string {
  const v = fromData(value);
  if (v === null) throw new JavaException('java.lang.NullPointerException', 'text');
  return typeof v === 'string' ? v : toText(v);
}

function int(value: unknown): number {
  const v = fromData(value);
  return v instanceof JavaNumber ? v.toInt() : 0;
}

function data<T>(value: unknown, type: string): T {
  const v = fromData(value);
  if (v instanceof JavaObject && v.type === type) return v.data as T;
  throw new JavaException('java.lang.ClassCastException', `not a ${type}`);
}

/** java.util.Random: Java's linear congruential generator, so that a seed gives Java's numbers. */
export class JavaRandom {
  private seed: bigint;
  constructor(seed?: bigint) {
    this.seed = ((seed ?? BigInt(Math.floor(Math.random() * 2 ** 48))) ^ 0x5deece66dn) & ((1n << 48n) - 1n);
  }
  next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & ((1n << 48n) - 1n);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextInt(bound?: number): number {
    if (bound === undefined) return this.next(32);
    if (bound <= 0) throw new JavaException('java.lang.IllegalArgumentException', 'bound must be positive');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    let bits: number;
    let value: number;
    do {
      bits = this.next(31);
      value = bits % bound;
    } while (bits - value + (bound - 1) > 2147483647);
    return value;
  }
  nextDouble(): number {
    return (Number(BigInt(this.next(26)) << 27n) + this.next(27)) * 2 ** -53;
  }
}

function random(target: unknown): JavaRandom {
  return data<JavaRandom>(target, 'Random');
}

export const RANDOM_METHODS: MethodSpec[] = [
  ...inheritedObjectMethods(() => 'java.util.Random@…'),
  method('nextInt', [], 'int', (target) => JavaNumber.int(random(target).nextInt())),
  method('nextInt', ['int'], 'int', (target, [bound]) => JavaNumber.int(random(target).nextInt(int(bound)))),
  method('nextLong', [], 'long', (target) => JavaNumber.long((BigInt(random(target).next(32)) << 32n) + BigInt(random(target).next(32)))),
  method('nextDouble', [], 'double', (target) => JavaNumber.double(random(target).nextDouble())),
  method('nextFloat', [], 'float', (target) => JavaNumber.float(random(target).next(24) / (1 << 24))),
  method('nextBoolean', [], 'boolean', (target) => random(target).next(1) !== 0),
  method('ints', [], 'IntStream', () => null),
];

/** UUID.nameUUIDFromBytes: an MD5-based (version 3) UUID. */
function nameUuid(bytes: number[]): string {
  const hash = createHash('md5').update(Buffer.from(bytes.map((byte) => byte & 0xff))).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x30;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => data<string>(target, 'UUID'), javaEquals),
  method('randomUUID', [], 'UUID', () => new JavaObject('UUID', randomUUID()), true),
  method('fromString', ['String'], 'UUID', (_, [text]) => {
    const value = str(text);
    if (!/^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/.test(value)) throw new JavaException('java.lang.IllegalArgumentException', `Invalid UUID string: ${value}`);
    const parts = value.split('-');
    const widths = [8, 4, 4, 4, 12];
    return new JavaObject('UUID', parts.map((part, index) => part.toLowerCase().padStart(widths[index] ?? 0, '0')).join('-'));
  }, true),
  method('nameUUIDFromBytes', ['byte[]'], 'UUID', (_, [bytes]) => new JavaObject('UUID', nameUuid(bytes instanceof JavaArray ? bytes.items.map(int) : [])), true),
  method('version', [], 'int', (target) => JavaNumber.int(Number.parseInt(data<string>(target, 'UUID').charAt(14), 16))),
  method('compareTo', ['UUID'], 'int', (target, [other]) => JavaNumber.int(Math.sign(data<string>(target, 'UUID').localeCompare(data<string>(other, 'UUID'))))),
];

const CHARSETS: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', 'iso-8859-1': 'latin1', iso8859_1: 'latin1', latin1: 'latin1', 'us-ascii': 'ascii', ascii: 'ascii' };

/** URLEncoder.encode(text, charset): application/x-www-form-urlencoded. */
function formEncode(text: string, charset = 'UTF-8'): string {
  const encoding = CHARSETS[charset.toLowerCase()];
  if (encoding === undefined) throw new JavaException('java.io.UnsupportedEncodingException', `${charset} (the preview encodes UTF-8, ISO-8859-1 and US-ASCII)`);
  const chars = encoding === 'utf8' ? [text] : Array.from(text).map((char) => (char.charCodeAt(0) > (encoding === 'ascii' ? 0x7f : 0xff) ? '?' : char));
  return Array.from(Buffer.from(chars.join(''), encoding))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      if (/[A-Za-z0-9.\-*_]/.test(char)) return char;
      if (char === ' ') return '+';
      return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export const URL_ENCODER_METHODS: MethodSpec[] = [
  method('encode', ['String', 'String'], 'String', (_, [text, charset]) => formEncode(str(text), str(charset)), true),
  method('encode', ['String'], 'String', (_, [text]) => formEncode(str(text)), true),
];

/** `new T(...)` for the allowed types the preview builds. */
export function construct(type: string, args: readonly unknown[]): unknown {
  const values = args.map(fromData);
  switch (type) {
    case 'Date':
      if (values.length === 0) return new JavaObject('Date', Date.now());
      if (values.length === 1 && values[0] instanceof JavaNumber) return new JavaObject('Date', Number(values[0].toLong()));
      break;
    case 'Random':
      if (values.length === 0) return new JavaObject('Random', new JavaRandom());
      if (values.length === 1 && values[0] instanceof JavaNumber) return new JavaObject('Random', new JavaRandom(values[0].toLong()));
      break;
    case 'SimpleDateFormat':
      if (values.length === 1 && typeof values[0] === 'string') return new JavaObject('SimpleDateFormat', values[0]);
      break;
    case 'String':
      if (values.length === 0) return '';
      if (values.length === 1 && typeof values[0] === 'string') return values[0];
      break;
    case 'Integer':
    case 'Long':
    case 'Double':
    case 'Byte':
    case 'Boolean':
      return undefined;
    default:
      break;
  }
  return undefined;
}
