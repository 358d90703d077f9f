import { readFileSync, writeFileSync } from 'node:fs';
import { previewStages, type PreviewRow } from '../../../src/spel/preview';
import { type SpringResult, SpringHarness, type SpringRun } from '../spring/run-spring';
import { compareOutcomes, type Outcome, UNSTABLE_EXPRESSION } from './compare';
import { fixtureExecution, STAGE_UNDER_TEST, stageUnderTest } from './fixture';
import { CASES_FILE, CATEGORIES, type Category, type DifferentialCase, generateCases } from './generate-cases';
import { harnessGap } from './harness-gaps';

/**
 * The preview against Spring's own SpEL set up like Orca (spring/OrcaSpel.java), on the generated
 * cases (cases.json, generate-cases.ts) in the fixture run (fixture.ts). One JVM evaluates every
 * case; the preview evaluates each as `ami-tagger preview` would, through previewStages. Agreement
 * is printed per category; the goal is 98% overall and no category below 90%.
 *
 * Spring here is Debian's 4.3; Orca runs 5.3. Where the two differ and the preview follows 5.3,
 * the case is a harness gap (harness-gaps.ts, with the source each rests on): it is listed and
 * left out of the agreement figures, not counted as agreement.
 */

export const GOAL_OVERALL = 0.98;
export const GOAL_PER_CATEGORY = 0.9;

interface Step {
  id: string;
  text: unknown;
  key?: string;
}

function stepsOf(testCase: DifferentialCase): Step[] {
  if (testCase.variables !== undefined) return testCase.variables.map((variable, index) => ({ id: `${testCase.id}#${index}`, text: variable.value, key: variable.key }));
  return [{ id: testCase.id, text: testCase.expr ?? '' }];
}

function stageFor(testCase: DifferentialCase): Record<string, unknown> {
  return testCase.variables !== undefined ? stageUnderTest({ variables: testCase.variables }) : stageUnderTest({ expr: testCase.expr ?? '' });
}

/** The Java class a plain JSON value has when Jackson reads it (for rows that do not say). */
function inferredType(value: unknown): string {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) <= 2147483647 ? 'Integer' : 'Long') : 'Double';
  if (Array.isArray(value)) return 'List';
  if (value === null) return 'null';
  return 'Map';
}

/** The value the preview leaves in the field: the row's, or the evaluated stage's where the row does not carry it. */
function rowOutcome(row: PreviewRow, evaluated: Record<string, unknown>): Outcome {
  const typed = row as PreviewRow & { javaType?: string; javaJson?: string | null };
  if (row.status === 'failed') return { status: 'failed', json: null, ...(row.reason !== undefined ? { reason: row.reason } : {}) };
  const value = 'value' in row ? row.value : valueAtField(evaluated, row.field);
  return {
    status: row.status,
    json: typed.javaJson !== undefined ? typed.javaJson : (JSON.stringify(value) ?? null),
    type: typed.javaType ?? inferredType(value),
    ...(row.reason !== undefined ? { reason: row.reason } : {}),
  };
}

function valueAtField(evaluated: Record<string, unknown>, field: string): unknown {
  let current: unknown = evaluated;
  for (const part of field.split(/\.|\[|\]/).filter((segment) => segment !== '')) {
    current = Array.isArray(current) ? current[Number(part)] : typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[part] : undefined;
  }
  return current;
}

/** The preview's outcome of each step: rows of the stage under test; a variable without an expression is passed on as written. */
function previewOutcomes(testCase: DifferentialCase): Outcome[] {
  const stage = stageFor(testCase);
  const { rows, stages } = previewStages(fixtureExecution(stage), [stage]);
  const evaluated = stages[0]?.evaluated ?? {};
  if (testCase.variables === undefined) {
    const row = rows.find((candidate) => candidate.field === 'context.expr' || candidate.field === 'expr');
    return [row === undefined ? { status: 'ok', json: JSON.stringify(testCase.expr ?? ''), type: 'String' } : rowOutcome(row, evaluated)];
  }
  return testCase.variables.map((variable, index) => {
    const row = rows.find((candidate) => candidate.field === `variables[${index}].value`);
    return row === undefined ? { status: 'ok', json: JSON.stringify(variable.value), type: inferredType(variable.value) } : rowOutcome(row, evaluated);
  });
}

function springRun(testCase: DifferentialCase): SpringRun {
  return {
    execution: fixtureExecution(stageFor(testCase)),
    stageRefId: STAGE_UNDER_TEST,
    steps: stepsOf(testCase).map((step) => ({ id: step.id, text: step.text, ...(step.key !== undefined ? { storeAs: step.key } : {}) })),
  };
}

