/**
 * Java regular expressions (java.util.regex.Pattern, what Orca's `matches` and String.split run)
 * rewritten as JavaScript regular expressions with the same meaning, for the preview.
 *
 * The two dialects agree on most syntax but not on its meaning: Java's `.`, `^`, `$`, `\s`, `\b`,
 * `\v` and `(?i)` match other characters than JavaScript's; Java has inline flags anywhere,
 * possessive quantifiers, atomic groups, `\Q...\E`, `\A \Z \z`, `\h \R`, nested classes and
 * class intersection, POSIX and java.lang.Character classes. Each construct is read here as Java
 * reads it (Pattern.java of JDK 17) and written out explicitly, so that the JavaScript engine's
 * own flags play no part (only `v`: both engines read the text by code points, and `v` has the
 * set operations that Java's classes need).
 *
 * What cannot be written with the same meaning is refused (JavaRegexError 'unsupported'), never
 * guessed: Unicode blocks, `\G`, `\X`, grapheme boundaries, UNICODE_CASE and
 * UNICODE_CHARACTER_CLASS, CANON_EQ, back references that JavaScript would let match the empty
 * string where Java fails (a group that may not have taken part yet, or case-insensitive), and
 * repeated parts whose empty match Java and JavaScript loop over differently (checkEmptyLoops).
 * What Java refuses is refused as 'invalid', with Java's message where it has one.
 *
 * `\b` is JDK 17's (Orca's Java): a letter or digit of any script is a word character for it,
 * unlike `\w`; JDK 19 made it follow `\w`. The translation was checked against OpenJDK 17.0.15
 * on random patterns and texts; test/unit/spel/fixtures/java-regex-cases.json keeps a sample.
 */

export type JavaRegexErrorKind = 'invalid' | 'unsupported';

export class JavaRegexError extends Error {
  override readonly name = 'JavaRegexError';
  constructor(
    readonly kind: JavaRegexErrorKind,
    message: string,
    /** Index in the pattern (in code points) where the problem was found. */
    readonly index: number,
  ) {
    super(message);
  }
}

/** The JavaScript source to compile with the `v` flag (Unicode sets), and no other flag. */
export interface TranslatedRegex {
  source: string;
}

interface Flags {
  /** CASE_INSENSITIVE (ASCII only unless UNICODE_CASE). */
  i: boolean;
  /** UNIX_LINES: only `\n` ends a line. */
  d: boolean;
  m: boolean;
  s: boolean;
  /** UNICODE_CASE. */
  u: boolean;
  /** COMMENTS: whitespace and `#` comments are ignored. */
  x: boolean;
}

/** Inclusive code point ranges, sorted and disjoint. */
type Ranges = Array<[number, number]>;

/**
 * A set of code points: plain ranges where they suffice (computed exactly), else an expression
 * over Unicode property escapes (`\p{Lu}`) written with the set operations of the `v` flag.
 */
type CharSet =
  | { t: 'ranges'; ranges: Ranges }
  | { t: 'prop'; source: string }
  | { t: 'union'; items: CharSet[] }
  | { t: 'and'; items: [CharSet, CharSet] }
  | { t: 'not'; item: CharSet };

type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'set'; set: CharSet }
  | { t: 'assert'; source: string }
  | { t: 'empty' }
  | { t: 'group'; kind: GroupKind; body: Node; javaIndex?: number; name?: string }
  | { t: 'quant'; body: Node; min: number; max: number | null; mode: 'greedy' | 'lazy' | 'possessive' }
  | { t: 'backref'; javaIndex: number; at: number };

type GroupKind = 'capture' | 'plain' | 'ahead' | 'notAhead' | 'behind' | 'notBehind' | 'atomic';

const MAX_CODE_POINT = 0x10ffff;
/** Pattern.MAX_REPS: `{n,}` is `{n,2147483647}`. */
const MAX_REPS = 0x7fffffff;

// Java's line terminators (Pattern's DOT, Caret and Dollar): \n \r \u0085 \u2028 \u2029.
const NOT_LINE_TERMINATOR = String.raw`[^\n\r\u0085\u2028\u2029]`;
// Java's word character for \b (JDK 17 Pattern.Bound: Character.isLetterOrDigit or '_', and a
// non-spacing mark that follows a letter or digit).
const WORD_BEFORE = String.raw`(?:[\p{L}\p{Nd}_]|[\p{L}\p{Nd}]\p{Mn}+)`;
const WORD_AFTER = String.raw`(?:[\p{L}\p{Nd}_]|(?<=[\p{L}\p{Nd}]\p{Mn}*)\p{Mn})`;

const ASCII_SPACE: Ranges = [
  [0x09, 0x0d],
  [0x20, 0x20],
];
const DIGITS: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const HORIZONTAL_SPACE: Ranges = [
  [0x09, 0x09],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200a],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
const VERTICAL_SPACE: Ranges = [
  [0x0a, 0x0d],
  [0x85, 0x85],
  [0x2028, 0x2029],
];
const ASCII_ALPHA: Ranges = [
  [0x41, 0x5a],
  [0x61, 0x7a],
];
const ASCII_PUNCT: Ranges = [
  [0x21, 0x2f],
  [0x3a, 0x40],
  [0x5b, 0x60],
  [0x7b, 0x7e],
];

/** Pattern's POSIX classes (US-ASCII only, as without UNICODE_CHARACTER_CLASS). */
const POSIX: Record<string, Ranges> = {
  ASCII: [[0x00, 0x7f]],
  Alnum: normalize([...ASCII_ALPHA, ...DIGITS]),
  Alpha: ASCII_ALPHA,
  Blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  Cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  Digit: DIGITS,
  Graph: normalize([...ASCII_ALPHA, ...DIGITS, ...ASCII_PUNCT]),
  Lower: [[0x61, 0x7a]],
  Print: [[0x20, 0x7e]],
  Punct: ASCII_PUNCT,
  Space: ASCII_SPACE,
  Upper: [[0x41, 0x5a]],
  XDigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
  L1: [[0x00, 0xff]],
  all: [[0, MAX_CODE_POINT]],
};

