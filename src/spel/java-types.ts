import { convertValue } from './java-conversion';
import { ARRAY_METHODS, COLLECTION_VIEW_METHODS, ENTRY_METHODS, LIST_METHODS, MAP_METHODS, SET_VIEW_METHODS } from './java-collections';
import { BOOLEAN_METHODS, CHARACTER_METHODS, MATH_METHODS, NUMBER_METHODS } from './java-lang';
import { JavaException, type MethodSpec } from './java-methods';
import { JavaNumber } from './java-numbers';
import { STRING_METHODS } from './java-strings';
import {
  CHRONO_UNIT_METHODS,

  DATE_METHODS,
  DAY_OF_WEEK_METHODS,
  INSTANT_METHODS,
  LOCAL_DATE_METHODS,
  LOCAL_DATE_TIME_METHODS,
  SIMPLE_DATE_FORMAT_METHODS,
  TEMPORAL_ADJUSTERS_METHODS,
} from './java-time';
import { construct, RANDOM_METHODS, URL_ENCODER_METHODS, UUID_METHODS } from './java-util';
import { fromData, isJavaMap, isOrcaObject, JavaArray, JavaChar, JavaClass, JavaCollection, JavaEnum, JavaMapEntry, JavaObject } from './java-values';

/**
 * Types as `T(...)` and `new` find them: Spring's StandardTypeLocator (a simple name is looked up
 * in java.lang only, so `T(UUID)` is not found and `T(java.util.UUID)` is) behind kork's
 * AllowListTypeLocator, which refuses every type but a short list with Orca's message; and the
 * methods each kind of value has.
 */

interface AllowedType {
  simple: string;
  methods: MethodSpec[];
}

const ALLOWED: Record<string, AllowedType> = {
  'java.lang.String': { simple: 'String', methods: STRING_METHODS },
  'java.lang.Integer': { simple: 'Integer', methods: NUMBER_METHODS.int },
  'java.lang.Long': { simple: 'Long', methods: NUMBER_METHODS.long },
  'java.lang.Double': { simple: 'Double', methods: NUMBER_METHODS.double },
  'java.lang.Byte': { simple: 'Byte', methods: NUMBER_METHODS.byte },
  'java.lang.Boolean': { simple: 'Boolean', methods: BOOLEAN_METHODS },
  'java.lang.Math': { simple: 'Math', methods: MATH_METHODS },
  'java.util.Date': { simple: 'Date', methods: DATE_METHODS },
  'java.util.Random': { simple: 'Random', methods: RANDOM_METHODS },
  'java.util.UUID': { simple: 'UUID', methods: UUID_METHODS },
  'java.text.SimpleDateFormat': { simple: 'SimpleDateFormat', methods: SIMPLE_DATE_FORMAT_METHODS },
  'java.time.LocalDate': { simple: 'LocalDate', methods: LOCAL_DATE_METHODS },
  'java.time.LocalDateTime': { simple: 'LocalDateTime', methods: LOCAL_DATE_TIME_METHODS },
  'java.time.DayOfWeek': { simple: 'DayOfWeek', methods: DAY_OF_WEEK_METHODS },
  'java.time.Instant': { simple: 'Instant', methods: INSTANT_METHODS },
  'java.time.temporal.ChronoUnit': { simple: 'ChronoUnit', methods: CHRONO_UNIT_METHODS },
  'java.net.URLEncoder': { simple: 'URLEncoder', methods: URL_ENCODER_METHODS },
  'java.time.temporal.TemporalAdjusters': { simple: 'TemporalAdjusters', methods: TEMPORAL_ADJUSTERS_METHODS },
};

/** Classes of java.lang that exist (Spring finds them by their simple name) but kork refuses. */
const JAVA_LANG = new Set([
  'Object', 'Class', 'System', 'Runtime', 'Thread', 'ThreadLocal', 'Process', 'ProcessBuilder', 'ClassLoader', 'Character', 'Short', 'Float', 'Number', 'Void',
  'Enum', 'Record', 'Iterable', 'Comparable', 'CharSequence', 'StringBuilder', 'StringBuffer', 'StrictMath', 'Exception', 'RuntimeException', 'Error', 'Throwable',
  'SecurityManager', 'Module', 'Package', 'Runnable', 'AutoCloseable', 'Cloneable', 'Appendable', 'Readable', 'InheritableThreadLocal', 'StackWalker', 'ModuleLayer',
]);
const PRIMITIVE_TYPES = new Set(['int', 'long', 'double', 'float', 'short', 'byte', 'char', 'boolean', 'void']);
const JDK_PACKAGES = /^(java|javax|jdk|sun|com\.sun|org\.springframework|com\.netflix)\./;

export class TypeRefusedError extends Error {
  override readonly name = 'TypeRefusedError';
}

/** T(name) (with `dimensions` array levels): the class, or Orca's refusal, or Spring's "not found". */
export function findType(name: string, dimensions = 0): JavaClass {
  const suffix = '[]'.repeat(dimensions);
  if (!name.includes('.') && PRIMITIVE_TYPES.has(name)) return new JavaClass(name + suffix);
  const qualified = ALLOWED[name] !== undefined ? name : !name.includes('.') && ALLOWED[`java.lang.${name}`] !== undefined ? `java.lang.${name}` : undefined;
  if (qualified !== undefined) return new JavaClass(qualified + suffix);
  const exists = name.includes('.') ? JDK_PACKAGES.test(name) : JAVA_LANG.has(name);
  if (!exists) throw new TypeRefusedError(`EL1005E: Type cannot be found '${name}'`);
  // kork AllowListTypeLocator: SpelMessage.EXCEPTION_DURING_PROPERTY_READ with the type name alone.
  throw new TypeRefusedError(`EL1021E: A problem occurred whilst attempting to access the property '${name}': '{1}' (kork allows T(...) and new only for ${Object.values(ALLOWED).map((type) => type.simple).join(', ')})`);
}

