import { canConvert, convertValue, qualifiedName } from './java-conversion';
import { compareNumbers } from './java-lang';
import { JavaException } from './java-methods';
import { JavaNumber, type NumberKind } from './java-numbers';
import { classNameOf } from './java-types';
import { fromData, JavaArray, JavaChar, JavaEnum, JavaObject, javaEquals, javaToString } from './java-values';

/**
 * SpEL's operators as Spring 5.3 computes them (spel/ast/Op*.java, Operator.equalityCheck,
 * StandardTypeComparator): numbers keep Java's types (`7 / 2` is the int 3, `7 / 2.0` the
 * double 3.5, an int wraps at 2^31), `+` joins text with anything, `==` compares lists and maps
 * by their contents, `<` compares numbers, texts, booleans, but not a text with a number.
 */

export class SpelEvaluationError extends Error {
  override readonly name = 'SpelEvaluationError';
}

/** Spring 5.3's limits (OpMultiply.MAX_REPEATED_TEXT_SIZE, OpPlus.MAX_CONCATENATED_STRING_LENGTH). */
export const MAX_REPEATED_TEXT_SIZE = 256;
export const MAX_CONCATENATED_STRING_LENGTH = 100_000;

type Operation = 'ADD' | 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE' | 'MODULUS' | 'POWER';

function typeName(value: unknown): string {
  return fromData(value) === null ? 'null' : classNameOf(value);
}

/** ExpressionState.operate without an operator overloader: EL1030E. */
function unsupported(operation: Operation, left: unknown, right: unknown): never {
  throw new SpelEvaluationError(`EL1030E: The operator '${operation}' is not supported between objects of type '${typeName(left)}' and '${typeName(right)}'`);
}

/** The type Spring computes two numbers in: double, float, long, or int (Integer, Short and Byte). */
function common(a: JavaNumber, b: JavaNumber): NumberKind {
  if (a.kind === 'double' || b.kind === 'double') return 'double';
  if (a.kind === 'float' || b.kind === 'float') return 'float';
  if (a.kind === 'long' || b.kind === 'long') return 'long';
  return 'int';
}

function arithmetic(kind: NumberKind, a: JavaNumber, b: JavaNumber, integral: (x: bigint, y: bigint) => bigint, real: (x: number, y: number) => number): JavaNumber {
  if (kind === 'double') return JavaNumber.double(real(a.toDouble(), b.toDouble()));
  if (kind === 'float') return JavaNumber.float(real(a.toFloat(), b.toFloat()));
  if (kind === 'long') return JavaNumber.long(integral(a.toLong(), b.toLong()));
  return JavaNumber.int(Number(BigInt.asIntN(32, integral(BigInt(a.toInt()), BigInt(b.toInt())))));
}

function checkLength(text: string): string {
  if (text.length > MAX_CONCATENATED_STRING_LENGTH) throw new SpelEvaluationError(`EL1078E: Concatenated string is too long, exceeding the threshold of '${MAX_CONCATENATED_STRING_LENGTH}' characters`);
  return text;
}

/** OpPlus.convertTypedValueToString: by the conversion service if it can, else String.valueOf. */
function concatenable(value: unknown): string {
  const v = fromData(value);
  if (v === null) return 'null';
  if (canConvert(v, 'String')) return String(convertValue(v, 'String'));
  return javaToString(v);
}

export function plus(left: unknown, right?: unknown): unknown {
  const a = fromData(left);
  if (right === undefined) {
    if (a instanceof JavaNumber) return a;
    return unsupported('ADD', a, null);
  }
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) return arithmetic(common(a, b), a, b, (x, y) => x + y, (x, y) => x + y);
  if (typeof a === 'string' && typeof b === 'string') return checkLength(checkLength(a) + checkLength(b));
  if (typeof a === 'string') return checkLength(checkLength(a) + checkLength(concatenable(b)));
  if (typeof b === 'string') return checkLength(checkLength(concatenable(a)) + checkLength(b));
  return unsupported('ADD', a, b);
}

export function minus(left: unknown, right?: unknown): unknown {
  const a = fromData(left);
  if (right === undefined) {
    if (!(a instanceof JavaNumber)) return unsupported('SUBTRACT', a, null);
    if (a.kind === 'double' || a.kind === 'float') return JavaNumber.of(a.kind, 0 - a.toDouble());
    if (a.kind === 'long') return JavaNumber.long(-a.toLong());
    return JavaNumber.int(-a.toInt());
  }
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) return arithmetic(common(a, b), a, b, (x, y) => x - y, (x, y) => x - y);
  if (typeof a === 'string' && b instanceof JavaNumber && b.kind === 'int' && a.length === 1) return String.fromCharCode((a.charCodeAt(0) - b.toInt()) & 0xffff);
  return unsupported('SUBTRACT', a, b);
}

export function multiply(left: unknown, right: unknown): unknown {
  const a = fromData(left);
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) return arithmetic(common(a, b), a, b, (x, y) => x * y, (x, y) => x * y);
  if (typeof a === 'string' && b instanceof JavaNumber && b.kind === 'int') {
    const count = b.toInt();
    // Spring computes the size as a Java int: a size that wraps passes the check, then fails.
    const requested = Math.imul(a.length, count);
    if (requested > MAX_REPEATED_TEXT_SIZE) throw new SpelEvaluationError(`EL1076E: Repeated text is too long, exceeding the threshold of '${MAX_REPEATED_TEXT_SIZE}' characters`);
    if (requested < 0) throw new JavaException('java.lang.NegativeArraySizeException', `${requested} (repeating text ${count} times fails in Orca)`);
    if (a.length * count > MAX_REPEATED_TEXT_SIZE) throw new JavaException('java.lang.OutOfMemoryError', `repeating ${a.length} characters ${count} times wraps Java's int size check; Orca would run out of memory`);
    return count <= 0 ? '' : a.repeat(count);
  }
  return unsupported('MULTIPLY', a, b);
}