/** General categories as Java names them (CharPredicates.forProperty), all known to JavaScript by the same name. */
const CATEGORIES = new Set([
  'Cn', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Me', 'Mc', 'Nd', 'Nl', 'No', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Co', 'Cs',
  'Pd', 'Ps', 'Pe', 'Pc', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Pi', 'Pf', 'L', 'M', 'N', 'Z', 'C', 'P', 'S', 'LC',
]);
const CASED_LETTERS = [String.raw`\p{Lu}`, String.raw`\p{Ll}`, String.raw`\p{Lt}`];
const ANY_CASE = [String.raw`\p{Lowercase}`, String.raw`\p{Uppercase}`, String.raw`\p{Lt}`];

/** java.lang.Character predicates (`\p{javaDigit}`) with an exact JavaScript equivalent. */
const JAVA_CHARACTER: Record<string, (caseInsensitive: boolean) => string[]> = {
  javaLowerCase: (ci) => (ci ? ANY_CASE : [String.raw`\p{Lowercase}`]),
  javaUpperCase: (ci) => (ci ? ANY_CASE : [String.raw`\p{Uppercase}`]),
  javaTitleCase: (ci) => (ci ? ANY_CASE : [String.raw`\p{Lt}`]),
  javaAlphabetic: () => [String.raw`\p{Alphabetic}`],
  javaIdeographic: () => [String.raw`\p{Ideographic}`],
  javaDigit: () => [String.raw`\p{Nd}`],
  javaLetter: () => [String.raw`\p{L}`],
  javaLetterOrDigit: () => [String.raw`\p{L}`, String.raw`\p{Nd}`],
  javaDefined: () => [String.raw`\P{Cn}`],
  javaSpaceChar: () => [String.raw`\p{Z}`],
};

/** `\p{IsX}` properties Java knows that have no exact JavaScript equivalent. */
const UNTRANSLATED_PROPERTIES = new Set(['HEXDIGIT', 'HEX_DIGIT', 'XDIGIT', 'WORD', 'GRAPH', 'PRINT', 'EMOJI', 'EMOJI_PRESENTATION', 'EMOJI_MODIFIER', 'EMOJI_MODIFIER_BASE', 'EMOJI_COMPONENT', 'EXTENDED_PICTOGRAPHIC']);

/** `\p{IsX}` binary properties (CharPredicates.getUnicodePredicate / getPosixPredicate), by upper-case name. */
const UNICODE_PROPERTIES: Record<string, (caseInsensitive: boolean) => string[]> = {
  ALPHABETIC: () => [String.raw`\p{Alphabetic}`],
  ALPHA: () => [String.raw`\p{Alphabetic}`],
  ASSIGNED: () => [String.raw`\P{Cn}`],
  CONTROL: () => [String.raw`\p{Cc}`],
  CNTRL: () => [String.raw`\p{Cc}`],
  IDEOGRAPHIC: () => [String.raw`\p{Ideographic}`],
  JOIN_CONTROL: () => [String.raw`\p{Join_Control}`],
  JOINCONTROL: () => [String.raw`\p{Join_Control}`],
  LETTER: () => [String.raw`\p{L}`],
  LOWERCASE: (ci) => (ci ? ANY_CASE : [String.raw`\p{Lowercase}`]),
  LOWER: (ci) => (ci ? ANY_CASE : [String.raw`\p{Lowercase}`]),
  UPPERCASE: (ci) => (ci ? ANY_CASE : [String.raw`\p{Uppercase}`]),
  UPPER: (ci) => (ci ? ANY_CASE : [String.raw`\p{Uppercase}`]),
  TITLECASE: (ci) => (ci ? ANY_CASE : [String.raw`\p{Lt}`]),
  NONCHARACTER_CODE_POINT: () => [String.raw`\p{Noncharacter_Code_Point}`],
  NONCHARACTERCODEPOINT: () => [String.raw`\p{Noncharacter_Code_Point}`],
  PUNCTUATION: () => [String.raw`\p{P}`],
  PUNCT: () => [String.raw`\p{P}`],
  WHITE_SPACE: () => [String.raw`\p{White_Space}`],
  WHITESPACE: () => [String.raw`\p{White_Space}`],
  SPACE: () => [String.raw`\p{White_Space}`],
  DIGIT: () => [String.raw`\p{Nd}`],
  ALNUM: () => [String.raw`\p{Alphabetic}`, String.raw`\p{Nd}`],
  BLANK: () => [String.raw`\p{Zs}`, String.raw`\t`],
};

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

function isAsciiDigit(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39;
}

function isHex(cp: number): boolean {
  return isAsciiDigit(cp) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66);
}

/** ASCII.isSpace: what COMMENTS mode skips. */
function isAsciiSpace(cp: number): boolean {
  return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
}

function normalize(ranges: Ranges): Ranges {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const merged: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

function complement(ranges: Ranges): Ranges {
  const result: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) result.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

function intersect(a: Ranges, b: Ranges): Ranges {
  const result: Ranges = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) result.push([lo, hi]);
    }
  }
  return normalize(result);
}

/** CASE_INSENSITIVE without UNICODE_CASE: an ASCII letter also matches its other case (Pattern's CIRange, BitClass.add). */
function withAsciiCase(ranges: Ranges): Ranges {
  const extra: Ranges = [];
  for (const [from, to] of [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ] as const) {
    const shift = from === 0x41 ? 0x20 : -0x20;
    for (const [lo, hi] of intersect(ranges, [[from, to]])) extra.push([lo + shift, hi + shift]);
  }
  return normalize([...ranges, ...extra]);
}

function rangesSet(ranges: Ranges): CharSet {
  return { t: 'ranges', ranges: normalize(ranges) };
}

function propsSet(props: readonly string[]): CharSet {
  const items: CharSet[] = props.map((source) => ({ t: 'prop', source }));
  return items.length === 1 && items[0] !== undefined ? items[0] : { t: 'union', items };
}

function negateSet(set: CharSet): CharSet {
  if (set.t === 'ranges') return rangesSet(complement(set.ranges));
  if (set.t === 'not') return set.item;
  return { t: 'not', item: set };
}

function unionSets(a: CharSet, b: CharSet): CharSet {
  if (a.t === 'ranges' && b.t === 'ranges') return rangesSet([...a.ranges, ...b.ranges]);
  const items = [...(a.t === 'union' ? a.items : [a]), ...(b.t === 'union' ? b.items : [b])];
  const ranges = items.flatMap((item) => (item.t === 'ranges' ? item.ranges : []));
  const others = items.filter((item) => item.t !== 'ranges');
  return { t: 'union', items: ranges.length > 0 ? [rangesSet(ranges), ...others] : others };
}