/** The static methods of a class T(...) named. */
export function staticMethodsOf(type: JavaClass): MethodSpec[] {
  return ALLOWED[type.name]?.methods.filter((spec) => spec.static === true) ?? [];
}

/** `new name(args)`: an allowed type the preview can build, or Orca's refusal. */
export function constructObject(name: string, args: readonly unknown[]): unknown {
  const type = findType(name);
  const simple = ALLOWED[type.name]?.simple ?? type.simpleName;
  if (['Integer', 'Long', 'Double', 'Byte'].includes(simple) && args.length === 1) {
    const kind = { Integer: 'int', Long: 'long', Double: 'double', Byte: 'byte' }[simple] as 'int' | 'long' | 'double' | 'byte';
    const arg = fromData(args[0]);
    if (typeof arg === 'string') {
      const parsed = NUMBER_METHODS[kind].find((spec) => spec.static === true && spec.name === 'valueOf' && spec.params[0] === 'String' && spec.params.length === 1);
      if (parsed !== undefined) return parsed.invoke(null, [arg], { budget: { remainingMs: 0 } });
    }
    const converted = convertValue(arg, simple);
    if (converted instanceof JavaNumber) return JavaNumber.of(kind, kind === 'long' ? converted.toLong() : converted.toDouble());
  }
  if (simple === 'Boolean' && args.length === 1) {
    const arg = fromData(args[0]);
    return typeof arg === 'boolean' ? arg : typeof arg === 'string' && arg.toLowerCase() === 'true';
  }
  const built = construct(simple, args);
  if (built !== undefined) return built;
  throw new JavaException('UnsupportedOperation', `the preview does not build new ${type.name}(${args.length} argument${args.length === 1 ? '' : 's'})`);
}

/** The methods a value has (its class's public methods, statics included, as Spring sees them). */
export function methodsOf(value: unknown, orcaMethods: (value: unknown) => MethodSpec[] | undefined): MethodSpec[] {
  const v = fromData(value);
  if (typeof v === 'string') return STRING_METHODS;
  if (typeof v === 'boolean') return BOOLEAN_METHODS;
  if (v instanceof JavaNumber) return NUMBER_METHODS[v.kind];
  if (v instanceof JavaChar) return CHARACTER_METHODS;
  if (Array.isArray(v)) return LIST_METHODS;
  if (v instanceof JavaCollection) return v.kind === 'Set' ? SET_VIEW_METHODS : COLLECTION_VIEW_METHODS;
  if (v instanceof JavaArray) return ARRAY_METHODS;
  if (v instanceof JavaMapEntry) return ENTRY_METHODS;
  if (v instanceof JavaClass) return staticMethodsOf(v);
  if (v instanceof JavaEnum) return v.type === 'DayOfWeek' ? DAY_OF_WEEK_METHODS : v.type === 'ChronoUnit' ? CHRONO_UNIT_METHODS : (orcaMethods(v) ?? []);
  if (v instanceof JavaObject) {
    const table: Record<string, MethodSpec[]> = { UUID: UUID_METHODS, Date: DATE_METHODS, Random: RANDOM_METHODS, SimpleDateFormat: SIMPLE_DATE_FORMAT_METHODS, LocalDate: LOCAL_DATE_METHODS, LocalDateTime: LOCAL_DATE_TIME_METHODS, Instant: INSTANT_METHODS };
    return table[v.type] ?? [];
  }
  if (isOrcaObject(v)) return orcaMethods(v) ?? [];
  if (isJavaMap(v)) return MAP_METHODS;
  return [];
}

/** The Java class name of a value's type, for messages (java.lang.String, java.util.ArrayList, ...). */
export function classNameOf(value: unknown): string {
  const v = fromData(value);
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (v instanceof JavaNumber) return `java.lang.${{ int: 'Integer', long: 'Long', double: 'Double', float: 'Float', short: 'Short', byte: 'Byte' }[v.kind]}`;
  if (v instanceof JavaChar) return 'java.lang.Character';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof JavaCollection) return v.kind === 'Set' ? 'java.util.LinkedHashMap$LinkedKeySet' : 'java.util.LinkedHashMap$LinkedValues';
  if (v instanceof JavaArray) return `${v.component}[]`;
  if (v instanceof JavaClass) return v.name;
  if (v instanceof JavaEnum) return v.type === 'ExecutionStatus' ? 'com.netflix.spinnaker.orca.api.pipeline.models.ExecutionStatus' : `java.time.${v.type}`;
  if (v instanceof JavaObject) return Object.keys(ALLOWED).find((name) => ALLOWED[name]?.simple === v.type) ?? v.type;
  if (isOrcaObject(v)) return `com.netflix.spinnaker.orca.pipeline.model.${v.javaClass}`;
  if (isJavaMap(v)) return 'java.util.LinkedHashMap';
  return 'java.lang.Object';
}

/** The simple name of the class T(...) gave, for instanceof. */
export function simpleNameOf(type: JavaClass): string {
  return ALLOWED[type.name]?.simple ?? type.simpleName;
}
