import type { GetEventSelectorsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { LOGICAL_IDS } from '../doctor/names';
import { ReadFailedError, type ManagementCoverage } from '../doctor/reads';

/**
 * How doctor's adapter reads AWS's answers: errors as the IAM action that failed, a trail's event
 * selectors, the function's environment in a deployed template. Pure: no calls.
 */

/** The error name of an answer from AWS (not a network failure), if it is one. */
export function serviceErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : 'AwsError';
}

/** Runs one read; what fails becomes a ReadFailedError naming the IAM action it needed. */
export async function read<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ReadFailedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ReadFailedError(action, serviceErrorName(error) ?? (error instanceof Error ? error.name : 'Error'), message);
  }
}

export const isNamed = (error: unknown, ...names: string[]): boolean => names.includes(serviceErrorName(error) ?? '');

/** What a trail's event selectors say about management events that write (CreateImage is one). */
export function managementCoverage(selectors: Pick<GetEventSelectorsCommandOutput, 'EventSelectors' | 'AdvancedEventSelectors'>): ManagementCoverage {
  let coverage: ManagementCoverage = 'none';
  for (const selector of selectors.EventSelectors ?? []) {
    if (selector.IncludeManagementEvents === false) continue;
    const readWrite = selector.ReadWriteType ?? 'All';
    if (readWrite === 'All' || readWrite === 'WriteOnly') return 'write';
    coverage = 'read-only';
  }
  for (const selector of selectors.AdvancedEventSelectors ?? []) {
    const field = (name: string) => selector.FieldSelectors?.find((candidate) => candidate.Field === name);
    if (!(field('eventCategory')?.Equals ?? []).includes('Management')) continue;
    const source = field('eventSource');
    if (source?.Equals && !source.Equals.includes('ec2.amazonaws.com')) continue;
    if ((source?.NotEquals ?? []).includes('ec2.amazonaws.com')) continue;
    if ((field('readOnly')?.Equals ?? []).includes('true')) {
      coverage = 'read-only';
      continue;
    }
    return 'write';
  }
  return coverage;
}

/** The event function's environment in a deployed template (JSON, as osls uploads it). */
export function functionEnvironment(templateBody: string | undefined): Record<string, string> | undefined {
  if (templateBody === undefined) return undefined;
  let template: unknown;
  try {
    template = JSON.parse(templateBody);
  } catch {
    return undefined;
  }
  const variables = (template as { Resources?: Record<string, { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }> })?.Resources?.[LOGICAL_IDS.function]?.Properties?.Environment?.Variables;
  if (typeof variables !== 'object' || variables === null) return undefined;
  return Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** FilterLogEvents' filter pattern: every term quoted, so that `sts:AssumeRole` and ids match as text. */
export function filterPattern(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '')}"`).join(' ');
}