function intersectSets(a: CharSet, b: CharSet): CharSet {
  if (a.t === 'ranges' && b.t === 'ranges') return rangesSet(intersect(a.ranges, b.ranges));
  return { t: 'and', items: [a, b] };
}

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function rangeItems(ranges: Ranges): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

/** The set as one class of the `v` flag: `[...]`, nested classes, `&&`, `[^...]`. */
function emitSet(set: CharSet): string {
  switch (set.t) {
    case 'ranges':
      return `[${rangeItems(set.ranges)}]`;
    case 'prop':
      return `[${set.source}]`;
    case 'union':
      return `[${set.items.map((item) => (item.t === 'ranges' ? rangeItems(item.ranges) : item.t === 'prop' ? item.source : emitSet(item))).join('')}]`;
    case 'and':
      return `[${set.items.map((item) => (item.t === 'prop' ? item.source : emitSet(item))).join('&&')}]`;
    case 'not':
      return `[^${set.item.t === 'prop' ? set.item.source : emitSet(set.item)}]`;
  }
}

class Parser {
  private readonly cps: number[];
  private pos = 0;
  private flags: Flags;
  /** Java's capturing groups opened so far (numbered from 1, in order of their `(`). */
  private groups = 0;
  private readonly names = new Map<string, number>();

  constructor(
    private readonly pattern: string,
    flags: Flags,
  ) {
    this.cps = Array.from(pattern, (char) => char.codePointAt(0) ?? 0);
    this.flags = flags;
  }

  private fail(kind: JavaRegexErrorKind, message: string, at = this.pos): never {
    throw new JavaRegexError(kind, kind === 'invalid' ? `${message} near index ${at}` : message, at);
  }

  private unsupported(what: string, at = this.pos): never {
    return this.fail('unsupported', `preview cannot evaluate ${what} of Java regular expressions with the same meaning`, at);
  }

  private atEnd(): boolean {
    return this.pos >= this.cps.length;
  }

  /** The next code point without consuming it (-1 at the end); in COMMENTS mode past whitespace and comments. */
  private peek(): number {
    if (this.flags.x) this.skipIgnorable();
    return this.cps[this.pos] ?? -1;
  }

  private peekRaw(offset = 0): number {
    return this.cps[this.pos + offset] ?? -1;
  }

  private read(): number {
    const cp = this.cps[this.pos] ?? -1;
    this.pos++;
    return cp;
  }

  private skipIgnorable(): void {
    for (;;) {
      const cp = this.cps[this.pos];
      if (cp === undefined) return;
      if (isAsciiSpace(cp)) {
        this.pos++;
      } else if (cp === 0x23 /* # */) {
        while (this.pos < this.cps.length && !this.isLineSeparator(this.cps[this.pos] ?? -1)) this.pos++;
      } else {
        return;
      }
    }
  }

  private isLineSeparator(cp: number): boolean {
    if (this.flags.d) return cp === 0x0a;
    return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
  }

  parse(): Node {
    const node = this.parseAlternation();
    if (!this.atEnd()) {
      if (this.peekRaw() === 0x29 /* ) */) this.fail('invalid', 'Unmatched closing \')\'');
      this.fail('invalid', 'Unexpected internal error');
    }
    return node;
  }