function springOutcome(result: SpringResult | undefined): Outcome {
  if (result === undefined) return { status: 'failed', json: null, reason: 'no result from Spring' };
  return { status: result.status, json: result.json, ...(result.type !== undefined ? { type: result.type } : {}), ...(result.reason !== undefined ? { reason: result.reason } : {}) };
}

interface CaseResult {
  testCase: DifferentialCase;
  agree: boolean;
  gap?: string;
  why?: string;
}

function shortened(text: string): string {
  return text.length > 160 ? `${text.slice(0, 100)}…(${text.length} characters)…${text.slice(-40)}` : text;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}

describe('the preview agrees with Spring set up like Orca', () => {
  const cases: DifferentialCase[] = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as DifferentialCase[];
  const harness = new SpringHarness();
  let results: CaseResult[] = [];

  beforeAll(() => {
    const spring = harness.run(cases.map(springRun));
    const dump: unknown[] = [];
    results = cases.map((testCase, index) => {
      const springSteps = (spring[index] ?? []).map(springOutcome);
      const previewSteps = previewOutcomes(testCase);
      const whys: string[] = [];
      previewSteps.forEach((preview, step) => {
        const verdict = compareOutcomes(preview, springSteps[step] ?? { status: 'failed', json: null, reason: 'no step' }, UNSTABLE_EXPRESSION.test(JSON.stringify(testCase)));
        if (!verdict.agree) whys.push(testCase.variables !== undefined ? `step ${step}: ${verdict.why}` : verdict.why);
      });
      dump.push({ id: testCase.id, text: testCase.expr ?? testCase.variables, preview: previewSteps, spring: springSteps });
      const text = testCase.expr ?? JSON.stringify(testCase.variables);
      const gap = whys.length > 0 ? harnessGap(text, previewSteps, springSteps) : undefined;
      return { testCase, agree: whys.length === 0, ...(gap !== undefined ? { gap } : {}), ...(whys.length > 0 ? { why: whys.join('; ') } : {}) };
    });
    // DIFFERENTIAL_DUMP=file writes every outcome, both sides, for reading them side by side.
    if (process.env.DIFFERENTIAL_DUMP) writeFileSync(process.env.DIFFERENTIAL_DUMP, JSON.stringify(dump, null, 1));
    const lines: string[] = [];
    const counted = results.filter((result) => result.gap === undefined);
    for (const category of CATEGORIES) {
      const mine = counted.filter((result) => result.testCase.category === category);
      const agreed = mine.filter((result) => result.agree).length;
      lines.push(`  ${category.padEnd(36)} ${String(agreed).padStart(3)}/${String(mine.length).padEnd(3)} ${percent(agreed, mine.length)}`);
    }
    const agreed = counted.filter((result) => result.agree).length;
    lines.push(`  ${'overall'.padEnd(36)} ${String(agreed).padStart(3)}/${String(counted.length).padEnd(3)} ${percent(agreed, counted.length)}`);
    const gaps = results.filter((result) => result.gap !== undefined);
    if (gaps.length > 0) lines.push(`  harness gaps (Spring 4.3 here, 5.3 in Orca; left out above): ${gaps.length}`, ...gaps.map((result) => `    ${result.testCase.id} ${shortened(result.testCase.expr ?? '')}: ${result.gap}`));
    const differences = counted.filter((result) => !result.agree);
    if (differences.length > 0) lines.push('  differences:', ...differences.map((result) => `    ${result.testCase.id} ${shortened(result.testCase.expr ?? JSON.stringify(result.testCase.variables))}: ${shortened(result.why ?? '')}`));
    process.stdout.write(`Differential test: preview vs Spring (${cases.length} cases)\n${lines.join('\n')}\n`);
  }, 120_000);

  afterAll(() => harness.dispose());

  it('evaluates the committed cases, which are the seeded generator output', () => {
    expect(cases).toEqual(generateCases());
    expect(cases.length).toBeGreaterThanOrEqual(500);
  });

  // Before the evaluator followed Java's semantics (spel2js's, commit 554cb85): 408/589 (69.3%) overall,
  // 17 of 21 categories below 90% (String methods 21%, arithmetic 25%, type references 46%).
  it(`agrees on at least ${GOAL_OVERALL * 100}% overall and ${GOAL_PER_CATEGORY * 100}% in every category`, () => {
    const counted = results.filter((result) => result.gap === undefined);
    const byCategory = new Map<Category, number>();
    for (const category of CATEGORIES) {
      const mine = counted.filter((result) => result.testCase.category === category);
      byCategory.set(category, mine.filter((result) => result.agree).length / Math.max(1, mine.length));
    }
    const overall = counted.filter((result) => result.agree).length / Math.max(1, counted.length);
    expect({ overall: overall >= GOAL_OVERALL, belowGoal: [...byCategory].filter(([, share]) => share < GOAL_PER_CATEGORY).map(([category]) => category) }).toEqual({ overall: true, belowGoal: [] });
  });
});
