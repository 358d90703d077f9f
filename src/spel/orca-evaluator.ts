import { javaMatches, RegexBudget } from './bounded-regex';
import { convertValue, isInstance } from './java-conversion';
import { isRecord } from './json';
import { convertArguments, invokeMethod, type InvokeContext } from './java-methods';
import { numberLiteral } from './java-numbers';
import { classNameOf, constructObject, findType, methodsOf, simpleNameOf } from './java-types';
import { fromData, isMapLike, JavaArray, JavaClass, JavaMap, JavaMethodValue, javaToString, type MapLike } from './java-values';
import { executionObject, type OrcaFunction } from './orca-functions';
import { orcaMethods } from './orca-model';
import { indexInto, type Navigator, project, readProperty, select } from './orca-navigation';
import { compareValues, divide, equalityCheck, minus, modulus, multiply, plus, power, relational, SpelEvaluationError, toBooleanCondition } from './orca-operators';
import { describeThrown, parseSpel, type SpelTree } from './spel-ast';

/**
 * Evaluates a SpEL expression the way Orca does: Spring 5.3's SpEL (Orca's: kork pins Spring Boot
 * 2.7.18, Spring Framework 5.3.31) in the context kork builds (ExpressionsSupport): map keys read
 * as properties (an unknown key is null), other objects through their getters, methods and types
 * filtered by kork's allow-lists, Java's types and operators (java-*.ts, orca-operators.ts).
 * Every step follows the Spring class that evaluates it (spel/ast/*.java); the preview never
 * reaches JavaScript's own properties or prototype.
 */

export { MAX_CONCATENATED_STRING_LENGTH, MAX_REPEATED_TEXT_SIZE } from './orca-operators';

/**
 * SpelParserConfiguration.DEFAULT_MAX_EXPRESSION_LENGTH (5.3.28+): a longer expression is not
 * parsed (EL1079E). Orca keeps it unless `expression.max-expression-length` is set.
 */
export const MAX_EXPRESSION_LENGTH = 10_000;

export class OrcaEvaluationError extends SpelEvaluationError {}

export interface EvaluationScope {
  /** The root object: Orca's StageContext (orca-model.ts), or a plain map for a quick evaluation. */
  root: Record<string, unknown> | MapLike;
  functions: Record<string, OrcaFunction>;
}

export type SpelOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

/** A plain root given with the execution's JSON reads the execution as Orca's object. */
function rootOf(scope: EvaluationScope): unknown {
  const root = scope.root;
  if (isMapLike(root) || !isRecord(root.execution) || Object.getPrototypeOf(root.execution) !== Object.prototype) return root;
  return { ...root, execution: executionObject(root.execution) };
}

/** Parses and evaluates `body` (the text between `${` and `}`); never throws. */
export function evaluateSpel(body: string, scope: EvaluationScope): SpelOutcome {
  // InternalSpelExpressionParser.checkExpressionLength: each `${...}` of a template on its own.
  if (body.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, reason: `EL1079E: SpEL expression is too long, exceeding the threshold of '${MAX_EXPRESSION_LENGTH}' characters` };
  }
  try {
    const tree = parseSpel(body);
    return { ok: true, value: new Evaluation(rootOf(scope), scope.functions, new RegexBudget()).value(tree) };
  } catch (thrown) {
    if (thrown instanceof RangeError) return { ok: false, reason: 'the expression is nested too deeply for the preview to evaluate' };
    return { ok: false, reason: describeThrown(thrown) };
  }
}

function fail(message: string): never {
  throw new OrcaEvaluationError(message);
}

class Evaluation implements Navigator {
  private readonly active: unknown[];
  private readonly scopeRoots: unknown[] = [];
  readonly context: InvokeContext;

  constructor(
    readonly root: unknown,
    private readonly functions: Record<string, OrcaFunction>,
    budget: RegexBudget,
  ) {
    this.active = [root];
    this.context = { budget };
  }

  current(): unknown {
    return this.active[this.active.length - 1] ?? null;
  }

