import { SpelParseError, type Token, type TokenKind, tokenize } from './spel-tokenizer';
import type { NodeType, SpelTree } from './spel-ast';

/**
 * SpEL's grammar as Spring's InternalSpelExpressionParser reads it (spring-expression 5.3), into
 * the tree ami-tagger evaluates and lints (spel-ast.ts): precedence `?:`/ternary/assignment,
 * `or`, `and`, relational (one per level, as in Spring), `+ -`, `* / %`, `^` and `++ --`,
 * unary `! + -`, then a start node followed by `.`/`?.` steps and indexers. Messages carry
 * Spring's codes (EL1041E and so on).
 */

class Parser {
  private index = 0;
  private readonly tokens: Token[];

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): SpelTree {
    const tree = this.expression();
    if (tree === null) throw new SpelParseError(0, 'EL1044E: Unexpectedly ran out of input');
    const next = this.peek();
    if (next !== undefined) throw new SpelParseError(next.start, `EL1041E: After parsing a valid expression, there is still more data in the expression: '${describe(next)}'`);
    return tree;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private take(): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new SpelParseError(this.source.length, 'EL1044E: Unexpectedly ran out of input');
    return token;
  }

  /** peekToken(kind): the word forms of operators also count as identifiers. */
  private is(kind: TokenKind, consume = false): boolean {
    const token = this.peek();
    if (token === undefined) return false;
    const matches = token.kind === kind || (kind === 'identifier' && token.word === true);
    if (matches && consume) this.index++;
    return matches;
  }

  private isAny(...kinds: TokenKind[]): boolean {
    const token = this.peek();
    return token !== undefined && kinds.includes(token.kind);
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token !== undefined && token.kind === 'identifier' && token.text.toLowerCase() === word;
  }

  private eat(kind: TokenKind): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new SpelParseError(this.source.length, 'EL1044E: Unexpectedly ran out of input');
    if (token.kind !== kind) throw new SpelParseError(token.start, `EL1043E: Unexpected token. Expected '${kind}' but was '${token.kind}'`);
    return token;
  }

  private node(type: NodeType, start: number, end: number, children: SpelTree[] = [], extra: Partial<SpelTree> = {}): SpelTree {
    return { type, start, end, children, ...extra };
  }

  private operands(token: Token, left: SpelTree | null, right: SpelTree | null): [SpelTree, SpelTree] {
    if (left === null) throw new SpelParseError(token.start, 'EL1070E: Problem parsing left operand');
    if (right === null) throw new SpelParseError(token.start, 'EL1042E: Problem parsing right operand');
    return [left, right];
  }

  private expression(): SpelTree | null {
    let expr = this.logicalOr();
    const token = this.peek();
    if (token === undefined) return expr;
    if (token.kind === '=') {
      expr ??= this.node('null', token.start - 1, token.end - 1, [], { literal: null });
      this.take();
      const value = this.logicalOr();
      if (value === null) throw new SpelParseError(token.start, 'EL1042E: Problem parsing right operand');
      return this.node('assign', token.start, token.end, [expr, value]);
    }
    if (token.kind === '?:') {
      expr ??= this.node('null', token.start - 1, token.end - 2, [], { literal: null });
      this.take();
      const otherwise = this.expression() ?? this.node('null', token.start + 1, token.end + 1, [], { literal: null });
      return this.node('elvis', token.start, token.end, [expr, otherwise]);
    }
    if (token.kind === '?') {
      expr ??= this.node('null', token.start - 1, token.end - 1, [], { literal: null });
      this.take();
      const whenTrue = this.expression();
      this.eat(':');
      const whenFalse = this.expression();
      if (whenTrue === null || whenFalse === null) throw new SpelParseError(token.start, 'EL1044E: Unexpectedly ran out of input');
      return this.node('ternary', token.start, token.end, [expr, whenTrue, whenFalse]);
    }
    return expr;
  }

  private logicalOr(): SpelTree | null {
    let expr = this.logicalAnd();
    while (this.isWord('or') || this.is('||')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.logicalAnd());
      expr = this.node('op-or', token.start, token.end, [left, right]);
    }
    return expr;
  }

  private logicalAnd(): SpelTree | null {
    let expr = this.relational();
    while (this.isWord('and') || this.is('&&')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.relational());
      expr = this.node('op-and', token.start, token.end, [left, right]);
    }
    return expr;
  }

  private relational(): SpelTree | null {
    const expr = this.sum();
    const token = this.peek();
    if (token === undefined) return expr;
    const word = token.kind === 'identifier' ? token.text.toLowerCase() : '';
    const type = RELATIONAL[token.kind] ?? (word === 'instanceof' ? 'instanceof' : word === 'matches' ? 'matches' : word === 'between' ? 'between' : undefined);
    if (type === undefined) return expr;
    this.take();
    const [left, right] = this.operands(token, expr, this.sum());
    return this.node(type, token.start, token.end, [left, right]);
  }

  private sum(): SpelTree | null {
    let expr = this.product();
    while (this.isAny('+', '-', '++')) {
      const token = this.take();
      const right = this.product();
      if (right === null) throw new SpelParseError(token.start, 'EL1042E: Problem parsing right operand');
      // `a ++ b` parses and drops the operator, as in Spring.
      if (token.kind === '+' || token.kind === '-') {
        if (expr === null) throw new SpelParseError(token.start, 'EL1070E: Problem parsing left operand');
        expr = this.node(token.kind === '+' ? 'op-plus' : 'op-minus', token.start, token.end, [expr, right]);
      }
    }
    return expr;
  }

  private product(): SpelTree | null {
    let expr = this.powerIncDec();
    while (this.isAny('*', '/', '%')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.powerIncDec());
      expr = this.node(token.kind === '*' ? 'op-multiply' : token.kind === '/' ? 'op-divide' : 'op-modulus', token.start, token.end, [left, right]);
    }
    return expr;
  }

  private powerIncDec(): SpelTree | null {
    const expr = this.unary();
    if (this.is('^')) {
      const token = this.take();
      const right = this.unary();
      if (right === null) throw new SpelParseError(token.start, 'EL1042E: Problem parsing right operand');
      if (expr === null) throw new SpelParseError(token.start, 'EL1070E: Problem parsing left operand');
      return this.node('op-power', token.start, token.end, [expr, right]);
    }
    if (expr !== null && this.isAny('++', '--')) {
      const token = this.take();
      return this.node(token.kind === '++' ? 'op-inc' : 'op-dec', token.start, token.end, [expr], { postfix: true });
    }
    return expr;
  }

  private unary(): SpelTree | null {
    if (this.isAny('!', '+', '-')) {
      const token = this.take();
      const operand = this.unary();
      if (operand === null) throw new SpelParseError(token.start, 'EL1044E: Unexpectedly ran out of input');
      return this.node(token.kind === '!' ? 'op-not' : token.kind === '+' ? 'op-plus' : 'op-minus', token.start, token.end, [operand]);
    }
    if (this.isAny('++', '--')) {
      const token = this.take();
      const operand = this.unary();
      if (operand === null) throw new SpelParseError(token.start, 'EL1044E: Unexpectedly ran out of input');
      return this.node(token.kind === '++' ? 'op-inc' : 'op-dec', token.start, token.end, [operand], { postfix: false });
    }
    return this.primary();
  }

  private primary(): SpelTree | null {
    const start = this.startNode();
    const steps: SpelTree[] = [];
    for (let step = this.step(); step !== null; step = this.step()) steps.push(step);
    if (start === null || steps.length === 0) return start;
    const last = steps[steps.length - 1] ?? start;
    return this.node('compound', start.start, last.end, [start, ...steps]);
  }

  private step(): SpelTree | null {
    if (this.isAny('.', '?.')) return this.dotted();
    if (this.is('[')) return this.indexer();
    return null;
  }

  private dotted(): SpelTree {
    const dot = this.take();
    const nullSafe = dot.kind === '?.';
    const node = this.methodOrProperty(nullSafe) ?? this.functionOrVariable() ?? this.projection(nullSafe) ?? this.selection(nullSafe);
    if (node !== null) return node;
    const next = this.peek();
    if (next === undefined) throw new SpelParseError(dot.start, 'EL1044E: Unexpectedly ran out of input');
    throw new SpelParseError(dot.start, `EL1049E: Unexpected data after '.': '${describe(next)}'`);
  }

  private functionOrVariable(): SpelTree | null {
    if (!this.is('#')) return null;
    const hash = this.take();
    const name = this.eat('identifier');
    const args = this.methodArgs();
    if (args === null) return this.node('variable', hash.start, name.end, [], { name: name.text });
    return this.node('function', hash.start, name.end, args, { name: name.text });
  }

  private methodArgs(): SpelTree[] | null {
    if (!this.is('(')) return null;
    const args = this.consumeArguments();
    this.eat(')');
    return args;
  }

  /** Arguments of a method or constructor: a trailing comma is allowed, as in Spring (`#f(a, )`). */
  private consumeArguments(): SpelTree[] {
    const args: SpelTree[] = [];
    const open = this.peek();
    if (open === undefined) return args;
    let next: Token | undefined;
    do {
      this.take();
      const token = this.peek();
      if (token === undefined) throw new SpelParseError(open.start, 'EL1051E: Unexpectedly ran out of arguments');
      if (token.kind !== ')') {
        const arg = this.expression();
        if (arg === null) throw new SpelParseError(token.start, `EL1043E: Unexpected token. Expected 'rparen' but was '${token.kind}'`);
        args.push(arg);
      }
      next = this.peek();
    } while (next !== undefined && next.kind === ',');
    if (next === undefined) throw new SpelParseError(open.start, 'EL1051E: Unexpectedly ran out of arguments');
    return args;
  }

  private startNode(): SpelTree | null {
    return (
      this.literal() ??
      this.parenthesized() ??
      this.typeReference() ??
      this.nullReference() ??
      this.constructorReference() ??
      this.methodOrProperty(false) ??
      this.functionOrVariable() ??
      this.beanReference() ??
      this.projection(false) ??
      this.selection(false) ??
      this.indexer() ??
      this.inlineListOrMap()
    );
  }

  private literal(): SpelTree | null {
    const token = this.peek();
    if (token === undefined) return null;
    const number = NUMBER_LITERALS[token.kind];
    let tree: SpelTree;
    if (number !== undefined) {
      tree = this.node('number', token.start, token.end, [], { numberType: number.type, radix: number.radix, source: token.text });
    } else if (this.isWord('true') || this.isWord('false')) {
      tree = this.node('boolean', token.start, token.end, [], { literal: token.text.toLowerCase() === 'true' });
    } else if (token.kind === 'string') {
      const quote = token.text.charAt(0);
      tree = this.node('string', token.start, token.end, [], { literal: token.text.slice(1, -1).replaceAll(quote + quote, quote) });
    } else {
      return null;
    }
    this.index++;
    return tree;
  }

  private parenthesized(): SpelTree | null {
    if (!this.is('(')) return null;
    const open = this.take();
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
    this.eat(')');
    return expr;
  }

  private typeReference(): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('identifier') || token.text !== 'T') return null;
    this.take();
    // `T]` is the map key T.
    if (this.is(']')) return this.node('property', token.start, token.end, [], { name: token.text });
    this.eat('(');
    const name = this.qualifiedId();
    let dimensions = 0;
    while (this.is('[', true)) {
      this.eat(']');
      dimensions++;
    }
    this.eat(')');
    return this.node('typeref', token.start, token.end, [], { name, dimensions });
  }

  private nullReference(): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('identifier') || token.text.toLowerCase() !== 'null') return null;
    this.take();
    return this.node('null', token.start, token.end, [], { literal: null });
  }

  private constructorReference(): SpelTree | null {
    if (!this.isWord('new')) return null;
    const token = this.take();
    if (this.is(']')) return this.node('property', token.start, token.end, [], { name: token.text });
    const name = this.qualifiedId();
    if (this.is('[')) {
      const dimensions: Array<SpelTree | null> = [];
      while (this.is('[', true)) {
        dimensions.push(this.is(']') ? null : this.expression());
        this.eat(']');
      }
      const initializer = this.inlineListOrMap();
      return this.node('constructorref', token.start, token.end, initializer === null ? [] : [initializer], { name, dimensions: dimensions.length, arrayConstructor: true });
    }
    if (!this.is('(')) throw new SpelParseError(this.peek()?.start ?? this.source.length, "EL1050E: The arguments '(...)' for the constructor call are missing");
    const args = this.consumeArguments();
    this.eat(')');
    return this.node('constructorref', token.start, token.end, args, { name });
  }

  private qualifiedId(): string {
    const pieces: string[] = [];
    for (let token = this.peek(); token !== undefined && token.kind !== 'string' && (token.kind === '.' || token.kind === 'identifier' || /^[\p{L}\p{N}_$]+$/u.test(token.text)); token = this.peek()) {
      this.take();
      if (token.kind !== '.') pieces.push(token.text);
    }
    if (pieces.length === 0) {
      const token = this.peek();
      if (token === undefined) throw new SpelParseError(this.source.length, 'EL1044E: Unexpectedly ran out of input');
      throw new SpelParseError(token.start, `EL1043E: Unexpected token. Expected 'qualified ID' but was '${token.kind}'`);
    }
    return pieces.join('.');
  }

  private methodOrProperty(nullSafe: boolean): SpelTree | null {
    if (!this.is('identifier')) return null;
    const name = this.take();
    const args = this.methodArgs();
    if (args === null) return this.node('property', name.start, name.end, [], { name: name.text, nullSafe });
    return this.node('method', name.start, name.end, args, { name: name.text, nullSafe });
  }

  private beanReference(): SpelTree | null {
    if (!this.isAny('@', '&')) return null;
    const at = this.take();
    const name = this.peek();
    if (name !== undefined && (name.kind === 'identifier' || name.kind === 'string')) {
      this.take();
      const bean = name.kind === 'string' ? name.text.slice(1, -1) : name.text;
      return this.node('beanref', at.start, name.end, [], { name: at.kind === '&' ? `&${bean}` : bean });
    }
    throw new SpelParseError(at.start, 'EL1059E: @ or & can only be followed by an identifier or a quoted name');
  }

  private projection(nullSafe: boolean): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('![', true)) return null;
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1044E: Unexpectedly ran out of input');
    this.eat(']');
    return this.node('projection', token.start, token.end, [expr], { nullSafe });
  }

  private selection(nullSafe: boolean): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.isAny('?[', '^[', '$[')) return null;
    this.take();
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1071E: A required selection expression has not been specified');
    this.eat(']');
    return this.node('selection', token.start, token.end, [expr], { nullSafe, selection: token.kind === '^[' ? 'first' : token.kind === '$[' ? 'last' : 'all' });
  }

  private indexer(): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('[', true)) return null;
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1071E: A required selection expression has not been specified');
    this.eat(']');
    return this.node('indexer', token.start, token.end, [expr]);
  }

  private inlineListOrMap(): SpelTree | null {
    const open = this.peek();
    if (open === undefined || !this.is('{', true)) return null;
    const close = this.peek();
    if (close !== undefined && this.is('}', true)) return this.node('list', open.start, close.end);
    if (this.is(':', true)) {
      const end = this.eat('}');
      return this.node('map', open.start, end.end, [], { entries: [] });
    }
    const first = this.expression();
    if (first === null) throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
    if (this.is('}')) return this.node('list', open.start, this.eat('}').end, [first]);
    if (this.is(',', true)) {
      const elements = [first];
      do elements.push(this.required(open));
      while (this.is(',', true));
      return this.node('list', open.start, this.eat('}').end, elements);
    }
    if (this.is(':', true)) {
      const entries: Array<{ key: SpelTree; value: SpelTree }> = [{ key: first, value: this.required(open) }];
      while (this.is(',', true)) {
        const key = this.required(open);
        this.eat(':');
        entries.push({ key, value: this.required(open) });
      }
      const end = this.eat('}');
      // InlineMap: a key written as a name (`{a: 1}`) is that name, not a property read.
      return this.node('map', open.start, end.end, [], { entries: entries.map(({ key, value }) => ({ key: key.type === 'property' && key.name !== undefined ? key.name : key, value })) });
    }
    throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
  }

  private required(open: Token): SpelTree {
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
    return expr;
  }
}

const RELATIONAL: Partial<Record<TokenKind, NodeType>> = { '>': 'op-gt', '<': 'op-lt', '>=': 'op-ge', '<=': 'op-le', '==': 'op-eq', '!=': 'op-ne' };

const NUMBER_LITERALS: Partial<Record<TokenKind, { type: 'int' | 'long' | 'float' | 'double'; radix: 10 | 16 }>> = {
  int: { type: 'int', radix: 10 },
  long: { type: 'long', radix: 10 },
  hexint: { type: 'int', radix: 16 },
  hexlong: { type: 'long', radix: 16 },
  real: { type: 'double', radix: 10 },
  float: { type: 'float', radix: 10 },
};

/** How Spring names a token in its messages: its text when it has one. */
function describe(token: Token): string {
  return token.text !== '' ? token.text : token.kind;
}

/** Parses one expression (the text between `${` and `}`); throws SpelParseError. */
export function parseExpression(source: string): SpelTree {
  return new Parser(source).parse();
}