function integralDivisor(y: bigint): bigint {
  if (y === 0n) throw new JavaException('java.lang.ArithmeticException', '/ by zero');
  return y;
}

export function divide(left: unknown, right: unknown): unknown {
  const a = fromData(left);
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) return arithmetic(common(a, b), a, b, (x, y) => x / integralDivisor(y), (x, y) => x / y);
  return unsupported('DIVIDE', a, b);
}

export function modulus(left: unknown, right: unknown): unknown {
  const a = fromData(left);
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) return arithmetic(common(a, b), a, b, (x, y) => x % integralDivisor(y), (x, y) => x % y);
  return unsupported('MODULUS', a, b);
}

/** OperatorPower: Math.pow, an int result unless it exceeds Integer.MAX_VALUE or a long is involved. */
export function power(left: unknown, right: unknown): unknown {
  const a = fromData(left);
  const b = fromData(right);
  if (!(a instanceof JavaNumber && b instanceof JavaNumber)) return unsupported('POWER', a, b);
  if (a.kind === 'double' || b.kind === 'double') return JavaNumber.double(Math.pow(a.toDouble(), b.toDouble()));
  if (a.kind === 'float' || b.kind === 'float') return JavaNumber.float(Math.pow(a.toFloat(), b.toFloat()));
  const result = Math.pow(a.toDouble(), b.toDouble());
  if (result > 2147483647 || a.kind === 'long' || b.kind === 'long') return JavaNumber.long(JavaNumber.double(result).toLong());
  return JavaNumber.int(JavaNumber.double(result).toInt());
}

function isCharSequence(value: unknown): boolean {
  return typeof value === 'string' || (value instanceof JavaEnum && value.type === 'ExecutionStatus');
}

function charSequenceText(value: unknown): string {
  return value instanceof JavaEnum ? value.name : String(value);
}

/** ObjectUtils.nullSafeEquals: equals(), and arrays by their contents. */
function nullSafeEquals(a: unknown, b: unknown): boolean {
  if (a instanceof JavaArray && b instanceof JavaArray) return a.component === b.component && a.items.length === b.items.length && a.items.every((item, index) => javaEquals(item, b.items[index]));
  return javaEquals(a, b);
}

/** Operator.equalityCheck. */
export function equalityCheck(left: unknown, right: unknown): boolean {
  const a = fromData(left);
  const b = fromData(right);
  if (a instanceof JavaNumber && b instanceof JavaNumber) {
    const kind = common(a, b);
    if (kind === 'double') return a.toDouble() === b.toDouble();
    if (kind === 'float') return a.toFloat() === b.toFloat();
    if (kind === 'long') return a.toLong() === b.toLong();
    return a.toInt() === b.toInt();
  }
  if (isCharSequence(a) && isCharSequence(b)) return charSequenceText(a) === charSequenceText(b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  return nullSafeEquals(a, b);
}

/** StandardTypeComparator.compare (used by between and for values other than numbers and texts). */
export function compareValues(left: unknown, right: unknown): number {
  const a = fromData(left);
  const b = fromData(right);
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (a instanceof JavaNumber && b instanceof JavaNumber) return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof JavaChar && b instanceof JavaChar) return a.code - b.code;
  if (a instanceof JavaEnum && b instanceof JavaEnum && a.type === b.type) return a.ordinal - b.ordinal;
  if (a instanceof JavaEnum && a.type === 'ExecutionStatus' && typeof b === 'string') throw notComparable(a, b);
  if (a instanceof JavaObject && b instanceof JavaObject && a.type === b.type && a.type !== 'Random' && a.type !== 'SimpleDateFormat') {
    return a.type === 'UUID' ? compareText(String(a.data), String(b.data)) : Number(a.data) - Number(b.data);
  }
  throw notComparable(a, b);
}

function notComparable(a: unknown, b: unknown): SpelEvaluationError {
  return new SpelEvaluationError(`EL1013E: Cannot compare instances of class ${qualifiedName(classNameOf(a))} and class ${qualifiedName(classNameOf(b))}`);
}

function compareText(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = a.charCodeAt(index) - b.charCodeAt(index);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** OpLT, OpLE, OpGT, OpGE: numbers as Java primitives compare them (NaN is never less), texts by their characters, the rest by the comparator. */
export function relational(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  const a = fromData(left);
  const b = fromData(right);
  let order: number;
  if (a instanceof JavaNumber && b instanceof JavaNumber) {
    const kind = common(a, b);
    if (kind === 'long' || kind === 'int') {
      const x = a.toLong();
      const y = b.toLong();
      order = x < y ? -1 : x > y ? 1 : 0;
    } else {
      const x = kind === 'float' ? a.toFloat() : a.toDouble();
      const y = kind === 'float' ? b.toFloat() : b.toDouble();
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      order = x < y ? -1 : x > y ? 1 : 0;
    }
  } else if (isCharSequence(a) && isCharSequence(b)) {
    order = compareText(charSequenceText(a), charSequenceText(b));
  } else {
    order = compareValues(a, b);
  }
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** A condition as Spring converts it to Boolean: 'true'/'yes'/'on'/'1' and their opposites; null and other text fail. */
export function toBooleanCondition(value: unknown): boolean {
  const converted = convertValue(value, 'Boolean');
  if (converted === null) throw new SpelEvaluationError('EL1001E: Type conversion problem, cannot convert from null to boolean');
  return converted === true;
}