  private parseAlternation(): Node {
    const branches: Node[] = [this.parseSequence()];
    while (this.peek() === 0x7c /* | */) {
      this.read();
      branches.push(this.parseSequence());
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: 'alt', branches };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const cp = this.peek();
      if (cp === -1 || cp === 0x7c || cp === 0x29) break;
      const atom = this.parseAtom();
      if (atom === undefined) continue;
      if (Array.isArray(atom)) {
        // \Q...\E: each character is an atom; a quantifier after it applies to the last one.
        const last = atom.pop();
        items.push(...atom);
        if (last !== undefined) items.push(this.parseQuantifier(last));
        continue;
      }
      items.push(this.parseQuantifier(atom));
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  /** One atom; undefined for a flag group `(?i)`; an array for the characters of `\Q...\E`. */
  private parseAtom(): Node | Node[] | undefined {
    const start = this.pos;
    const cp = this.read();
    switch (cp) {
      case 0x28 /* ( */:
        return this.parseGroup();
      case 0x5b /* [ */: {
        const set = this.parseClass(start);
        return { t: 'set', set };
      }
      case 0x5c /* \ */:
        return this.parseEscape();
      case 0x5e /* ^ */:
        return { t: 'assert', source: this.caret() };
      case 0x24 /* $ */:
        return { t: 'assert', source: this.dollar(this.flags.m) };
      case 0x2e /* . */:
        return { t: 'set', set: this.dot() };
      case 0x3f /* ? */:
      case 0x2a /* * */:
      case 0x2b /* + */:
        return this.fail('invalid', `Dangling meta character '${String.fromCodePoint(cp)}'`, start);
      case 0x7b /* { */:
        // Java reads an empty atom here, which the following counted quantifier repeats (or "Illegal repetition").
        this.pos = start;
        return { t: 'empty' };
      default:
        return this.literal(cp);
    }
  }

  private literal(cp: number): Node {
    return { t: 'set', set: this.cased([[cp, cp]], this.pos - 1) };
  }

  private caret(): string {
    if (!this.flags.m) return '^';
    // Caret / UnixCaret: at the start or after a line terminator (not between \r and \n), never at the very end.
    if (this.flags.d) return String.raw`(?:^|(?<=\n))(?=[^])`;
    return String.raw`(?:^|(?<=[\n\u0085\u2028\u2029])|(?<=\r)(?!\n))(?=[^])`;
  }

  private dollar(multiline: boolean): string {
    if (this.flags.d) return multiline ? String.raw`(?=\n|$)` : String.raw`(?=\n?$)`;
    // Dollar: at the end, or before a line terminator (\r\n counts as one) that ends the input, or any in MULTILINE.
    if (multiline) return String.raw`(?:$|(?=[\r\u0085\u2028\u2029])|(?<!\r)(?=\n))`;
    return String.raw`(?=(?:\r\n|(?<!\r)\n|[\r\u0085\u2028\u2029])?$)`;
  }

  private dot(): CharSet {
    if (this.flags.s) return rangesSet([[0, MAX_CODE_POINT]]);
    if (this.flags.d) return rangesSet(complement([[0x0a, 0x0a]]));
    return rangesSet(
      complement([
        [0x0a, 0x0a],
        [0x0d, 0x0d],
        [0x85, 0x85],
        [0x2028, 0x2029],
      ]),
    );
  }

  private parseGroup(): Node | undefined {
    const start = this.pos - 1;
    const saved = { ...this.flags };
    let node: Node;
    if (this.peekRaw() === 0x3f /* ? */) {
      this.read();
      const kind = this.read();
      switch (kind) {
        case 0x3a /* : */:
          node = { t: 'group', kind: 'plain', body: this.parseAlternation() };
          break;
        case 0x3d /* = */:
          node = { t: 'group', kind: 'ahead', body: this.parseAlternation() };
          break;
        case 0x21 /* ! */:
          node = { t: 'group', kind: 'notAhead', body: this.parseAlternation() };
          break;
        case 0x3e /* > */:
          node = { t: 'group', kind: 'atomic', body: this.parseAlternation() };
          break;
        case 0x3c /* < */: {
          const next = this.read();
          if (next === 0x3d || next === 0x21) {
            const body = this.parseAlternation();
            if (maxLength(body) === Number.POSITIVE_INFINITY) this.fail('invalid', 'Look-behind group does not have an obvious maximum length', start);
            node = { t: 'group', kind: next === 0x3d ? 'behind' : 'notBehind', body };
          } else {
            const name = this.groupName(next);
            if (this.names.has(name)) this.fail('invalid', `Named capturing group <${name}> is already defined`);
            const javaIndex = ++this.groups;
            this.names.set(name, javaIndex);
            node = { t: 'group', kind: 'capture', javaIndex, name, body: this.parseAlternation() };
          }
          break;
        }
        case 0x24 /* $ */:
        case 0x40 /* @ */:
          return this.fail('invalid', 'Unknown group type');
        default: {
          this.pos--;
          this.readFlags();
          const end = this.read();
          if (end === 0x29 /* ) */) return undefined; // (?i): for the rest of the enclosing group
          if (end !== 0x3a /* : */) this.fail('invalid', 'Unknown inline modifier');
          node = { t: 'group', kind: 'plain', body: this.parseAlternation() };
        }
      }
    } else {
      const javaIndex = ++this.groups;
      node = { t: 'group', kind: 'capture', javaIndex, body: this.parseAlternation() };
    }
    if (this.peek() !== 0x29) this.fail('invalid', 'Unclosed group', this.cps.length);
    this.read();
    this.flags = saved;
    return node;
  }

  private groupName(first: number): string {
    if (!isAsciiLetter(first)) this.fail('invalid', 'capturing group name does not start with a Latin letter');
    let name = String.fromCodePoint(first);
    let cp = this.read();
    while (isAsciiLetter(cp) || isAsciiDigit(cp)) {
      name += String.fromCodePoint(cp);
      cp = this.read();
    }
    if (cp !== 0x3e /* > */) this.fail('invalid', "named capturing group is missing trailing '>'");
    return name;
  }

  /** Pattern.addFlag / subFlag: `idmsux` on, then after `-` off. */
  private readFlags(): void {
    let on = true;
    for (;;) {
      const cp = this.peek();
      const flag = String.fromCodePoint(Math.max(cp, 0));
      if (cp === 0x2d /* - */ && on) {
        on = false;
      } else if (flag === 'i' || flag === 'd' || flag === 'm' || flag === 's' || flag === 'u' || flag === 'x') {
        this.flags[flag] = on;
      } else if (flag === 'U') {
        if (on) this.unsupported('UNICODE_CHARACTER_CLASS ((?U))');
        this.flags.u = false;
      } else if (flag === 'c') {
        if (on) this.unsupported('CANON_EQ ((?c))');
      } else {
        return;
      }
      this.read();
    }
  }

  private parseQuantifier(atom: Node): Node {
    const start = this.pos;
    const cp = this.peek();
    let min: number;
    let max: number | null;
    if (cp === 0x3f /* ? */) {
      min = 0;
      max = 1;
      this.read();
    } else if (cp === 0x2a /* * */) {
      min = 0;
      max = null;
      this.read();
    } else if (cp === 0x2b /* + */) {
      min = 1;
      max = null;
      this.read();
    } else if (cp === 0x7b /* { */) {
      if (!isAsciiDigit(this.peekRaw(1))) this.fail('invalid', 'Illegal repetition', start);
      this.read();
      min = this.readNumber(start);
      max = min;
      if (this.peekRaw() === 0x2c /* , */) {
        this.read();
        max = this.peekRaw() === 0x7d ? MAX_REPS : this.readNumber(start);
      }
      if (this.read() !== 0x7d /* } */) this.fail('invalid', 'Unclosed counted closure', this.pos - 1);
      if (max < min) this.fail('invalid', 'Illegal repetition range', start);
      if (max >= MAX_REPS) max = null;
    } else {
      if (atom.t === 'empty') this.fail('invalid', 'Illegal repetition', start);
      return atom;
    }
    let mode: 'greedy' | 'lazy' | 'possessive' = 'greedy';
    const after = this.peek();
    if (after === 0x3f) {
      mode = 'lazy';
      this.read();
    } else if (after === 0x2b) {
      mode = 'possessive';
      this.read();
    }
    return { t: 'quant', body: atom, min, max, mode };
  }

  private readNumber(start: number): number {
    let value = 0;
    let digits = 0;
    while (isAsciiDigit(this.peekRaw())) {
      value = value * 10 + (this.read() - 0x30);
      digits++;
      if (value > MAX_REPS) this.fail('invalid', 'Illegal repetition range', start);
    }
    return digits === 0 ? 0 : value;
  }

  /** After a backslash outside a class. */
  private parseEscape(): Node | Node[] {
    const start = this.pos - 1;
    const cp = this.read();
    switch (cp) {
      case 0x70 /* p */:
      case 0x50 /* P */:
        return { t: 'set', set: this.property(cp === 0x50) };
      case 0x51 /* Q */:
        return this.quoted().map((quotedCp) => this.literal(quotedCp));
      case 0x41 /* A */:
        return { t: 'assert', source: '^' };
      case 0x7a /* z */:
        return { t: 'assert', source: '$' };
      case 0x5a /* Z */:
        return { t: 'assert', source: this.dollar(false) };
      case 0x62 /* b */:
        if (this.peekRaw() === 0x7b /* { */ && this.peekRaw(1) === 0x67 /* g */) {
          if (this.peekRaw(2) !== 0x7d) this.fail('invalid', 'Illegal/unsupported escape sequence', start);
          this.unsupported('grapheme cluster boundaries (\\b{g})', start);
        }
        return { t: 'assert', source: `(?:(?<=${WORD_BEFORE})(?!${WORD_AFTER})|(?<!${WORD_BEFORE})(?=${WORD_AFTER}))` };
      case 0x42 /* B */:
        return { t: 'assert', source: `(?:(?<=${WORD_BEFORE})(?=${WORD_AFTER})|(?<!${WORD_BEFORE})(?!${WORD_AFTER}))` };
      case 0x47 /* G */:
        return this.unsupported('\\G (end of the previous match)', start);
      case 0x58 /* X */:
        return this.unsupported('\\X (grapheme clusters)', start);
      case 0x52 /* R */:
        // Pattern.LineEnding (JDK 9+): \r\n, else one line break; not atomic.
        return {
          t: 'group',
          kind: 'plain',
          body: {
            t: 'alt',
            branches: [
              { t: 'seq', items: [{ t: 'set', set: rangesSet([[0x0d, 0x0d]]) }, { t: 'set', set: rangesSet([[0x0a, 0x0a]]) }] },
              { t: 'set', set: rangesSet([[0x0a, 0x0d], [0x85, 0x85], [0x2028, 0x2029]]) },
            ],
          },
        };
      case 0x6b /* k */: {
        if (this.read() !== 0x3c /* < */) this.fail('invalid', "\\k is not followed by '<' for named capturing group");
        const name = this.groupName(this.read());
        const javaIndex = this.names.get(name);
        if (javaIndex === undefined) this.fail('invalid', `named capturing group <${name}> does not exist`);
        return this.backref(javaIndex, start);
      }
      default: {
        if (cp >= 0x31 && cp <= 0x39) return this.backref(this.backrefNumber(cp - 0x30), start);
        this.pos = start;
        const value = this.escapeValue(false, false);
        return typeof value === 'number' ? this.literal(value) : { t: 'set', set: value };
      }
    }
  }

  /** Pattern.ref: more digits are read only while they name a group already opened. */
  private backrefNumber(first: number): number {
    let number = first;
    while (isAsciiDigit(this.peekRaw())) {
      const next = number * 10 + (this.peekRaw() - 0x30);
      if (next > this.groups) break;
      number = next;
      this.read();
    }
    return number;
  }

  private backref(javaIndex: number, at: number): Node {
    if (this.flags.i) this.unsupported('case-insensitive back references', at);
    return { t: 'backref', javaIndex, at };
  }

  /** `\Q...\E` (Pattern.RemoveQEQuoting): every character up to `\E` or the end is literal. */
  private quoted(): number[] {
    const cps: number[] = [];
    while (!this.atEnd()) {
      if (this.peekRaw() === 0x5c && this.peekRaw(1) === 0x45 /* \E */) {
        this.pos += 2;
        break;
      }
      cps.push(this.read());
    }
    return cps;
  }

  /**
   * An escape that stands for characters (Pattern.escape): one code point (`\t`, `\x41`, `\.`),
   * or a predefined class (`\d`, `\s`). The backslash is the next code point.
   */
  private escapeValue(inClass: boolean, isRangeEnd: boolean): number | CharSet {
    const start = this.pos;
    this.read();
    const cp = this.read();
    switch (cp) {
      case -1:
        return this.fail('invalid', 'Unexpected internal error', start);
      case 0x30 /* 0 */:
        return this.octal();
      case 0x61 /* a */:
        return 0x07;
      case 0x65 /* e */:
        return 0x1b;
      case 0x66 /* f */:
        return 0x0c;
      case 0x6e /* n */:
        return 0x0a;
      case 0x72 /* r */:
        return 0x0d;
      case 0x74 /* t */:
        return 0x09;
      case 0x63 /* c */:
        if (this.atEnd()) this.fail('invalid', 'Illegal control escape sequence');
        return this.read() ^ 64;
      case 0x78 /* x */:
        return this.hexEscape();
      case 0x75 /* u */:
        return this.unicodeEscape();
      case 0x64 /* d */:
        return rangesSet(DIGITS);
      case 0x44 /* D */:
        return rangesSet(complement(DIGITS));
      case 0x77 /* w */:
        return rangesSet(WORD);
      case 0x57 /* W */:
        return rangesSet(complement(WORD));
      case 0x73 /* s */:
        return rangesSet(ASCII_SPACE);
      case 0x53 /* S */:
        return rangesSet(complement(ASCII_SPACE));
      case 0x68 /* h */:
        return rangesSet(HORIZONTAL_SPACE);
      case 0x48 /* H */:
        return rangesSet(complement(HORIZONTAL_SPACE));
      case 0x76 /* v */:
        // In a range, \v is still the vertical tab of Java before 8.
        return isRangeEnd ? 0x0b : rangesSet(VERTICAL_SPACE);
      case 0x56 /* V */:
        return rangesSet(complement(VERTICAL_SPACE));
      case 0x4e /* N */:
        return this.unsupported('\\N{name}', start);
      default:
        if (isAsciiLetter(cp) || (inClass && isAsciiDigit(cp))) this.fail('invalid', 'Illegal/unsupported escape sequence', this.pos - 1);
        return cp;
    }
  }

  /** Pattern.o: `\0n`, `\0nn`, `\0mnn` (m <= 3). */
  private octal(): number {
    const isOctal = (cp: number) => cp >= 0x30 && cp <= 0x37;
    const n = this.peekRaw();
    if (!isOctal(n)) this.fail('invalid', 'Illegal octal escape sequence');
    this.read();
    const m = this.peekRaw();
    if (!isOctal(m)) return n - 0x30;
    this.read();
    const o = this.peekRaw();
    if (isOctal(o) && n <= 0x33) {
      this.read();
      return (n - 0x30) * 64 + (m - 0x30) * 8 + (o - 0x30);
    }
    return (n - 0x30) * 8 + (m - 0x30);
  }

  /** Pattern.x: `\xhh` or `\x{h...h}`. */
  private hexEscape(): number {
    const start = this.pos;
    if (this.peekRaw() === 0x7b /* { */) {
      this.read();
      let value = 0;
      let digits = 0;
      while (isHex(this.peekRaw())) {
        value = value * 16 + Number.parseInt(String.fromCodePoint(this.read()), 16);
        digits++;
        if (value > MAX_CODE_POINT) this.fail('invalid', 'Hexadecimal codepoint is too big', start);
      }
      if (digits === 0 || this.read() !== 0x7d) this.fail('invalid', 'Unclosed hexadecimal escape sequence', start);
      return value;
    }
    const a = this.read();
    const b = this.read();
    if (!isHex(a) || !isHex(b)) this.fail('invalid', 'Illegal hexadecimal escape sequence', start);
    return Number.parseInt(String.fromCodePoint(a, b), 16);
  }

  /** Pattern.u: four hex digits; an escaped surrogate pair is one code point. */
  private unicodeEscape(): number {
    const four = (): number => {
      let value = 0;
      for (let index = 0; index < 4; index++) {
        const cp = this.read();
        if (!isHex(cp)) this.fail('invalid', 'Illegal Unicode escape sequence', this.pos - 1);
        value = value * 16 + Number.parseInt(String.fromCodePoint(cp), 16);
      }
      return value;
    };
    const high = four();
    if (high >= 0xd800 && high <= 0xdbff && this.peekRaw() === 0x5c && this.peekRaw(1) === 0x75) {
      const save = this.pos;
      this.pos += 2;
      if ([0, 1, 2, 3].every((offset) => isHex(this.peekRaw(offset)))) {
        const low = four();
        if (low >= 0xdc00 && low <= 0xdfff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      }
      this.pos = save;
    }
    return high;
  }

  /** `\p{...}` / `\pL` (Pattern.family); the `p` or `P` is already read. */
  private property(negated: boolean): CharSet {
    const start = this.pos - 2;
    let name: string;
    if (this.peekRaw() === 0x7b /* { */) {
      this.read();
      const close = this.cps.indexOf(0x7d, this.pos);
      if (close === -1) this.fail('invalid', 'Unclosed character family', start);
      name = String.fromCodePoint(...this.cps.slice(this.pos, close));
      this.pos = close + 1;
      if (name === '') this.fail('invalid', 'Empty character family', start);
    } else {
      if (this.atEnd()) this.fail('invalid', 'Illegal/unsupported escape sequence', start);
      name = String.fromCodePoint(this.read());
    }
    const set = this.propertySet(name, start);
    return negated ? negateSet(set) : set;
  }

  private propertySet(name: string, start: number): CharSet {
    const ci = this.flags.i;
    const unknown = (): never => this.fail('invalid', `Unknown character property name {${name}}`, start);
    const equals = name.indexOf('=');
    if (equals !== -1) {
      const key = name.slice(0, equals).toLowerCase();
      const value = name.slice(equals + 1);
      if (key === 'sc' || key === 'script') return propsSet([scriptProperty(value) ?? this.unsupported(`the script ${value} (\\p{${name}})`, start)]);
      if (key === 'gc' || key === 'general_category') return this.categorySet(value, ci) ?? unknown();
      if (key === 'blk' || key === 'block') return this.unsupported(`Unicode blocks (\\p{${name}})`, start);
      return this.fail('invalid', `Unknown Unicode property {name=<${key}>, value=<${value}>}`, start);
    }
    if (name.startsWith('In')) return this.unsupported(`Unicode blocks (\\p{${name}})`, start);
    if (name.startsWith('Is')) {
      const short = name.slice(2);
      const property = UNICODE_PROPERTIES[short.toUpperCase()];
      if (property !== undefined) return propsSet(property(ci));
      if (UNTRANSLATED_PROPERTIES.has(short.toUpperCase())) return this.unsupported(`\\p{${name}}`, start);
      const category = this.categorySet(short, ci);
      if (category !== undefined) return category;
      const script = scriptProperty(short);
      if (script !== undefined) return propsSet([script]);
      return this.unsupported(`\\p{${name}}`, start);
    }
    const category = this.categorySet(name, ci);
    if (category !== undefined) return category;
    if (name.startsWith('java')) return this.unsupported(`\\p{${name}}`, start);
    return unknown();
  }

  /** CharPredicates.forProperty: categories, POSIX classes, java.lang.Character predicates. */
  private categorySet(name: string, ci: boolean): CharSet | undefined {
    if ((name === 'Lu' || name === 'Ll' || name === 'Lt') && ci) return propsSet(CASED_LETTERS);
    if (CATEGORIES.has(name)) return propsSet([`\\p{${name}}`]);
    if (name === 'LD') return propsSet([String.raw`\p{L}`, String.raw`\p{Nd}`]);
    if ((name === 'Lower' || name === 'Upper') && ci) return rangesSet(ASCII_ALPHA);
    const posix = POSIX[name];
    if (posix !== undefined) return rangesSet(posix);
    if (name === 'javaISOControl') return rangesSet([[0x00, 0x1f], [0x7f, 0x9f]]);
    const java = JAVA_CHARACTER[name];
    return java === undefined ? undefined : propsSet(java(ci));
  }

  /** A character with the case rules of CASE_INSENSITIVE (ASCII letters only, as without UNICODE_CASE). */
  private cased(ranges: Ranges, at: number): CharSet {
    return rangesSet(this.casedRanges(ranges, at));
  }

  private casedRanges(ranges: Ranges, at: number): Ranges {
    if (!this.flags.i) return ranges;
    if (this.flags.u) this.unsupported('case-insensitive matching with UNICODE_CASE ((?iu))', at);
    return withAsciiCase(ranges);
  }

  /**
   * A character class (Pattern.clazz). With `consume` the `[` is already read and the class ends
   * at its `]`; without, it is the right side of `&&`, which runs up to the `]` (not read).
   */
  private parseClass(start: number, consume = true): CharSet {
    let prev: CharSet | undefined;
    let curr: CharSet | undefined;
    let bits: Ranges = [];
    let hasBits = false;
    let bitsTaken = false;
    let negated = false;
    if (consume && this.peekRaw() === 0x5e /* ^ */) {
      this.read();
      negated = true;
    }
    const union = (a: CharSet | undefined, b: CharSet): CharSet => (a === undefined ? b : unionSets(a, b));
    for (;;) {
      const cp = this.peek();
      if (cp === -1) return this.fail('invalid', 'Unclosed character class', this.cps.length - 1);
      if (cp === 0x5b /* [ */) {
        this.read();
        curr = this.parseClass(this.pos - 1);
        prev = union(prev, curr);
        continue;
      }
      if (cp === 0x26 /* & */ && this.peekRaw(1) === 0x26) {
        this.pos += 2;
        let right: CharSet | undefined;
        for (;;) {
          const next = this.peek();
          if (next === 0x5d || next === 0x26 || next === -1) break;
          if (next === 0x5b) {
            this.read();
            right = union(right, this.parseClass(this.pos - 1));
          } else {
            right = union(right, this.parseClass(start, false));
          }
        }
        if (hasBits) {
          // Java keeps adding later characters to these same bits, inside the intersection too; that case is refused below.
          prev = union(prev, rangesSet(bits));
          if (curr === undefined) curr = prev;
          hasBits = false;
          bitsTaken = true;
        }
        if (right !== undefined) curr = right;
        if (prev === undefined) {
          if (right === undefined) this.fail('invalid', 'Bad class syntax');
          prev = right;
        } else {
          if (curr === undefined) this.fail('invalid', 'Bad intersection syntax');
          prev = intersectSets(prev, curr);
        }
        continue;
      }
      if (cp === 0x5d /* ] */ && (prev !== undefined || hasBits)) {
        if (consume) this.read();
        const result = prev === undefined ? rangesSet(bits) : hasBits ? union(prev, rangesSet(bits)) : prev;
        return negated ? negateSet(result) : result;
      }
      const item = this.classItem();
      if (typeof item === 'number') {
        if (bitsTaken) this.unsupported('a character after an intersection in the same class (Java adds it to both sides)', start);
        bits = normalize([...bits, ...this.casedRanges([[item, item]], start)]);
        hasBits = true;
      } else {
        curr = item;
        prev = union(prev, item);
      }
    }
  }

  /**
   * One item of a class (Pattern.range): a character below U+0100 as a number (Java keeps those in
   * one bit set), or a set: a range `a-z`, an escape class, `\p{...}`, another character.
   */
  private classItem(): number | CharSet {
    const start = this.pos;
    let cp: number;
    if (this.peekRaw() === 0x5c /* \ */) {
      const escaped = this.peekRaw(1);
      if (escaped === 0x70 || escaped === 0x50) {
        this.pos += 2;
        return this.property(escaped === 0x50);
      }
      if (escaped === 0x51 /* Q */) {
        this.pos += 2;
        const cps = this.quoted();
        return this.cased(cps.map((one) => [one, one]), start);
      }
      const value = this.escapeValue(true, this.peekRaw(2) === 0x2d);
      if (typeof value !== 'number') return value;
      cp = value;
    } else {
      cp = this.read();
    }
    if (this.peek() === 0x2d /* - */) {
      const after = this.peekRaw(1);
      if (after !== 0x5b && after !== 0x5d) {
        this.read();
        let end: number;
        if (this.peek() === 0x5c) {
          const value = this.escapeValue(true, true);
          end = typeof value === 'number' ? value : -1;
        } else {
          end = this.read();
        }
        if (end < cp) this.fail('invalid', 'Illegal character range', this.pos - 1);
        return this.cased([[cp, end]], start);
      }
    }
    if (cp < 0x100) return cp;
    return this.cased([[cp, cp]], start);
  }
}

let scriptCache: Map<string, string | undefined> | undefined;

/** Character.UnicodeScript.forName accepts any case and the ISO 15924 aliases; JavaScript wants the canonical spelling. */
function scriptProperty(name: string): string | undefined {
  scriptCache ??= new Map();
  if (scriptCache.has(name)) return scriptCache.get(name);
  const words = name.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());
  const candidates = [words.join('_'), name];
  let found: string | undefined;
  for (const candidate of candidates) {
    if (!/^[A-Za-z_]+$/.test(candidate)) continue;
    try {
      new RegExp(`\\p{Script=${candidate}}`, 'u');
      found = `\\p{Script=${candidate}}`;
      break;
    } catch {
      // not a script name JavaScript knows
    }
  }
  scriptCache.set(name, found);
  return found;
}

/** The longest text a node can match (Pattern's TreeInfo.maxLength), infinite for unbounded ones. */
function maxLength(node: Node): number {
  switch (node.t) {
    case 'seq':
      return node.items.reduce((sum, item) => sum + maxLength(item), 0);
    case 'alt':
      return Math.max(...node.branches.map(maxLength));
    case 'set':
      return 1;
    case 'assert':
    case 'empty':
      return 0;
    case 'group':
      return node.kind === 'ahead' || node.kind === 'notAhead' || node.kind === 'behind' || node.kind === 'notBehind' ? 0 : maxLength(node.body);
    case 'quant':
      return node.max === null ? (maxLength(node.body) === 0 ? 0 : Number.POSITIVE_INFINITY) : node.max * maxLength(node.body);
    case 'backref':
      return Number.POSITIVE_INFINITY;
  }
}

/**
 * Java fails a back reference to a group that has not matched; JavaScript matches the empty
 * string there. A back reference is accepted only where its group has surely matched: earlier in
 * the same sequence, not under `?`, `*` or an alternative that may skip it, not in a negative
 * look-around. Returns the groups surely set after `node` succeeds.
 */
function checkBackrefs(node: Node, before: ReadonlySet<number>, inBehind: boolean): Set<number> {
  switch (node.t) {
    case 'seq': {
      let set = new Set(before);
      for (const item of node.items) set = checkBackrefs(item, set, inBehind);
      return set;
    }
    case 'alt': {
      const results = node.branches.map((branch) => checkBackrefs(branch, before, inBehind));
      const [first, ...rest] = results;
      return new Set([...(first ?? [])].filter((group) => rest.every((result) => result.has(group))));
    }
    case 'group': {
      const behind = inBehind || node.kind === 'behind' || node.kind === 'notBehind';
      const inner = checkBackrefs(node.body, before, behind);
      if (node.kind === 'notAhead' || node.kind === 'notBehind') return new Set(before);
      if (node.javaIndex !== undefined) inner.add(node.javaIndex);
      return inner;
    }
    case 'quant': {
      const inner = checkBackrefs(node.body, before, inBehind);
      return node.min >= 1 ? inner : new Set(before);
    }
    case 'backref':
      if (inBehind || !before.has(node.javaIndex)) {
        throw new JavaRegexError(
          'unsupported',
          `preview cannot evaluate the back reference \\${node.javaIndex} with Java's meaning: its group may not have matched before it (Java then fails where JavaScript matches nothing)`,
          node.at,
        );
      }
      return new Set(before);
    default:
      return new Set(before);
  }
}

function isLookaround(kind: GroupKind): boolean {
  return kind === 'ahead' || kind === 'notAhead' || kind === 'behind' || kind === 'notBehind';
}

/** Whether a node can match the empty text. */
function nullable(node: Node): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'set':
      return false;
    case 'group':
      return isLookaround(node.kind) || nullable(node.body);
    case 'quant':
      return node.min === 0 || nullable(node.body);
    default:
      return true;
  }
}

