import { SpelParseError, type Token, type TokenKind } from './spel-tokenizer';
import type { SpelTree } from './spel-ast';
import { TokenStream } from './spel-token-stream';

/**
 * The start nodes and dotted steps of Spring's grammar (InternalSpelExpressionParser 5.3):
 * literals, parentheses, T(...), null, new, properties and methods, #variables and #functions,
 * beans, projections, selections, indexers, inline lists and maps.
 */
export abstract class StartNodes extends TokenStream {
  /** expression: the whole grammar (spel-parser.ts). */
  protected abstract expression(): SpelTree | null;

  protected functionOrVariable(): SpelTree | null {
    if (!this.is('#')) return null;
    const hash = this.take();
    const name = this.eat('identifier');
    const args = this.methodArgs();
    if (args === null) return this.node('variable', hash.start, name.end, [], { name: name.text });
    return this.node('function', hash.start, name.end, args, { name: name.text });
  }

  protected methodArgs(): SpelTree[] | null {
    if (!this.is('(')) return null;
    const args = this.consumeArguments();
    this.eat(')');
    return args;
  }

  /** Arguments of a method or constructor: a trailing comma is allowed, as in Spring (`#f(a, )`). */
  protected consumeArguments(): SpelTree[] {
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

  protected startNode(): SpelTree | null {
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

  protected literal(): SpelTree | null {
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

  protected parenthesized(): SpelTree | null {
    if (!this.is('(')) return null;
    const open = this.take();
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
    this.eat(')');
    return expr;
  }

  protected typeReference(): SpelTree | null {
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

  protected nullReference(): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('identifier') || token.text.toLowerCase() !== 'null') return null;
    this.take();
    return this.node('null', token.start, token.end, [], { literal: null });
  }

  protected constructorReference(): SpelTree | null {
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

  protected qualifiedId(): string {
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

  protected methodOrProperty(nullSafe: boolean): SpelTree | null {
    if (!this.is('identifier')) return null;
    const name = this.take();
    const args = this.methodArgs();
    if (args === null) return this.node('property', name.start, name.end, [], { name: name.text, nullSafe });
    return this.node('method', name.start, name.end, args, { name: name.text, nullSafe });
  }

  protected beanReference(): SpelTree | null {
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

  protected projection(nullSafe: boolean): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('![', true)) return null;
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1044E: Unexpectedly ran out of input');
    this.eat(']');
    return this.node('projection', token.start, token.end, [expr], { nullSafe });
  }

  protected selection(nullSafe: boolean): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.isAny('?[', '^[', '$[')) return null;
    this.take();
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1071E: A required selection expression has not been specified');
    this.eat(']');
    return this.node('selection', token.start, token.end, [expr], { nullSafe, selection: token.kind === '^[' ? 'first' : token.kind === '$[' ? 'last' : 'all' });
  }

  protected indexer(): SpelTree | null {
    const token = this.peek();
    if (token === undefined || !this.is('[', true)) return null;
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(token.start, 'EL1071E: A required selection expression has not been specified');
    this.eat(']');
    return this.node('indexer', token.start, token.end, [expr]);
  }

  protected inlineListOrMap(): SpelTree | null {
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

  protected required(open: Token): SpelTree {
    const expr = this.expression();
    if (expr === null) throw new SpelParseError(open.start, 'EL1044E: Unexpectedly ran out of input');
    return expr;
  }
}

const NUMBER_LITERALS: Partial<Record<TokenKind, { type: 'int' | 'long' | 'float' | 'double'; radix: 10 | 16 }>> = {
  int: { type: 'int', radix: 10 },
  long: { type: 'long', radix: 10 },
  hexint: { type: 'int', radix: 16 },
  hexlong: { type: 'long', radix: 16 },
  real: { type: 'double', radix: 10 },
  float: { type: 'float', radix: 10 },
};
