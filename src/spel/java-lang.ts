import { toText } from './java-conversion';
import { JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { doubleToLong, INT_MAX, INT_MIN, JavaNumber, javaNumberToString, type NumberKind, parseJavaInteger, parseJavaReal } from './java-numbers';
import { fromData, JavaChar, javaEquals, javaHashCode, javaToString } from './java-values';

/**
 * java.lang's boxed types (Integer, Long, Double, Float, Short, Byte, Boolean, Character) and
 * Math: the instance methods a value has, and the static methods `T(Integer)` or `T(Math)` reach
 * (kork allows T(...) for Integer, Long, Double, Byte, Boolean and Math; a Float or a Character
 * still has its methods).
 */

function num(value: unknown): JavaNumber {
  const v = fromData(value);
  return v instanceof JavaNumber ? v : JavaNumber.int(0);
}

function str(value: unknown): string {
  const v = fromData(value);
  if (v === null) throw new JavaException('java.lang.NumberFormatException', 'Cannot parse null string: null');
  return typeof v === 'string' ? v : toText(v);
}

function parseInteger(text: string, kind: 'int' | 'long', radix = 10): JavaNumber {
  if (radix !== 10 && radix !== 16) throw new JavaException('java.lang.NumberFormatException', `the preview reads radix 10 and 16 only, not ${radix}`);
  try {
    return parseJavaInteger(text, kind, radix);
  } catch (error) {
    throw new JavaException('java.lang.NumberFormatException', error instanceof Error ? error.message : String(error));
  }
}

function parseReal(text: string, kind: 'float' | 'double'): JavaNumber {
  try {
    return parseJavaReal(text, kind);
  } catch (error) {
    throw new JavaException('java.lang.NumberFormatException', error instanceof Error ? error.message : String(error));
  }
}

const BOX: Record<NumberKind, string> = { int: 'Integer', long: 'Long', double: 'Double', float: 'Float', short: 'Short', byte: 'Byte' };
const PRIMITIVE: Record<NumberKind, string> = { int: 'int', long: 'long', double: 'double', float: 'float', short: 'short', byte: 'byte' };

/** Methods every boxed number has: xxxValue(), compareTo, and the Object ones. */
function numberInstanceMethods(kind: NumberKind): MethodSpec[] {
  return [
    ...objectMethods(javaHashCode, javaToString, javaEquals),
    method('intValue', [], 'int', (target) => JavaNumber.int(num(target).toInt())),
    method('longValue', [], 'long', (target) => JavaNumber.long(num(target).toLong())),
    method('doubleValue', [], 'double', (target) => JavaNumber.double(num(target).toDouble())),
    method('floatValue', [], 'float', (target) => JavaNumber.float(num(target).toDouble())),
    method('shortValue', [], 'short', (target) => JavaNumber.short(num(target).toInt())),
    method('byteValue', [], 'byte', (target) => JavaNumber.byte(num(target).toInt())),
    method('compareTo', [BOX[kind]], 'int', (target, [other]) => JavaNumber.int(compareNumbers(num(target), num(other)))),
    method('describeConstable', [], 'Optional', () => null),
  ];
}

export function compareNumbers(a: JavaNumber, b: JavaNumber): number {
  if (a.isIntegral && b.isIntegral) return a.toLong() < b.toLong() ? -1 : a.toLong() > b.toLong() ? 1 : 0;
  const x = a.toDouble();
  const y = b.toDouble();
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  if (x === 0 && y === 0) return Object.is(x, -0) === Object.is(y, -0) ? 0 : Object.is(x, -0) ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function integerStatics(kind: 'int' | 'long'): MethodSpec[] {
  const p = PRIMITIVE[kind];
  const box = BOX[kind];
  const make = (value: number | bigint) => JavaNumber.of(kind, value);
  const parse = kind === 'int' ? 'parseInt' : 'parseLong';
  const bits = kind === 'int' ? 32 : 64;
  return [
    method(parse, ['String'], p, (_, [text]) => parseInteger(str(text), kind), true),
    method(parse, ['String', 'int'], p, (_, [text, radix]) => parseInteger(str(text), kind, num(radix).toInt()), true),
    method('valueOf', ['String'], box, (_, [text]) => parseInteger(str(text), kind), true),
    method('valueOf', ['String', 'int'], box, (_, [text, radix]) => parseInteger(str(text), kind, num(radix).toInt()), true),
    method('valueOf', [p], box, (_, [value]) => make(num(value).toLong()), true),
    method('decode', ['String'], box, (_, [text]) => {
      const match = /^([+-]?)(0[xX]|#|0(?=\d))?(.+)$/.exec(str(text));
      const radix = match?.[2] === undefined ? 10 : match[2] === '0' ? 8 : 16;
      if (radix === 8) throw new JavaException('java.lang.NumberFormatException', 'the preview does not read octal numbers');
      return parseInteger(`${match?.[1] ?? ''}${match?.[3] ?? ''}`, kind, radix);
    }, true),
    method('toString', [p], 'String', (_, [value]) => javaNumberToString(make(num(value).toLong())), true),
    method('toString', [p, 'int'], 'String', (_, [value, radix]) => num(value).toLong().toString(num(radix).toInt()), true),
    method('toHexString', [p], 'String', (_, [value]) => BigInt.asUintN(bits, num(value).toLong()).toString(16), true),
    method('toBinaryString', [p], 'String', (_, [value]) => BigInt.asUintN(bits, num(value).toLong()).toString(2), true),
    method('toOctalString', [p], 'String', (_, [value]) => BigInt.asUintN(bits, num(value).toLong()).toString(8), true),
    method('max', [p, p], p, (_, [a, b]) => make(num(a).toLong() > num(b).toLong() ? num(a).toLong() : num(b).toLong()), true),
    method('min', [p, p], p, (_, [a, b]) => make(num(a).toLong() < num(b).toLong() ? num(a).toLong() : num(b).toLong()), true),
    method('sum', [p, p], p, (_, [a, b]) => make(num(a).toLong() + num(b).toLong()), true),
    method('compare', [p, p], 'int', (_, [a, b]) => JavaNumber.int(compareNumbers(num(a), num(b))), true),
    method('signum', [p], 'int', (_, [value]) => JavaNumber.int(Math.sign(Number(num(value).toLong()))), true),
    method('abs', [p], p, (_, [value]) => make(num(value).toLong() < 0n ? -num(value).toLong() : num(value).toLong()), true),
    method('hashCode', [p], 'int', (_, [value]) => JavaNumber.int(javaHashCode(make(num(value).toLong()))), true),
    method('bitCount', [p], 'int', (_, [value]) => JavaNumber.int([...BigInt.asUintN(bits, num(value).toLong()).toString(2)].filter((digit) => digit === '1').length), true),
    method(kind === 'int' ? 'getInteger' : 'getLong', ['String'], 'rejected', () => null, true),
  ];
}

function realStatics(kind: 'float' | 'double'): MethodSpec[] {
  const p = PRIMITIVE[kind];
  const box = BOX[kind];
  const make = (value: number) => JavaNumber.of(kind, value);
  return [
    method(kind === 'double' ? 'parseDouble' : 'parseFloat', ['String'], p, (_, [text]) => parseReal(str(text), kind), true),
    method('valueOf', ['String'], box, (_, [text]) => parseReal(str(text), kind), true),
    method('valueOf', [p], box, (_, [value]) => make(num(value).toDouble()), true),
    method('toString', [p], 'String', (_, [value]) => javaNumberToString(make(num(value).toDouble())), true),
    method('isNaN', [p], 'boolean', (_, [value]) => Number.isNaN(num(value).toDouble()), true),
    method('isInfinite', [p], 'boolean', (_, [value]) => Math.abs(num(value).toDouble()) === Number.POSITIVE_INFINITY, true),
    method('isFinite', [p], 'boolean', (_, [value]) => Number.isFinite(num(value).toDouble()), true),
    method('max', [p, p], p, (_, [a, b]) => make(Math.max(num(a).toDouble(), num(b).toDouble())), true),
    method('min', [p, p], p, (_, [a, b]) => make(Math.min(num(a).toDouble(), num(b).toDouble())), true),
    method('sum', [p, p], p, (_, [a, b]) => make(num(a).toDouble() + num(b).toDouble()), true),
    method('compare', [p, p], 'int', (_, [a, b]) => JavaNumber.int(compareNumbers(make(num(a).toDouble()), make(num(b).toDouble()))), true),
    method('isNaN', [], 'boolean', (target) => Number.isNaN(num(target).toDouble())),
    method('isInfinite', [], 'boolean', (target) => Math.abs(num(target).toDouble()) === Number.POSITIVE_INFINITY),
  ];
}

export const NUMBER_METHODS: Record<NumberKind, MethodSpec[]> = {
  int: [...numberInstanceMethods('int'), ...integerStatics('int')],
  long: [...numberInstanceMethods('long'), ...integerStatics('long')],
  double: [...numberInstanceMethods('double'), ...realStatics('double')],
  float: [...numberInstanceMethods('float'), ...realStatics('float')],
  short: [...numberInstanceMethods('short'), method('parseShort', ['String'], 'short', (_, [text]) => JavaNumber.short(rangeChecked(parseInteger(str(text), 'int'), -32768, 32767)), true)],
  byte: [
    ...numberInstanceMethods('byte'),
    method('parseByte', ['String'], 'byte', (_, [text]) => JavaNumber.byte(rangeChecked(parseInteger(str(text), 'int'), -128, 127)), true),
    method('valueOf', ['String'], 'Byte', (_, [text]) => JavaNumber.byte(rangeChecked(parseInteger(str(text), 'int'), -128, 127)), true),
    method('valueOf', ['byte'], 'Byte', (_, [value]) => JavaNumber.byte(num(value).toInt()), true),
  ],
};

function rangeChecked(value: JavaNumber, min: number, max: number): number {
  const n = value.toInt();
  if (n < min || n > max) throw new JavaException('java.lang.NumberFormatException', `Value out of range. Value:"${n}"`);
  return n;
}

export const BOOLEAN_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  method('booleanValue', [], 'boolean', (target) => target === true),
  method('compareTo', ['Boolean'], 'int', (target, [other]) => JavaNumber.int(target === other ? 0 : target === true ? 1 : -1)),
  method('parseBoolean', ['String'], 'boolean', (_, [text]) => typeof text === 'string' && text.toLowerCase() === 'true', true),
  method('valueOf', ['String'], 'Boolean', (_, [text]) => typeof text === 'string' && text.toLowerCase() === 'true', true),
  method('valueOf', ['boolean'], 'Boolean', (_, [value]) => value === true, true),
  method('toString', ['boolean'], 'String', (_, [value]) => String(value === true), true),
  method('logicalAnd', ['boolean', 'boolean'], 'boolean', (_, [a, b]) => a === true && b === true, true),
  method('logicalOr', ['boolean', 'boolean'], 'boolean', (_, [a, b]) => a === true || b === true, true),
  method('logicalXor', ['boolean', 'boolean'], 'boolean', (_, [a, b]) => (a === true) !== (b === true), true),
  method('compare', ['boolean', 'boolean'], 'int', (_, [a, b]) => JavaNumber.int(a === b ? 0 : a === true ? 1 : -1), true),
  method('getBoolean', ['String'], 'rejected', () => null, true),
];

function code(value: unknown): number {
  const v = fromData(value);
  return v instanceof JavaChar ? v.code : 0;
}

export const CHARACTER_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, javaToString, javaEquals),
  method('charValue', [], 'char', (target) => target),
  method('compareTo', ['Character'], 'int', (target, [other]) => JavaNumber.int(code(target) - code(other))),
  method('isDigit', ['char'], 'boolean', (_, [c]) => /^\p{Nd}$/u.test(String.fromCharCode(code(c))), true),
  method('isLetter', ['char'], 'boolean', (_, [c]) => /^\p{L}$/u.test(String.fromCharCode(code(c))), true),
  method('isLetterOrDigit', ['char'], 'boolean', (_, [c]) => /^[\p{L}\p{Nd}]$/u.test(String.fromCharCode(code(c))), true),
  method('isUpperCase', ['char'], 'boolean', (_, [c]) => /^\p{Lu}$/u.test(String.fromCharCode(code(c))), true),
  method('isLowerCase', ['char'], 'boolean', (_, [c]) => /^\p{Ll}$/u.test(String.fromCharCode(code(c))), true),
  method('toUpperCase', ['char'], 'char', (_, [c]) => new JavaChar(String.fromCharCode(code(c)).toUpperCase().length === 1 ? String.fromCharCode(code(c)).toUpperCase().charCodeAt(0) : code(c)), true),
  method('toLowerCase', ['char'], 'char', (_, [c]) => new JavaChar(String.fromCharCode(code(c)).toLowerCase().length === 1 ? String.fromCharCode(code(c)).toLowerCase().charCodeAt(0) : code(c)), true),
  method('toString', ['char'], 'String', (_, [c]) => String.fromCharCode(code(c)), true),
];

