import { SpelParseError, type Token, type TokenKind, tokenize } from './spel-tokenizer';
import type { NodeType, SpelTree } from './spel-ast';

/** The tokens of one expression, read as Spring's InternalSpelExpressionParser reads them (peekToken, eatToken, ...). */
export class TokenStream {
  protected index = 0;
  protected readonly tokens: Token[];

  constructor(protected readonly source: string) {
    this.tokens = tokenize(source);
  }

  protected peek(): Token | undefined {
    return this.tokens[this.index];
  }

  protected take(): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new SpelParseError(this.source.length, 'EL1044E: Unexpectedly ran out of input');
    return token;
  }

  /** peekToken(kind): the word forms of operators also count as identifiers. */
  protected is(kind: TokenKind, consume = false): boolean {
    const token = this.peek();
    if (token === undefined) return false;
    const matches = token.kind === kind || (kind === 'identifier' && token.word === true);
    if (matches && consume) this.index++;
    return matches;
  }

  protected isAny(...kinds: TokenKind[]): boolean {
    const token = this.peek();
    return token !== undefined && kinds.includes(token.kind);
  }

  protected isWord(word: string): boolean {
    const token = this.peek();
    return token !== undefined && token.kind === 'identifier' && token.text.toLowerCase() === word;
  }

  protected eat(kind: TokenKind): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new SpelParseError(this.source.length, 'EL1044E: Unexpectedly ran out of input');
    if (token.kind !== kind) throw new SpelParseError(token.start, `EL1043E: Unexpected token. Expected '${kind}' but was '${token.kind}'`);
    return token;
  }

  protected node(type: NodeType, start: number, end: number, children: SpelTree[] = [], extra: Partial<SpelTree> = {}): SpelTree {
    return { type, start, end, children, ...extra };
  }

  protected operands(token: Token, left: SpelTree | null, right: SpelTree | null): [SpelTree, SpelTree] {
    if (left === null) throw new SpelParseError(token.start, 'EL1070E: Problem parsing left operand');
    if (right === null) throw new SpelParseError(token.start, 'EL1042E: Problem parsing right operand');
    return [left, right];
  }
}

/** How Spring names a token in its messages: its text when it has one. */
export function describe(token: Token): string {
  return token.text !== '' ? token.text : token.kind;
}
