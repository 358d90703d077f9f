/**
 * The README's "IAM" section, read as data: for each role, the rows of its table (actions, whether
 * the resource is `*`, when the row applies, the condition keys it may carry).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const README = path.resolve(__dirname, '..', '..', 'README.md');

/** When a row applies: always, only in central mode, only with the Function URL. */
export type Applies = 'always' | 'central mode' | 'directPathUrl';

export interface ReadmeIamRow {
  actions: string[];
  anyResource: boolean;
  applies: Applies;
  conditionKeys: string[];
}

const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');

/** The section from "## IAM" to the next "## ". */
export function readmeIamSection(text: string = readFileSync(README, 'utf8')): string {
  const start = text.indexOf('\n## IAM\n');
  if (start < 0) throw new Error('README has no "## IAM" section');
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/**
 * Role logical id -> its table rows. A table belongs to the role named as (`LogicalId`, ...) in
 * the paragraph just above it.
 */
export function readmeIamTables(section: string = readmeIamSection()): Map<string, ReadmeIamRow[]> {
  const tables = new Map<string, ReadmeIamRow[]>();
  let role: string | undefined;
  for (const line of section.split('\n')) {
    const named = /role \(`(\w+)`/.exec(line);
    if (named?.[1]) {
      role = named[1];
      tables.set(role, []);
      continue;
    }
    if (!line.startsWith('|') || role === undefined) continue;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    const [actions = '', resource = '', applies = '', conditions = ''] = cells;
    if (actions === 'action' || /^-+$/.test(actions)) continue;
    if (applies !== 'always' && applies !== 'central mode' && applies !== 'directPathUrl') throw new Error(`README IAM: unknown "when" ${JSON.stringify(applies)} in ${line}`);
    tables.get(role)?.push({ actions: backticked(actions), anyResource: backticked(resource).includes('*'), applies, conditionKeys: backticked(conditions) });
  }
  return tables;
}
