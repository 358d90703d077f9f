/**
 * Bundle benchmark: what the Lambda bundle costs, against a floor.
 *
 *   npm run bench [-- --runs 15] [-- --json]
 *
 * The floor is the smallest handler that can do the job: @aws-sdk/client-ec2 alone, sending
 * DescribeImages and CreateTags. Each real handler is built with the same esbuild options as the
 * deployed package (serverless/esbuild.cjs), zipped with the function serverless-esbuild uses
 * for the package (archiver, deflate), and loaded with `node -e 'require(BUNDLE)'`; the load
 * time is the median of N runs, all bundles interleaved in each round, with `node -e ''` as the
 * baseline so that the "net" figure is the cost of the require alone.
 * Prints figures; it is not a test and does not fail on the goals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { zip } from 'serverless-esbuild/dist/utils';
import { lambdaBundleOptions } from '../serverless/esbuild.cjs';

const REPO_DIR = path.resolve(__dirname, '..');
/** Inside the repository (and git-ignored) so that the floor's entry resolves node_modules. */
const WORK_DIR = path.join(REPO_DIR, '.bench');
const DEFAULT_RUNS = 15;
/**
 * Goals, as ratios to the floor, for the event function (the one on every new image's path):
 * its zip within 1.15x of client-ec2 alone, its net require time within 1.10x.
 */
const ZIP_GOAL = 1.15;
const REQUIRE_GOAL = 1.1;
const TOP_INPUTS = 12;

const HANDLERS = [
  { name: 'tag-image', entry: 'handlers/tag-image.ts' },
  { name: 'direct-tag', entry: 'handlers/direct-tag.ts' },
];

const FLOOR_ENTRY = `import { CreateTagsCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
const ec2 = new EC2Client({});
export async function handler(event: { imageId: string }) {
  const found = await ec2.send(new DescribeImagesCommand({ ImageIds: [event.imageId] }));
  await ec2.send(new CreateTagsCommand({ Resources: [event.imageId], Tags: [{ Key: 'ManagedBy', Value: 'ami-tagger' }] }));
  return found.Images?.length ?? 0;
}
`;

interface BundleFigures {
  name: string;
  minifiedBytes: number;
  zippedBytes: number;
  /** Median wall time of `node -e 'require(BUNDLE)'`, in milliseconds. */
  requireMs: number;
  /** requireMs less the median of `node -e ''`: the require alone. */
  requireNetMs: number;
  largestPackages: Array<{ name: string; bytes: number }>;
  largestFiles: Array<{ name: string; bytes: number }>;
}

interface Built {
  name: string;
  bundle: string;
  zipFile: string;
  metafile: Metafile;
}

const USAGE = `Usage: npm run bench -- [--runs N] [--json]

Builds the floor (@aws-sdk/client-ec2 with DescribeImages and CreateTags) and each handler with
the Lambda package's esbuild options, and prints minified size, zipped size and require time.
  --runs N   require-time runs per bundle (default ${DEFAULT_RUNS})
  --json     print the figures as JSON
  --help     print this`;

async function buildBundle(name: string, entry: string): Promise<Built> {
  const bundle = path.join(WORK_DIR, name, 'index.js');
  const result = await build({ ...lambdaBundleOptions, entryPoints: [entry], outfile: bundle, metafile: true, logLevel: 'error' });
  const zipFile = path.join(WORK_DIR, `${name}.zip`);
  await zip(zipFile, [{ rootPath: bundle, localPath: 'index.js' }]);
  return { name, bundle, zipFile, metafile: result.metafile };
}