/** For a nullable node: whether matching the empty text is its last choice (as in `a*`, `(a|)`), not an earlier one (`a*?`, `(|a)`, `(a*|b)`). */
function emptyLast(node: Node): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.every(emptyLast);
    case 'alt':
      return node.branches.every((branch, index) => (index === node.branches.length - 1 ? emptyLast(branch) : !nullable(branch)));
    case 'set':
      return false;
    case 'group':
      if (isLookaround(node.kind)) return true;
      return node.kind === 'atomic' ? !nullable(node.body) : emptyLast(node.body);
    case 'quant':
      if (node.mode !== 'greedy') return !nullable(node);
      return node.min === 0 || emptyLast(node.body);
    case 'backref':
      return false;
    default:
      return true;
  }
}

function hasZeroWidthTest(node: Node): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.some(hasZeroWidthTest);
    case 'alt':
      return node.branches.some(hasZeroWidthTest);
    case 'group':
      return isLookaround(node.kind) || hasZeroWidthTest(node.body);
    case 'quant':
      return hasZeroWidthTest(node.body);
    case 'assert':
    case 'backref':
      return true;
    default:
      return false;
  }
}

/**
 * Java and JavaScript repeat a part that can match the empty text differently: Java leaves the
 * loop at the first empty round (Pattern.Loop: "avoid infinite loop in zero-length case"), even
 * below the minimum count; JavaScript allows empty rounds until the minimum and then refuses them.
 * They agree when the empty match is the part's last choice and no assertion decides it; otherwise
 * the pattern is refused.
 */
