import type { NodeType, SpelTree } from './spel-ast';
import { StartNodes } from './spel-parser-nodes';
import { describe } from './spel-token-stream';
import { SpelParseError, type TokenKind } from './spel-tokenizer';

/**
 * SpEL's grammar as Spring's InternalSpelExpressionParser reads it (spring-expression 5.3), into
 * the tree ami-tagger evaluates and lints (spel-ast.ts): precedence `?:`/ternary/assignment,
 * `or`, `and`, relational (one per level, as in Spring), `+ -`, `* / %`, `^` and `++ --`,
 * unary `! + -`, then a start node followed by `.`/`?.` steps and indexers. Messages carry
 * Spring's codes (EL1041E and so on).
 */
class Parser extends StartNodes {
  parse(): SpelTree {
    const tree = this.expression();
    if (tree === null) throw new SpelParseError(0, 'EL1044E: Unexpectedly ran out of input');
    const next = this.peek();
    if (next !== undefined) throw new SpelParseError(next.start, `EL1041E: After parsing a valid expression, there is still more data in the expression: '${describe(next)}'`);
    return tree;
  }

  protected expression(): SpelTree | null {
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

  protected logicalOr(): SpelTree | null {
    let expr = this.logicalAnd();
    while (this.isWord('or') || this.is('||')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.logicalAnd());
      expr = this.node('op-or', token.start, token.end, [left, right]);
    }
    return expr;
  }

  protected logicalAnd(): SpelTree | null {
    let expr = this.relational();
    while (this.isWord('and') || this.is('&&')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.relational());
      expr = this.node('op-and', token.start, token.end, [left, right]);
    }
    return expr;
  }

  protected relational(): SpelTree | null {
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

  protected sum(): SpelTree | null {
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

  protected product(): SpelTree | null {
    let expr = this.powerIncDec();
    while (this.isAny('*', '/', '%')) {
      const token = this.take();
      const [left, right] = this.operands(token, expr, this.powerIncDec());
      expr = this.node(token.kind === '*' ? 'op-multiply' : token.kind === '/' ? 'op-divide' : 'op-modulus', token.start, token.end, [left, right]);
    }
    return expr;
  }

  protected powerIncDec(): SpelTree | null {
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

  protected unary(): SpelTree | null {
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

  protected primary(): SpelTree | null {
    const start = this.startNode();
    const steps: SpelTree[] = [];
    for (let step = this.step(); step !== null; step = this.step()) steps.push(step);
    if (start === null || steps.length === 0) return start;
    const last = steps[steps.length - 1] ?? start;
    return this.node('compound', start.start, last.end, [start, ...steps]);
  }

  protected step(): SpelTree | null {
    if (this.isAny('.', '?.')) return this.dotted();
    if (this.is('[')) return this.indexer();
    return null;
  }

  protected dotted(): SpelTree {
    const dot = this.take();
    const nullSafe = dot.kind === '?.';
    const node = this.methodOrProperty(nullSafe) ?? this.functionOrVariable() ?? this.projection(nullSafe) ?? this.selection(nullSafe);
    if (node !== null) return node;
    const next = this.peek();
    if (next === undefined) throw new SpelParseError(dot.start, 'EL1044E: Unexpectedly ran out of input');
    throw new SpelParseError(dot.start, `EL1049E: Unexpected data after '.': '${describe(next)}'`);
  }
}

const RELATIONAL: Partial<Record<TokenKind, NodeType>> = { '>': 'op-gt', '<': 'op-lt', '>=': 'op-ge', '<=': 'op-le', '==': 'op-eq', '!=': 'op-ne' };

/** Parses one expression (the text between `${` and `}`); throws SpelParseError. */
export function parseExpression(source: string): SpelTree {
  return new Parser(source).parse();
}
