/**
 * Java's boxed numbers as SpEL meets them: Integer, Long, Float, Double (and Short and Byte, which
 * only come from methods). A long is a bigint, so that it keeps 64 bits; the others are numbers,
 * rounded to their type (an int wraps at 32 bits, a float is rounded to single precision).
 */

export type NumberKind = 'byte' | 'short' | 'int' | 'long' | 'float' | 'double';

export class JavaNumber {
  private constructor(
    readonly kind: NumberKind,
    /** bigint for long; a number for the others. */
    readonly value: number | bigint,
  ) {}

  static int(value: number): JavaNumber {
    return new JavaNumber('int', value | 0);
  }

  static long(value: bigint | number): JavaNumber {
    return new JavaNumber('long', BigInt.asIntN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(value))));
  }

  static double(value: number): JavaNumber {
    return new JavaNumber('double', value);
  }

  static float(value: number): JavaNumber {
    return new JavaNumber('float', Math.fround(value));
  }

  static short(value: number): JavaNumber {
    return new JavaNumber('short', (value << 16) >> 16);
  }

  static byte(value: number): JavaNumber {
    return new JavaNumber('byte', (value << 24) >> 24);
  }

  static of(kind: NumberKind, value: number | bigint): JavaNumber {
    switch (kind) {
      case 'long':
        return JavaNumber.long(value);
      case 'int':
        return JavaNumber.int(Number(value));
      case 'short':
        return JavaNumber.short(Number(value));
      case 'byte':
        return JavaNumber.byte(Number(value));
      case 'float':
        return JavaNumber.float(Number(value));
      case 'double':
        return JavaNumber.double(Number(value));
    }
  }

  /** A number read from JSON, as Jackson reads it: Integer if it fits, else Long; a fraction is a Double. */
  static fromJson(value: number): JavaNumber {
    if (Number.isInteger(value) && !Object.is(value, -0)) {
      if (value >= INT_MIN && value <= INT_MAX) return JavaNumber.int(value);
      if (Number.isSafeInteger(value)) return JavaNumber.long(BigInt(value));
    }
    return JavaNumber.double(value);
  }

  get isIntegral(): boolean {
    return this.kind !== 'float' && this.kind !== 'double';
  }

  /** doubleValue() */
  toDouble(): number {
    return Number(this.value);
  }

  /** longValue(): a fraction is cut off, a double past the long range saturates (as Java's cast). */
  toLong(): bigint {
    if (typeof this.value === 'bigint') return this.value;
    return doubleToLong(this.value);
  }

  /** intValue(): Java's narrowing (a long keeps its low 32 bits, a double is cut and saturates). */
  toInt(): number {
    if (typeof this.value === 'bigint') return Number(BigInt.asIntN(32, this.value));
    if (this.kind === 'float' || this.kind === 'double') return doubleToInt(this.value);
    return this.value;
  }

  /** floatValue() */
  toFloat(): number {
    return Math.fround(Number(this.value));
  }

  /** The JavaScript number for JSON output (a long past 2^53 loses precision there). */
  toJs(): number {
    return Number(this.value);
  }
}

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

export function doubleToLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= 9223372036854775807) return 9223372036854775807n;
  if (value <= -9223372036854775808) return -9223372036854775808n;
  return BigInt(Math.trunc(value));
}

export function doubleToInt(value: number): number {
  if (Number.isNaN(value)) return 0;
  if (value >= INT_MAX) return INT_MAX;
  if (value <= INT_MIN) return INT_MIN;
  return Math.trunc(value);
}

export class JavaNumberFormatError extends Error {
  override readonly name = 'NumberFormatException';
}

/** Integer.parseInt / Long.parseLong (radix 10 or 16): an optional sign and digits, in range. */
export function parseJavaInteger(text: string, kind: 'int' | 'long', radix: 10 | 16 = 10): JavaNumber {
  const digits = radix === 16 ? /^[+-]?[0-9a-fA-F]+$/ : /^[+-]?[0-9]+$/;
  if (!digits.test(text)) throw new JavaNumberFormatError(`For input string: "${text}"${radix === 16 ? ' under radix 16' : ''}`);
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const value = BigInt(radix === 16 ? `0x${body}` : body) * (negative ? -1n : 1n);
  const [min, max] = kind === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [-9223372036854775808n, 9223372036854775807n];
  if (value < min || value > max) throw new JavaNumberFormatError(`For input string: "${text}"${radix === 16 ? ' under radix 16' : ''}`);
  return kind === 'int' ? JavaNumber.int(Number(value)) : JavaNumber.long(value);
}

