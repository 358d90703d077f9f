import { javaDateToString, toText } from './java-conversion';
import { JavaException, method, type MethodSpec, objectMethods } from './java-methods';
import { JavaNumber } from './java-numbers';
import { fromData, JavaArray, JavaEnum, JavaObject, javaEquals, javaHashCode, javaToString } from './java-values';

/**
 * The date and time types kork lets T(...) and `new` name: Date, SimpleDateFormat, LocalDate,
 * LocalDateTime, Instant, DayOfWeek, ChronoUnit, TemporalAdjusters. Their common methods, with
 * Java's results (in UTC, as Orca's containers run). What a method returns that kork refuses
 * (Month, Duration, TemporalAdjuster) is listed so that the message can say so.
 */

function str(value: unknown): string {
  const v = fromData(value);
  if (v === null) throw new JavaException('java.lang.NullPointerException', 'text');
  return typeof v === 'string' ? v : toText(v);
}

function long(value: unknown): bigint {
  const v = fromData(value);
  return v instanceof JavaNumber ? v.toLong() : 0n;
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

const DAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const UNIT_NAMES = ['NANOS', 'MICROS', 'MILLIS', 'SECONDS', 'MINUTES', 'HOURS', 'HALF_DAYS', 'DAYS', 'WEEKS', 'MONTHS', 'YEARS', 'DECADES', 'CENTURIES', 'MILLENNIA', 'ERAS', 'FOREVER'];

export function dayOfWeek(index: number): JavaEnum {
  return new JavaEnum('DayOfWeek', DAY_NAMES[index] ?? 'MONDAY', index);
}

function enumMethods(type: string, names: readonly string[]): MethodSpec[] {
  return [
    ...objectMethods(javaHashCode, javaToString, javaEquals),
    method('name', [], 'String', (target) => (target instanceof JavaEnum ? target.name : '')),
    method('ordinal', [], 'int', (target) => JavaNumber.int(target instanceof JavaEnum ? target.ordinal : 0)),
    method('compareTo', [type], 'int', (target, [other]) => JavaNumber.int((target instanceof JavaEnum ? target.ordinal : 0) - (other instanceof JavaEnum ? other.ordinal : 0))),
    method('getDeclaringClass', [], 'Class', () => null),
    method('values', [], `${type}[]`, () => new JavaArray(type, names.map((name, index) => new JavaEnum(type, name, index))), true),
    method('valueOf', ['String'], type, (_, [name]) => {
      const index = names.indexOf(str(name));
      if (index < 0) throw new JavaException('java.lang.IllegalArgumentException', `No enum constant java.time.${type}.${str(name)}`);
      return new JavaEnum(type, names[index] ?? '', index);
    }, true),
  ];
}

export const DAY_OF_WEEK_METHODS: MethodSpec[] = [
  ...enumMethods('DayOfWeek', DAY_NAMES),
  method('getValue', [], 'int', (target) => JavaNumber.int((target instanceof JavaEnum ? target.ordinal : 0) + 1)),
  method('plus', ['long'], 'DayOfWeek', (target, [days]) => dayOfWeek(Number((BigInt(target instanceof JavaEnum ? target.ordinal : 0) + (long(days) % 7n) + 7n) % 7n))),
  method('minus', ['long'], 'DayOfWeek', (target, [days]) => dayOfWeek(Number((BigInt(target instanceof JavaEnum ? target.ordinal : 0) - (long(days) % 7n) + 7n) % 7n))),
  method('of', ['int'], 'DayOfWeek', (_, [value]) => {
    if (int(value) < 1 || int(value) > 7) throw new JavaException('java.time.DateTimeException', `Invalid value for DayOfWeek: ${int(value)}`);
    return dayOfWeek(int(value) - 1);
  }, true),
];

export const CHRONO_UNIT_METHODS: MethodSpec[] = [
  ...enumMethods('ChronoUnit', UNIT_NAMES),
  method('isDateBased', [], 'boolean', (target) => target instanceof JavaEnum && target.ordinal >= 7 && target.ordinal <= 14),
  method('isTimeBased', [], 'boolean', (target) => target instanceof JavaEnum && target.ordinal < 7),
  method('getDuration', [], 'Duration', () => null),
  method('between', ['Temporal', 'Temporal'], 'long', (target, [a, b]) => {
    const unit = target instanceof JavaEnum ? target.name : '';
    const millis = epochMillis(b) - epochMillis(a);
    const per: Record<string, number> = { MILLIS: 1, SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, HALF_DAYS: 43_200_000, DAYS: 86_400_000, WEEKS: 604_800_000 };
    const size = per[unit];
    if (size === undefined) throw new JavaException('java.time.temporal.UnsupportedTemporalTypeException', `the preview counts ${unit} only between instants and dates in whole days or less`);
    return JavaNumber.long(BigInt(Math.trunc(millis / size)));
  }),
];

function epochMillis(value: unknown): number {
  const v = fromData(value);
  if (v instanceof JavaObject && (v.type === 'Instant' || v.type === 'Date' || v.type === 'LocalDate' || v.type === 'LocalDateTime') && typeof v.data === 'number') return v.data;
  throw new JavaException('java.time.DateTimeException', 'not a date or an instant');
}

const DAY = 86_400_000;

function localDate(millis: number): JavaObject {
  return new JavaObject('LocalDate', Math.floor(millis / DAY) * DAY);
}

function isoDate(millis: number): string {
  return new Date(millis).toISOString().slice(0, 10);
}

function isoDateTime(millis: number): string {
  const text = new Date(millis).toISOString().slice(0, 23);
  return text.endsWith(':00.000') ? text.slice(0, 16) : text.endsWith('.000') ? text.slice(0, 19) : text;
}

function isoInstant(millis: number): string {
  const text = new Date(millis).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, 19)}Z` : text;
}

function parseLocalDate(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const millis = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (match === null || Number.isNaN(millis) || isoDate(millis) !== text) throw new JavaException('java.time.format.DateTimeParseException', `Text '${text}' could not be parsed at index 0`);
  return millis;
}

function shifted(millis: number, unit: 'day' | 'month' | 'year', amount: number): number {
  const date = new Date(millis);
  if (unit === 'day') return millis + amount * DAY;
  const year = date.getUTCFullYear() + (unit === 'year' ? amount : 0);
  const month = date.getUTCMonth() + (unit === 'month' ? amount : 0);
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), last), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

function dateTimeMethods(type: 'LocalDate' | 'LocalDateTime'): MethodSpec[] {
  const make = (millis: number) => (type === 'LocalDate' ? localDate(millis) : new JavaObject('LocalDateTime', millis));
  const ms = (target: unknown) => data<number>(target, type);
  const part = (name: string, read: (date: Date) => number) => method(name, [], 'int', (target) => JavaNumber.int(read(new Date(ms(target)))));
  const plus = (name: string, unit: 'day' | 'month' | 'year', factor: number) => method(name, ['long'], type, (target, [amount]) => make(shifted(ms(target), unit, Number(long(amount)) * factor)));
  return [
    ...objectMethods(javaHashCode, (target) => (type === 'LocalDate' ? isoDate(ms(target)) : isoDateTime(ms(target))), javaEquals),
    method('now', [], type, () => make(Date.now()), true),
    method('parse', ['CharSequence'], type, (_, [text]) => {
      if (type === 'LocalDate') return make(parseLocalDate(str(text)));
      const millis = Date.parse(`${str(text)}Z`);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(str(text)) || Number.isNaN(millis)) throw new JavaException('java.time.format.DateTimeParseException', `Text '${str(text)}' could not be parsed at index 0`);
      return make(millis);
    }, true),
    method('of', ['int', 'int', 'int'], type, (_, [year, month, day]) => make(parseLocalDate(`${String(int(year)).padStart(4, '0')}-${String(int(month)).padStart(2, '0')}-${String(int(day)).padStart(2, '0')}`)), true),
    part('getYear', (date) => date.getUTCFullYear()),
    part('getMonthValue', (date) => date.getUTCMonth() + 1),
    part('getDayOfMonth', (date) => date.getUTCDate()),
    part('getDayOfYear', (date) => Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY) + 1),
    method('getDayOfWeek', [], 'DayOfWeek', (target) => dayOfWeek((new Date(ms(target)).getUTCDay() + 6) % 7)),
    method('getMonth', [], 'Month', () => null),
    plus('plusDays', 'day', 1),
    plus('minusDays', 'day', -1),
    plus('plusWeeks', 'day', 7),
    plus('minusWeeks', 'day', -7),
    plus('plusMonths', 'month', 1),
    plus('minusMonths', 'month', -1),
    plus('plusYears', 'year', 1),
    plus('minusYears', 'year', -1),
    method('isBefore', [type === 'LocalDate' ? 'ChronoLocalDate' : 'ChronoLocalDateTime'], 'boolean', (target, [other]) => ms(target) < epochMillis(other)),
    method('isAfter', [type === 'LocalDate' ? 'ChronoLocalDate' : 'ChronoLocalDateTime'], 'boolean', (target, [other]) => ms(target) > epochMillis(other)),
    method('isEqual', [type === 'LocalDate' ? 'ChronoLocalDate' : 'ChronoLocalDateTime'], 'boolean', (target, [other]) => ms(target) === epochMillis(other)),
    method('isLeapYear', [], 'boolean', (target) => new Date(Date.UTC(new Date(ms(target)).getUTCFullYear(), 1, 29)).getUTCDate() === 29),
    method('lengthOfMonth', [], 'int', (target) => JavaNumber.int(new Date(Date.UTC(new Date(ms(target)).getUTCFullYear(), new Date(ms(target)).getUTCMonth() + 1, 0)).getUTCDate())),
    method('toEpochDay', [], 'long', (target) => JavaNumber.long(BigInt(Math.floor(ms(target) / DAY)))),
    method('atStartOfDay', [], 'LocalDateTime', (target) => new JavaObject('LocalDateTime', Math.floor(ms(target) / DAY) * DAY)),
    method('toLocalDate', [], 'LocalDate', (target) => localDate(ms(target))),
    method('with', ['TemporalAdjuster'], type, () => {
      throw new JavaException('UnsupportedOperation', 'the preview does not apply TemporalAdjusters');
    }),
  ];
}

export const LOCAL_DATE_METHODS = dateTimeMethods('LocalDate');
export const LOCAL_DATE_TIME_METHODS = dateTimeMethods('LocalDateTime');

export const INSTANT_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => isoInstant(data<number>(target, 'Instant')), javaEquals),
  method('now', [], 'Instant', () => new JavaObject('Instant', Date.now()), true),
  method('ofEpochMilli', ['long'], 'Instant', (_, [millis]) => new JavaObject('Instant', Number(long(millis))), true),
  method('ofEpochSecond', ['long'], 'Instant', (_, [seconds]) => new JavaObject('Instant', Number(long(seconds)) * 1000), true),
  method('parse', ['CharSequence'], 'Instant', (_, [text]) => {
    const millis = Date.parse(str(text));
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(str(text)) || Number.isNaN(millis)) throw new JavaException('java.time.format.DateTimeParseException', `Text '${str(text)}' could not be parsed at index 0`);
    return new JavaObject('Instant', millis);
  }, true),
  method('toEpochMilli', [], 'long', (target) => JavaNumber.long(BigInt(data<number>(target, 'Instant')))),
  method('getEpochSecond', [], 'long', (target) => JavaNumber.long(BigInt(Math.floor(data<number>(target, 'Instant') / 1000)))),
  method('plusSeconds', ['long'], 'Instant', (target, [seconds]) => new JavaObject('Instant', data<number>(target, 'Instant') + Number(long(seconds)) * 1000)),
  method('minusSeconds', ['long'], 'Instant', (target, [seconds]) => new JavaObject('Instant', data<number>(target, 'Instant') - Number(long(seconds)) * 1000)),
  method('plusMillis', ['long'], 'Instant', (target, [millis]) => new JavaObject('Instant', data<number>(target, 'Instant') + Number(long(millis)))),
  method('isBefore', ['Instant'], 'boolean', (target, [other]) => data<number>(target, 'Instant') < epochMillis(other)),
  method('isAfter', ['Instant'], 'boolean', (target, [other]) => data<number>(target, 'Instant') > epochMillis(other)),
];

export const DATE_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, (target) => javaDateToString(data<number>(target, 'Date')), javaEquals),
  method('getTime', [], 'long', (target) => JavaNumber.long(BigInt(data<number>(target, 'Date')))),
  method('before', ['Date'], 'boolean', (target, [other]) => data<number>(target, 'Date') < epochMillis(other)),
  method('after', ['Date'], 'boolean', (target, [other]) => data<number>(target, 'Date') > epochMillis(other)),
  method('toInstant', [], 'Instant', (target) => new JavaObject('Instant', data<number>(target, 'Date'))),
];

/** Every method of TemporalAdjusters returns a TemporalAdjuster, which kork refuses. */
export const TEMPORAL_ADJUSTERS_METHODS: MethodSpec[] = ['firstDayOfMonth', 'lastDayOfMonth', 'firstDayOfNextMonth', 'firstDayOfYear', 'lastDayOfYear', 'firstDayOfNextYear'].map((name) =>
  method(name, [], 'TemporalAdjuster', () => null, true),
);

export const SIMPLE_DATE_FORMAT_METHODS: MethodSpec[] = [
  ...objectMethods(javaHashCode, () => 'java.text.SimpleDateFormat@…', (target, other) => target === other),
  method('toPattern', [], 'String', (target) => data<string>(target, 'SimpleDateFormat')),
  method('format', ['Date'], 'String', (target, [date]) => formatDate(data<string>(target, 'SimpleDateFormat'), epochMillis(date))),
];

/** SimpleDateFormat for the common letters (y M d H m s S), in UTC. */
function formatDate(pattern: string, millis: number): string {
  const date = new Date(millis);
  const fields: Record<string, number> = { y: date.getUTCFullYear(), M: date.getUTCMonth() + 1, d: date.getUTCDate(), H: date.getUTCHours(), m: date.getUTCMinutes(), s: date.getUTCSeconds(), S: date.getUTCMilliseconds() };
  return pattern.replace(/'([^']*)'|([A-Za-z])\2*/g, (token: string, quoted: string | undefined, letter: string | undefined) => {
    if (quoted !== undefined) return quoted === '' ? "'" : quoted;
    const value = letter === undefined ? undefined : fields[letter];
    if (value === undefined) throw new JavaException('java.lang.IllegalArgumentException', `the preview does not write the pattern letter ${letter ?? token}`);
    if (letter === 'y' && token.length === 2) return String(value % 100).padStart(2, '0');
    return String(value).padStart(token.length, '0');
  });
}
