import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
const ENTRY = join(__dirname, 'evaluate-in-child.ts');

export interface ChildRun {
  row: { status: string; value?: unknown; reason?: string };
  /** How long the preview of the expression took in the child, in ms (start-up left out). */
  ms: number;
}

/**
 * Previews one expression (against an empty run) in a child process that is killed if it runs
 * away, so that a regression fails the test instead of hanging the whole run.
 */
export function previewInChild(expression: string, killAfterMs = 20_000): ChildRun {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', ENTRY, JSON.stringify({ id: 'run-1', stages: [] }), expression], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: killAfterMs,
  });
  if (result.signal !== null) throw new Error(`the preview of ${expression.slice(0, 80)} did not finish in ${killAfterMs} ms (killed with ${result.signal})`);
  if (result.status !== 0) throw new Error(`the child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ChildRun;
}