function checkEmptyLoops(node: Node): void {
  switch (node.t) {
    case 'seq':
      node.items.forEach(checkEmptyLoops);
      return;
    case 'alt':
      node.branches.forEach(checkEmptyLoops);
      return;
    case 'group':
      checkEmptyLoops(node.body);
      return;
    case 'quant':
      checkEmptyLoops(node.body);
      if ((node.max === null || node.max > 1) && nullable(node.body) && (!emptyLast(node.body) || hasZeroWidthTest(node.body))) {
        throw new JavaRegexError(
          'unsupported',
          'preview cannot evaluate a repeated part that can match the empty text before other text, or by an assertion, with Java\'s meaning (Java leaves the loop at the first empty round)',
          0,
        );
      }
      return;
    default:
      return;
  }
}

class Emitter {
  private jsGroups = 0;
  private readonly groupMap = new Map<number, number>();

  emit(node: Node): string {
    switch (node.t) {
      case 'seq':
        return node.items.map((item) => this.emit(item)).join('');
      case 'alt':
        return node.branches.map((branch) => this.emit(branch)).join('|');
      case 'set':
        return emitSet(node.set);
      case 'assert':
        return node.source;
      case 'empty':
        return '(?:)';
      case 'backref': {
        const js = this.groupMap.get(node.javaIndex);
        // A group that does not exist never matches in Java (Matcher.groups holds -1).
        return js === undefined ? '(?!)' : `\\${js}(?:)`;
      }
      case 'group':
        return this.emitGroup(node);
      case 'quant':
        return this.emitQuant(node);
    }
  }

