/**
 * SpEL's tokens, read as Spring's Tokenizer reads them (spring-expression 5.3,
 * spel/standard/Tokenizer.java): identifiers of ASCII letters, digits, `_` and `$`; the word
 * forms of operators (`div eq ge gt le lt mod ne not`, any case); int, long, hex, real and float
 * literals; strings in single or double quotes with the quote doubled inside. A character Spring
 * cannot read (`;`, `~`, a letter outside ASCII) is an error, as in Spring.
 */

export type TokenKind =
  | 'int'
  | 'long'
  | 'hexint'
  | 'hexlong'
  | 'real'
  | 'float'
  | 'string'
  | 'identifier'
  | '('
  | ')'
  | ','
  | ':'
  | '#'
  | '['
  | ']'
  | '{'
  | '}'
  | '.'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '!'
  | '>='
  | '>'
  | '<='
  | '<'
  | '=='
  | '!='
  | '='
  | '?'
  | '?:'
  | '?.'
  | '?['
  | '^['
  | '$['
  | '!['
  | '@'
  | '&'
  | '&&'
  | '||'
  | '++'
  | '--';

export interface Token {
  kind: TokenKind;
  /** The characters of the token as written (for literals and identifiers, and the word forms of operators). */
  text: string;
  start: number;
  end: number;
  /** The operator was written as a word (`lt`, `DIV`): the parser may read it as an identifier. */
  word?: boolean;
}