/** What Double.parseDouble accepts: Java's floating literal forms (after trimming), Infinity, NaN and hex floats. */
const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/** Double.parseDouble / Float.parseFloat: leading and trailing characters up to U+0020 are ignored. */
export function parseJavaReal(text: string, kind: 'float' | 'double'): JavaNumber {
  const trimmed = javaTrim(text);
  let value: number | undefined;
  if (JAVA_DECIMAL.test(trimmed)) {
    value = Number(trimmed.replace(/[fFdD]$/, '').replace(/^\+/, ''));
  } else {
    const hex = JAVA_HEX_FLOAT.exec(trimmed);
    if (hex !== null && (hex[2] !== '' || hex[3] !== '')) {
      const [, sign = '', whole = '', fraction = '', exponent = '0'] = hex;
      const mantissa = Number.parseInt(`${whole}${fraction}` || '0', 16) / 16 ** fraction.length;
      value = (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent);
    }
  }
  if (value === undefined) throw new JavaNumberFormatError(text.trim() === '' ? 'empty String' : `For input string: "${text}"`);
  return kind === 'float' ? JavaNumber.float(value) : JavaNumber.double(value);
}

/** String.trim(): characters up to U+0020 at both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** A number literal of an expression (Spring's Literal.getIntLiteral, getLongLiteral, getRealLiteral). */
export function numberLiteral(type: 'int' | 'long' | 'float' | 'double', radix: 10 | 16, digits: string): JavaNumber {
  if (type === 'int' || type === 'long') {
    try {
      return parseJavaInteger(digits, type, radix);
    } catch {
      throw new JavaNumberFormatError(`${type === 'int' ? 'EL1035E' : 'EL1036E'}: The value '${digits}' cannot be parsed as ${type === 'int' ? 'an int' : 'a long'}`);
    }
  }
  try {
    return parseJavaReal(digits, type);
  } catch {
    throw new JavaNumberFormatError(`EL1040E: The value '${digits}' cannot be parsed as a double`);
  }
}

/** Double.toString(d) / Float.toString(f): plain between 10^-3 and 10^7, else computerized scientific notation (`1.0E10`). */
export function javaRealToString(value: number, kind: 'float' | 'double'): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const digits = kind === 'float' ? shortestFloatDigits(value) : shortestDigits(value);
  const magnitude = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const { mantissa, exponent } = digits;
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const pointAt = exponent + 1;
    let text: string;
    if (pointAt <= 0) text = `0.${'0'.repeat(-pointAt)}${mantissa}`;
    else if (pointAt >= mantissa.length) text = `${mantissa}${'0'.repeat(pointAt - mantissa.length)}.0`;
    else text = `${mantissa.slice(0, pointAt)}.${mantissa.slice(pointAt)}`;
    return sign + text;
  }
  return `${sign}${mantissa.charAt(0)}.${mantissa.length > 1 ? mantissa.slice(1) : '0'}E${exponent}`;
}

/** The shortest decimal digits that read back as this double, and the exponent of the first digit. */
function shortestDigits(value: number): { mantissa: string; exponent: number } {
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  return { mantissa: mantissa.replace('.', ''), exponent: Number(exponent) };
}

/** The shortest decimal digits that read back as this float (Float.toString's rule). */
function shortestFloatDigits(value: number): { mantissa: string; exponent: number } {
  for (let precision = 1; precision <= 9; precision++) {
    const text = Math.abs(value).toExponential(precision - 1);
    if (Math.fround(Number(text)) === Math.abs(value)) {
      const [mantissa = '0', exponent = '0'] = text.split('e');
      return { mantissa: mantissa.replace('.', '').replace(/0+$/, '') || '0', exponent: Number(exponent) };
    }
  }
  return shortestDigits(value);
}

/** String.valueOf(number) as Java writes it. */
export function javaNumberToString(number: JavaNumber): string {
  if (number.kind === 'float' || number.kind === 'double') return javaRealToString(number.toDouble(), number.kind);
  return String(number.value);
}