  private emitGroup(node: Extract<Node, { t: 'group' }>): string {
    switch (node.kind) {
      case 'capture': {
        const js = ++this.jsGroups;
        if (node.javaIndex !== undefined) this.groupMap.set(node.javaIndex, js);
        return `(${node.name !== undefined ? `?<${node.name}>` : ''}${this.emit(node.body)})`;
      }
      case 'plain':
        return `(?:${this.emit(node.body)})`;
      case 'ahead':
        return `(?=${this.emit(node.body)})`;
      case 'notAhead':
        return `(?!${this.emit(node.body)})`;
      case 'behind':
        return `(?<=${this.emit(node.body)})`;
      case 'notBehind':
        return `(?<!${this.emit(node.body)})`;
      case 'atomic': {
        // (?>X) as (?=(X))\n: a look-ahead is never re-entered, so X keeps its first match.
        const js = ++this.jsGroups;
        return `(?=(${this.emit(node.body)}))\\${js}(?:)`;
      }
    }
  }

  private emitQuant(node: Extract<Node, { t: 'quant' }>): string {
    const count = node.min === 0 && node.max === null ? '*' : node.min === 1 && node.max === null ? '+' : node.min === 0 && node.max === 1 ? '?' : node.max === null ? `{${node.min},}` : node.min === node.max ? `{${node.min}}` : `{${node.min},${node.max}}`;
    if (node.mode === 'possessive') {
      const js = ++this.jsGroups;
      return `(?=(${this.quantified(node.body)}${count}))\\${js}(?:)`;
    }
    return `${this.quantified(node.body)}${count}${node.mode === 'lazy' ? '?' : ''}`;
  }