/** SpelParseException: the message carries Spring's code. */
export class SpelParseError extends Error {
  override readonly name = 'SpelParseError';
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

const WORD_OPERATORS: Record<string, TokenKind> = { DIV: '/', EQ: '==', GE: '>=', GT: '>', LE: '<=', LT: '<', MOD: '%', NE: '!=', NOT: '!' };

const TWO_CHAR: ReadonlyArray<TokenKind> = ['++', '--', '^[', '!=', '![', '==', '&&', '||', '?[', '?:', '?.', '$[', '>=', '<='];

function isAlpha(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isHexDigit(char: string): boolean {
  return isDigit(char) || (char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F');
}

function isIdentifierPart(char: string): boolean {
  return isAlpha(char) || isDigit(char) || char === '_' || char === '$';
}

export function tokenize(expression: string): Token[] {
  const chars = `${expression}\0`;
  const tokens: Token[] = [];
  let pos = 0;
  const at = (index: number): string => chars.charAt(index);
  const push = (kind: TokenKind, start: number, end: number, text = chars.slice(start, end)): void => {
    tokens.push({ kind, text, start, end });
  };
  const pair = (kind: TokenKind): boolean => {
    if (!TWO_CHAR.includes(kind) || at(pos) !== kind.charAt(0) || at(pos + 1) !== kind.charAt(1)) return false;
    push(kind, pos, pos + 2);
    pos += 2;
    return true;
  };
  const single = (kind: TokenKind): void => {
    push(kind, pos, pos + 1);
    pos++;
  };
  const fail = (start: number, message: string): never => {
    throw new SpelParseError(start, message);
  };

  const identifier = (): void => {
    const start = pos;
    do pos++;
    while (isIdentifierPart(at(pos)));
    const text = chars.slice(start, pos);
    const operator = text.length === 2 || text.length === 3 ? WORD_OPERATORS[text.toUpperCase()] : undefined;
    if (operator !== undefined) tokens.push({ kind: operator, text, start, end: start + operator.length, word: true });
    else push('identifier', start, pos);
  };

  const quoted = (quote: string): void => {
    const start = pos;
    for (;;) {
      pos++;
      if (at(pos) === quote) {
        if (at(pos + 1) === quote) pos++;
        else break;
      }
      if (pos >= chars.length - 1) {
        fail(start, quote === "'" ? "EL1046E: Cannot find terminating ' for string" : 'EL1045E: Cannot find terminating " for string');
      }
    }
    pos++;
    push('string', start, pos);
  };

  const numeric = (firstIsZero: boolean): void => {
    const start = pos;
    if (firstIsZero && (at(pos + 1) === 'x' || at(pos + 1) === 'X')) {
      pos++;
      do pos++;
      while (isHexDigit(at(pos)));
      const digits = chars.slice(start + 2, pos);
      const long = at(pos) === 'L' || at(pos) === 'l';
      if (digits === '') fail(start, `${long ? 'EL1036E' : 'EL1035E'}: The value '${chars.slice(start, long ? pos + 1 : pos)}' cannot be parsed as ${long ? 'a long' : 'an int'}`);
      push(long ? 'hexlong' : 'hexint', start, pos, digits);
      if (long) pos++;
      return;
    }
    do pos++;
    while (isDigit(at(pos)));
    let real = false;
    if (at(pos) === '.') {
      const dot = pos;
      do pos++;
      while (isDigit(at(pos)));
      if (pos === dot + 1) {
        // `3.` is an int followed by a dot (`3.toString()`).
        pos = dot;
        push('int', start, pos);
        return;
      }
      real = true;
    }
    let end = pos;
    if (at(pos) === 'L' || at(pos) === 'l') {
      if (real) fail(start, 'EL1048E: Real number cannot be suffixed with a long (L or l) suffix');
      push('long', start, end);
      pos++;
    } else if (at(pos) === 'e' || at(pos) === 'E') {
      pos++;
      if (at(pos) === '+' || at(pos) === '-') pos++;
      do pos++;
      while (isDigit(at(pos)));
      let float = false;
      if (at(pos) === 'f' || at(pos) === 'F') {
        float = true;
        end = ++pos;
      } else if (at(pos) === 'd' || at(pos) === 'D') {
        end = ++pos;
      }
      push(float ? 'float' : 'real', start, pos);
    } else {
      let float = false;
      if (at(pos) === 'f' || at(pos) === 'F') {
        real = true;
        float = true;
        end = ++pos;
      } else if (at(pos) === 'd' || at(pos) === 'D') {
        real = true;
        end = ++pos;
      }
      push(real ? (float ? 'float' : 'real') : 'int', start, end);
    }
  };

  while (pos < chars.length) {
    const char = at(pos);
    if (isAlpha(char) || char === '_') {
      identifier();
      continue;
    }
    switch (char) {
      case '+':
        if (!pair('++')) single('+');
        break;
      case '-':
        if (!pair('--')) single('-');
        break;
      case ':':
      case '.':
      case ',':
      case '*':
      case '/':
      case '%':
      case '(':
      case ')':
      case '[':
      case ']':
      case '#':
      case '{':
      case '}':
      case '@':
        single(char);
        break;
      case '^':
        if (!pair('^[')) single('^');
        break;
      case '!':
        if (!pair('!=') && !pair('![')) single('!');
        break;
      case '=':
        if (!pair('==')) single('=');
        break;
      case '&':
        if (!pair('&&')) single('&');
        break;
      case '|':
        if (!pair('||')) fail(pos, "EL1069E: Missing expected character '|'");
        break;
      case '?':
        if (!pair('?[') && !pair('?:') && !pair('?.')) single('?');
        break;
      case '$':
        if (!pair('$[')) identifier();
        break;
      case '>':
        if (!pair('>=')) single('>');
        break;
      case '<':
        if (!pair('<=')) single('<');
        break;
      case ' ':
      case '\t':
      case '\r':
      case '\n':
      case '\0':
        pos++;
        break;
      case "'":
      case '"':
        quoted(char);
        break;
      case '\\':
        fail(pos, 'EL1065E: Unexpected escape character');
        break;
      default:
        if (isDigit(char)) numeric(char === '0');
        else fail(pos, `Cannot handle (${char.charCodeAt(0)}) '${char}'`);
    }
  }
  return tokens;
}