function timeNode(script: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    encoding: 'utf8',
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node -e ${script} failed:\n${result.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs every bundle (and the bare baseline) once per round, rotating the order each round. */
function measureRequireTimes(bundles: Built[], runs: number): { baseline: number; byName: Map<string, number> } {
  const scripts = [{ name: '', script: '' }, ...bundles.map((built) => ({ name: built.name, script: `require(${JSON.stringify(built.bundle)})` }))];
  const samples = new Map<string, number[]>(scripts.map((entry) => [entry.name, []]));
  for (const entry of scripts) timeNode(entry.script); // warm the file cache
  for (let round = 0; round < runs; round += 1) {
    for (let index = 0; index < scripts.length; index += 1) {
      const entry = scripts[(index + round) % scripts.length];
      if (entry) samples.get(entry.name)?.push(timeNode(entry.script));
    }
  }
  const byName = new Map<string, number>();
  for (const [name, values] of samples) byName.set(name, median(values));
  return { baseline: byName.get('') ?? 0, byName };
}

/** `node_modules/@aws-sdk/client-ec2/dist-es/...` -> `@aws-sdk/client-ec2`; project files -> their path. */
function packageOf(input: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? `(ami-tagger) ${input.split('/')[0] ?? input}`;
}

function largestInputs(metafile: Metafile): Pick<BundleFigures, 'largestPackages' | 'largestFiles'> {
  const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of inputs) byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  const top = (entries: Array<[string, number]>) =>
    entries
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_INPUTS)
      .map(([name, bytes]) => ({ name, bytes }));
  return { largestPackages: top([...byPackage]), largestFiles: top(inputs.map(([input, { bytesInOutput }]) => [input, bytesInOutput])) };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (value: number, floor: number): string => (floor > 0 ? `${(value / floor).toFixed(2)}x` : 'n/a');

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '));
}

function printReport(figures: BundleFigures[], floor: BundleFigures, baselineMs: number, runs: number): void {
  console.log(`Lambda bundles (esbuild ${String(lambdaBundleOptions.target)}, minified), zip as serverless-esbuild packs it, require time on node ${process.version}: median of ${runs}\n`);
  printTable([
    ['bundle', 'minified', 'zipped', 'zip/floor', 'require', 'net', 'net/floor'],
    ...figures.map((row) => [
      row.name,
      kib(row.minifiedBytes),
      kib(row.zippedBytes),
      ratio(row.zippedBytes, floor.zippedBytes),
      `${row.requireMs.toFixed(1)} ms`,
      `${row.requireNetMs.toFixed(1)} ms`,
      ratio(row.requireNetMs, floor.requireNetMs),
    ]),
  ]);
  console.log(`\n(node -e '' alone: ${baselineMs.toFixed(1)} ms; "net" is the require less that.)`);
  console.log(`Goals: zip <= ${ZIP_GOAL}x floor, require (net) <= ${REQUIRE_GOAL}x floor`);
  for (const row of figures.filter((candidate) => candidate !== floor)) {
    const zipRatio = row.zippedBytes / floor.zippedBytes;
    const requireRatio = row.requireNetMs / floor.requireNetMs;
    console.log(
      `  ${row.name}: zip ${zipRatio.toFixed(2)}x ${zipRatio <= ZIP_GOAL ? 'met' : 'MISSED'}, require ${requireRatio.toFixed(2)}x ${requireRatio <= REQUIRE_GOAL ? 'met' : 'MISSED'}`,
    );
  }
  for (const row of figures.filter((candidate) => candidate !== floor)) {
    console.log(`\nLargest inputs of ${row.name} (bytes in the minified output), by package:`);
    printTable(row.largestPackages.map((input) => [`  ${input.name}`, kib(input.bytes)]));
    console.log(`by file:`);
    printTable(row.largestFiles.map((input) => [`  ${input.name}`, kib(input.bytes)]));
  }
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs({ options: { runs: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = options.runs === undefined ? DEFAULT_RUNS : Number(options.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs ${options.runs}: expected a whole number of runs, 1 or more\n\n${USAGE}`);
    return 2;
  }

  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const floorEntry = path.join(WORK_DIR, 'floor-handler.ts');
  writeFileSync(floorEntry, FLOOR_ENTRY);
  const built = [await buildBundle('floor (client-ec2)', floorEntry)];
  for (const handler of HANDLERS) {
    const entry = path.join(REPO_DIR, handler.entry);
    if (existsSync(entry)) built.push(await buildBundle(handler.name, entry));
  }

  const { baseline, byName } = measureRequireTimes(built, runs);
  const figures: BundleFigures[] = built.map((bundle) => {
    const requireMs = byName.get(bundle.name) ?? 0;
    return {
      name: bundle.name,
      minifiedBytes: statSync(bundle.bundle).size,
      zippedBytes: statSync(bundle.zipFile).size,
      requireMs,
      requireNetMs: requireMs - baseline,
      ...largestInputs(bundle.metafile),
    };
  });
  const [floor] = figures;
  if (!floor) return 1;

  if (options.json) {
    console.log(
      JSON.stringify(
        { runs, node: process.version, baselineMs: baseline, goals: { zipRatio: ZIP_GOAL, requireRatio: REQUIRE_GOAL }, floor: floor.name, bundles: figures },
        null,
        2,
      ),
    );
  } else {
    printReport(figures, floor, baseline, runs);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
