/**
 * Types for spel2js (a JavaScript port of Spring's SpEL, the engine behind Deck's variable
 * preview). The package ships none; these cover what ami-tagger uses: compiling an expression
 * and walking the nodes of its syntax tree.
 */
declare module 'spel2js' {
  /** spel2js's own stack of "current objects" (the `#this` of each step of a chain). */
  export interface Spel2jsStack {
    push(value: unknown): unknown;
    pop(): unknown;
    peek(): unknown;
  }

  /** What every node's getValue receives. */
  export interface Spel2jsState {
    rootContext: unknown;
    activeContext: Spel2jsStack;
    locals: Record<string, unknown>;
  }

  /** One node of the syntax tree. `getType()` names it: compound, property, indexer, selection, function, ... */
  export interface Spel2jsNode {
    getType(): string;
    getChildren(): Spel2jsNode[];
    getStartPosition(): number;
    getEndPosition(): number;
    getValue(state: Spel2jsState): unknown;
    /** Property, variable: the name; function, method: { functionName | methodName, args }; list: its elements. */
    getRaw?: () => unknown;
    getName?: () => string;
  }

  export interface Spel2jsCompiled {
    eval(context: unknown, locals?: Record<string, unknown>): unknown;
    _compiledExpression: Spel2jsNode;
  }

  export const SpelExpressionEvaluator: {
    compile(expression: string): Spel2jsCompiled;
    eval(expression: string, context: unknown, locals?: Record<string, unknown>): unknown;
  };

  export const StandardContext: {
    create(authentication: unknown, principal: unknown): Record<string, unknown>;
  };
}