  /** The body of a quantifier, grouped unless it is one class or group (JavaScript refuses `^*` and `(?=a)*`). */
  private quantified(body: Node): string {
    const text = this.emit(body);
    if (body.t === 'set' || (body.t === 'group' && (body.kind === 'capture' || body.kind === 'plain'))) return text;
    return `(?:${text})`;
  }
}

const translations = new Map<string, TranslatedRegex | JavaRegexError>();
const CACHE_LIMIT = 500;

/** `pattern` (a Java regular expression) as JavaScript source for `new RegExp(source, 'v')`; throws JavaRegexError. */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  const cached = translations.get(pattern);
  if (cached instanceof JavaRegexError) throw cached;
  if (cached !== undefined) return cached;
  let result: TranslatedRegex | JavaRegexError;
  try {
    const tree = new Parser(pattern, { i: false, d: false, m: false, s: false, u: false, x: false }).parse();
    checkBackrefs(tree, new Set(), false);
    checkEmptyLoops(tree);
    const source = new Emitter().emit(tree);
    // The translation is valid JavaScript by construction; compiling it here turns a slip into a clear error.
    new RegExp(source, 'v');
    result = { source };
  } catch (error) {
    if (!(error instanceof JavaRegexError)) throw error;
    result = error;
  }
  if (translations.size >= CACHE_LIMIT) translations.clear();
  translations.set(pattern, result);
  if (result instanceof JavaRegexError) throw result;
  return result;
}
