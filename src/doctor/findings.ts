/**
 * What doctor says about one thing it checked. `fail` is something wrong, with its fix; `error`
 * means doctor could not look (AWS refused or failed the read: the fix names the permission);
 * `skip` is a check that does not apply, or that cannot be decided from here, with the reason.
 */
export type FindingStatus = 'ok' | 'fail' | 'error' | 'skip';

export interface Finding {
  /** A region, or `global` for what is not regional (IAM roles). */
  region: string;
  /** `stack`, `rule image-created`, `queue rule-dlq`, `trail`, `bus policy`, `member role 444455556666`, ... */
  check: string;
  status: FindingStatus;
  /** What was found, in a sentence. */
  detail: string;
  /** What to do, for `fail` and `error`: a command when there is one. */
  fix?: string;
}

export const GLOBAL_REGION = 'global';

export function ok(region: string, check: string, detail: string): Finding {
  return { region, check, status: 'ok', detail };
}

export function fail(region: string, check: string, detail: string, fix: string): Finding {
  return { region, check, status: 'fail', detail, fix };
}

export function skip(region: string, check: string, detail: string, fix?: string): Finding {
  return { region, check, status: 'skip', detail, ...(fix !== undefined ? { fix } : {}) };
}

export function couldNotCheck(region: string, check: string, error: unknown): Finding {
  const { action, text } = describeReadError(error);
  return {
    region,
    check,
    status: 'error',
    detail: `could not check: ${text}`,
    fix: action ? `allow ${action} to the credentials doctor runs with (README, "Command line": doctor's read-only permissions)` : 'check the credentials, the region and the network, then run doctor again',
  };
}

function describeReadError(error: unknown): { action?: string; text: string } {
  if (error instanceof Error && 'action' in error && typeof error.action === 'string') return { action: error.action, text: error.message };
  return { text: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

export interface FindingCounts {
  ok: number;
  fail: number;
  error: number;
  skip: number;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = { ok: 0, fail: 0, error: 0, skip: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}
