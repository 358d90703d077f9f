/**
 * What doctor and replay may ask of AWS, read from the code (the same TypeScript scan as the
 * stack's least-privilege test), against what the README and docs/not-tagged.md tell users to
 * grant; and every call doctor makes is a read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_DIR, scanCode } from '../package/code-actions';

const scan = scanCode();
const actionsIn = (file: string): string[] => [...new Set(scan.commands.filter((command) => command.where.startsWith(`${file}:`)).map((command) => command.action))].sort();

/** The rows of the doctor/replay permission table in a markdown file: command -> actions. */
function permissionTable(file: string): Record<string, string[]> {
  const text = readFileSync(path.join(REPO_DIR, file), 'utf8');
  const rows: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const match = /^\| `((?:doctor|replay)[^`]*)` \| (.*) \|$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    rows[match[1]] = [...new Set([...match[2].matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((action) => action[1] ?? ''))].sort();
  }
  return rows;
}

/** What the engine's EC2 adapter and the clients add: the dry run's reads, replay's writes, central mode's role. */
const ENGINE_READS = ['ec2:DescribeImages', 'ec2:DescribeSnapshots'];
const sorted = (actions: string[]): string[] => [...new Set(actions)].sort();

describe("doctor's and replay's permissions", () => {
  it('every call of doctor reads; its only other call, AssumeRole, is thrown away', () => {
    const doctor = actionsIn('src/aws/doctor-reads.ts');
    expect(doctor.length).toBeGreaterThan(10);
    expect(doctor.filter((action) => !/:(Describe|List|Get|FilterLogEvents$|ReceiveMessage$|AssumeRole$)/.test(action))).toEqual([]);
    expect(actionsIn('src/aws/doctor-answers.ts')).toEqual([]);
  });

  it.each(['README.md', 'docs/not-tagged.md'])('%s lists exactly what the code calls', (file) => {
    const table = permissionTable(file);
    expect(Object.keys(table).sort()).toEqual(['doctor --image', 'doctor --regions', 'replay']);
    const doctor = sorted([...(table['doctor --regions'] ?? []), ...(table['doctor --image'] ?? [])]);
    expect(doctor).toEqual(sorted([...actionsIn('src/aws/doctor-reads.ts'), ...ENGINE_READS]));
    // The engine's own calls, as the EC2 adapter and the clients make them.
    const engine = [...actionsIn('src/aws/ec2.ts'), ...actionsIn('src/aws/clients.ts')].filter((action) => action !== 'sts:GetCallerIdentity');
    expect(table.replay).toEqual(sorted([...actionsIn('src/aws/doctor-sqs.ts'), ...engine]));
    // --image needs what the dry run reads, and no write.
    expect(table['doctor --image']).toEqual(expect.arrayContaining(ENGINE_READS));
    expect((table['doctor --image'] ?? []).concat(table['doctor --regions'] ?? []).filter((action) => /CreateTags|DeleteMessage/.test(action))).toEqual([]);
  });
});
