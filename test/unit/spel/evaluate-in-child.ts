import { previewExpression } from '../../../src/spel/preview';

/**
 * Evaluates one expression in a process of its own (`node --require tsx/cjs evaluate-in-child.ts
 * EXECUTION_JSON EXPRESSION`) and prints the preview row and how long it took. The regex tests
 * run runaway patterns here, so that a regression hangs this child, which they kill, and not the
 * test run.
 */
const [executionJson = '{}', expression = ''] = process.argv.slice(2);
const execution: unknown = JSON.parse(executionJson);
const started = performance.now();
const row = previewExpression(typeof execution === 'object' && execution !== null && !Array.isArray(execution) ? Object.fromEntries(Object.entries(execution)) : {}, expression);
process.stdout.write(JSON.stringify({ row, ms: performance.now() - started }));