function d(value: unknown): number {
  return num(value).toDouble();
}

function exact(kind: 'int' | 'long', value: bigint): JavaNumber {
  const [min, max] = kind === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [-9223372036854775808n, 9223372036854775807n];
  if (value < min || value > max) throw new JavaException('java.lang.ArithmeticException', `${kind === 'int' ? 'integer' : 'long'} overflow`);
  return JavaNumber.of(kind, value);
}

function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new JavaException('java.lang.ArithmeticException', '/ by zero');
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function integral(kind: 'int' | 'long', name: string, apply: (a: bigint, b: bigint) => JavaNumber): MethodSpec {
  return method(name, [kind, kind], kind, (_, [a, b]) => apply(num(a).toLong(), num(b).toLong()), true);
}

/** java.lang.Math: its static methods (all return primitives, so kork leaves them). */
export const MATH_METHODS: MethodSpec[] = [
  ...(['int', 'long', 'float', 'double'] as const).flatMap((kind) => [
    method('abs', [kind], kind, (_, [a]) => (kind === 'int' || kind === 'long' ? JavaNumber.of(kind, num(a).toLong() < 0n ? -num(a).toLong() : num(a).toLong()) : JavaNumber.of(kind, Math.abs(d(a)))), true),
    method('max', [kind, kind], kind, (_, [a, b]) => (compareNumbers(num(a), num(b)) >= 0 ? JavaNumber.of(kind, num(a).isIntegral ? num(a).toLong() : d(a)) : JavaNumber.of(kind, num(b).isIntegral ? num(b).toLong() : d(b))), true),
    method('min', [kind, kind], kind, (_, [a, b]) => (compareNumbers(num(a), num(b)) <= 0 ? JavaNumber.of(kind, num(a).isIntegral ? num(a).toLong() : d(a)) : JavaNumber.of(kind, num(b).isIntegral ? num(b).toLong() : d(b))), true),
  ]),
  ...(['int', 'long'] as const).flatMap((kind) => [
    integral(kind, 'floorDiv', (a, b) => JavaNumber.of(kind, floorDiv(a, b))),
    integral(kind, 'floorMod', (a, b) => JavaNumber.of(kind, a - floorDiv(a, b) * b)),
    integral(kind, 'addExact', (a, b) => exact(kind, a + b)),
    integral(kind, 'subtractExact', (a, b) => exact(kind, a - b)),
    integral(kind, 'multiplyExact', (a, b) => exact(kind, a * b)),
  ]),
  method('floorDiv', ['long', 'int'], 'long', (_, [a, b]) => JavaNumber.long(floorDiv(num(a).toLong(), num(b).toLong())), true),
  method('floorMod', ['long', 'int'], 'int', (_, [a, b]) => JavaNumber.int(Number(num(a).toLong() - floorDiv(num(a).toLong(), num(b).toLong()) * num(b).toLong())), true),
  method('multiplyExact', ['long', 'int'], 'long', (_, [a, b]) => exact('long', num(a).toLong() * num(b).toLong()), true),
  method('toIntExact', ['long'], 'int', (_, [a]) => exact('int', num(a).toLong()), true),
  method('round', ['double'], 'long', (_, [a]) => JavaNumber.long(doubleToLong(Math.floor(d(a) + 0.5))), true),
  method('round', ['float'], 'int', (_, [a]) => JavaNumber.int(Number.isNaN(d(a)) ? 0 : Math.floor(Math.fround(d(a)) + 0.5)), true),
  ...(
    [
      ['floor', Math.floor],
      ['ceil', Math.ceil],
      ['sqrt', Math.sqrt],
      ['cbrt', Math.cbrt],
      ['exp', Math.exp],
      ['log', Math.log],
      ['log10', Math.log10],
      ['sin', Math.sin],
      ['cos', Math.cos],
      ['tan', Math.tan],
      ['signum', Math.sign],
      ['toRadians', (a: number) => (a / 180) * Math.PI],
      ['toDegrees', (a: number) => (a * 180) / Math.PI],
      ['rint', (a: number) => (Math.abs(a % 1) === 0.5 ? 2 * Math.round(a / 2) : Math.round(a))],
    ] as Array<[string, (a: number) => number]>
  ).map(([name, apply]) => method(name, ['double'], 'double', (_, [a]) => JavaNumber.double(apply(d(a))), true)),
  method('signum', ['float'], 'float', (_, [a]) => JavaNumber.float(Math.sign(d(a))), true),
  method('pow', ['double', 'double'], 'double', (_, [a, b]) => JavaNumber.double(Math.pow(d(a), d(b))), true),
  method('hypot', ['double', 'double'], 'double', (_, [a, b]) => JavaNumber.double(Math.hypot(d(a), d(b))), true),
  method('atan2', ['double', 'double'], 'double', (_, [a, b]) => JavaNumber.double(Math.atan2(d(a), d(b))), true),
  method('random', [], 'double', () => JavaNumber.double(Math.random()), true),
];