  within<T>(activeValue: unknown, run: () => T, scopeRoot = false): T {
    this.active.push(activeValue);
    if (scopeRoot) this.scopeRoots.push(activeValue);
    try {
      return run();
    } finally {
      this.active.pop();
      if (scopeRoot) this.scopeRoots.pop();
    }
  }

  value(tree: SpelTree): unknown {
    return fromData(this.evaluate(tree));
  }

  private child(tree: SpelTree, index: number): SpelTree {
    const node = index < tree.children.length ? tree.children[index] : undefined;
    if (node === undefined) return fail(`${tree.type} has no operand ${index + 1}`);
    return node;
  }

  private evaluate(tree: SpelTree): unknown {
    switch (tree.type) {
      case 'number':
        return numberLiteral(tree.numberType ?? 'int', tree.radix ?? 10, tree.source ?? '0');
      case 'string':
      case 'boolean':
      case 'null':
        return tree.literal ?? null;
      case 'list':
        return tree.children.map((element) => this.value(element));
      case 'map': {
        const map = new JavaMap();
        for (const entry of tree.entries ?? []) map.set(typeof entry.key === 'string' ? entry.key : this.value(entry.key), this.value(entry.value));
        return map;
      }
      case 'variable':
        return this.variable(tree.name ?? '');
      case 'function':
        return this.callFunction(tree);
      case 'property':
        return readProperty(this, this.current(), tree.name ?? '', tree.nullSafe === true);
      case 'compound':
        return this.chain(tree.children);
      case 'indexer':
        return indexInto(this, tree);
      case 'selection':
        return select(this, tree);
      case 'projection':
        return project(this, tree);
      case 'method':
        return this.callMethod(tree);
      case 'op-plus':
        return tree.children.length === 1 ? plus(this.value(this.child(tree, 0))) : plus(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-minus':
        return tree.children.length === 1 ? minus(this.value(this.child(tree, 0))) : minus(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-multiply':
        return multiply(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-divide':
        return divide(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-modulus':
        return modulus(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-power':
        return power(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-and':
        return toBooleanCondition(this.value(this.child(tree, 0))) && toBooleanCondition(this.value(this.child(tree, 1)));
      case 'op-or':
        return toBooleanCondition(this.value(this.child(tree, 0))) || toBooleanCondition(this.value(this.child(tree, 1)));
      case 'op-not':
        return !toBooleanCondition(this.value(this.child(tree, 0)));
      case 'op-eq':
        return equalityCheck(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-ne':
        return !equalityCheck(this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-lt':
        return relational('<', this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-le':
        return relational('<=', this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-gt':
        return relational('>', this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'op-ge':
        return relational('>=', this.value(this.child(tree, 0)), this.value(this.child(tree, 1)));
      case 'ternary':
        return this.value(this.child(tree, toBooleanCondition(this.value(this.child(tree, 0))) ? 1 : 2));
      case 'elvis': {
        const value = this.value(this.child(tree, 0));
        return value !== null && value !== '' ? value : this.value(this.child(tree, 1));
      }
      case 'matches':
        return this.matches(tree);
      case 'between':
        return this.between(tree);
      case 'instanceof': {
        const value = this.value(this.child(tree, 0));
        const type = this.value(this.child(tree, 1));
        if (!(type instanceof JavaClass)) return fail(`EL1028E: The operator 'instanceof' needs the right operand to be a class, not a '${classNameOf(type)}'`);
        // Class.isAssignableFrom: a primitive class (T(int)) takes no object.
        return value !== null && !/^(int|long|double|float|short|byte|char|boolean|void)$/.test(type.name) && isInstance(value, simpleNameOf(type));
      }
      case 'typeref':
        return findType(tree.name ?? '', tree.dimensions ?? 0);
      case 'constructorref':
        return this.construct(tree);
      case 'beanref':
        return fail(`EL1057E: No bean resolver registered in the context to resolve access to bean '${tree.name ?? ''}'`);
      case 'assign':
        return fail("the preview does not assign values (=): Orca would change its copy of the stage's context, which the preview does not follow");
      case 'op-inc':
      case 'op-dec':
        return fail(`the preview does not run ${tree.type === 'op-inc' ? '++' : '--'}: Orca would change its copy of the stage's context, which the preview does not follow`);
    }
  }

  /** VariableReference: #this, #root, and the registered functions (as Method objects). */
  private variable(name: string): unknown {
    if (name === 'this') return this.current();
    if (name === 'root') return this.root;
    return Object.prototype.hasOwnProperty.call(this.functions, name) ? new JavaMethodValue(name) : null;
  }

  /** FunctionReference: arguments in the current context, their number checked, converted to the parameter types. */
  private callFunction(tree: SpelTree): unknown {
    const name = tree.name ?? '';
    const spec = Object.prototype.hasOwnProperty.call(this.functions, name) ? this.functions[name] : undefined;
    if (spec === undefined) return fail(`EL1006E: Function '${name}' could not be found`);
    const args = tree.children.map((arg) => this.value(arg));
    const varargs = spec.params[spec.params.length - 1]?.endsWith('...') === true;
    if (!varargs && spec.params.length !== args.length) {
      return fail(`EL1014E: Incorrect number of arguments for function, ${args.length} supplied but function takes ${spec.params.length}${spec.params[0] === 'PipelineExecution' ? ` (#${name}; Orca adds the execution as the first)` : ''}`);
    }
    const converted = convertArguments(spec, args);
    try {
      return spec.invoke(null, converted, this.context);
    } catch (error) {
      return fail(`EL1023E: A problem occurred whilst attempting to invoke the function '${name}': '${describeThrown(error)}'`);
    }
  }

  private chain(steps: readonly SpelTree[]): unknown {
    let pushed = 0;
    try {
      let result: unknown = null;
      steps.forEach((step, index) => {
        result = this.value(step);
        if (index < steps.length - 1) {
          this.active.push(result);
          pushed++;
        }
      });
      return result;
    } finally {
      for (; pushed > 0; pushed--) this.active.pop();
    }
  }


  /** MethodReference: arguments against the scope's root (the element in a selection or projection), then kork's method resolution. */
  private callMethod(tree: SpelTree): unknown {
    const name = tree.name ?? '';
    const target = fromData(this.current());
    const scopeRoot = this.scopeRoots.length > 0 ? this.scopeRoots[this.scopeRoots.length - 1] : this.root;
    const args = tree.children.map((arg) => this.within(scopeRoot, () => this.value(arg)));
    if (target === null) {
      if (tree.nullSafe) return null;
      return fail(`EL1011E: Method call: Attempted to call method ${name}(${args.map((arg) => (arg === null ? 'null' : classNameOf(arg))).join(',')}) on null context object`);
    }
    const isClass = target instanceof JavaClass;
    return invokeMethod(methodsOf(target, orcaMethods), name, target, args, isClass ? target.name : classNameOf(target), this.context, isClass);
  }

  private matches(tree: SpelTree): unknown {
    const input = convertValue(this.value(this.child(tree, 0)), 'String');
    if (input === null) return fail("EL1037E: First operand to matches operator must be a string. 'null' is not");
    const regex = this.value(this.child(tree, 1));
    if (typeof regex !== 'string') return fail(`EL1038E: Second operand to matches operator must be a string. '${javaToString(regex)}' is not`);
    return javaMatches(String(input), regex, this.context.budget);
  }

  private between(tree: SpelTree): unknown {
    const value = this.value(this.child(tree, 0));
    const range = this.value(this.child(tree, 1));
    if (!Array.isArray(range) || range.length !== 2) return fail("EL1017E: Right operand for the 'between' operator has to be a two-element list");
    const [low, high] = range.map(fromData);
    return compareValues(value, low) >= 0 && compareValues(value, high) <= 0;
  }

  private construct(tree: SpelTree): unknown {
    const name = tree.name ?? '';
    if (tree.arrayConstructor === true) {
      const type = findType(name);
      const initializer = tree.children[0];
      if (initializer === undefined) return fail(`the preview does not build empty arrays (new ${name}[...])`);
      return new JavaArray(simpleNameOf(type), (initializer.type === 'list' ? initializer.children : []).map((element) => convertValue(this.value(element), simpleNameOf(type))));
    }
    const args = tree.children.map((arg) => this.value(arg));
    return constructObject(name, args);
  }
}

