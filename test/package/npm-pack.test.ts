import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../support/cli';
import { DEFAULT_ACCOUNT, startFakeAws, TEST_CREDENTIALS, type FakeAws } from '../support/fake-aws';
import { useFakeAwsEnvironment } from '../support/engine-env';

/**
 * What a user gets from `npm install ami-tagger`, and what the Run Job image holds: the package
 * is packed (`npm pack`, which builds the bundle), then installed from the tarball into an empty
 * folder, offline and with an empty npm cache, by the Dockerfile's own steps (there is no Docker
 * engine here: test/package runs each instruction itself). The installed command then runs from
 * folders that have no rules file, against the local EC2/STS stand-in.
 */
const ROOT = join(__dirname, '../..');
const EXAMPLE_EVENT = join(ROOT, 'examples/events/create-image.json');
const IMAGE = 'ami-0a1b2c3d4e5f60001';
const run = promisify(execFile);

/** The largest tarball that is still just the bundle: a source map or a stray folder would be several MB. */
const MAX_TARBALL_BYTES = 2 * 1024 * 1024;
/** npm runs these when a package is installed: none may need a file the package does not ship. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

interface PackedFile {
  path: string;
  size: number;
}
interface Packed {
  filename: string;
  size: number;
  files: PackedFile[];
}

const work = mkdtempSync(join(tmpdir(), 'ami-tagger-pack-'));
const context = join(work, 'context');
let packed: Packed;
let fake: FakeAws;
let restoreEnvironment: () => void;

beforeAll(async () => {
  mkdirSync(context);
  // `npm pack` runs `prepack` (npm run build): the tarball holds a fresh bundle.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', context], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  [packed] = JSON.parse(stdout) as [Packed];
  // The build context of `docker build .`: the repository, of which .dockerignore lets the tarball and the YAML files through.
  copyFileSync(join(ROOT, 'ami-tagger.yml'), join(context, 'ami-tagger.yml'));
  fake = await startFakeAws();
  restoreEnvironment = useFakeAwsEnvironment(fake);
}, 120_000);

afterAll(async () => {
  restoreEnvironment();
  await fake.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  fake.reset();
  fake.seedImage({ imageId: IMAGE, region: 'us-east-1', name: 'checkout-web-2.7.0-h311.9be41c0-x86_64-20261124100000-noble', state: 'available' });
});

/** The environment of a user's shell: credentials and the endpoint of the stand-in, and nothing of this test run (no SDK switches). */
function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...fake.endpointEnvironment(),
    ...extra,
  };
}

// --- The Dockerfile, run without Docker --------------------------------------------------------

interface Image {
  /** The folder that stands for the image's `/`. */
  root: string;
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  from: string;
  args: Record<string, string>;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ keyword: string; rest: string }> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), rest: rest.join(' ') };
    });
}

function matching(folder: string, pattern: string): string[] {
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(folder).filter((name) => regex.test(name));
}

/**
 * Runs the Dockerfile's instructions in a folder standing for the image: COPY from the build
 * context, RUN with `sh` (npm's global prefix is the image's /usr/local, offline, with an empty
 * cache), WORKDIR, ENV, ARG. Any other instruction fails the test, so it follows the Dockerfile.
 */
async function buildImage(name: string, buildArgs: Record<string, string> = {}): Promise<Image> {
  const root = join(work, name);
  const image: Image = { root, workdir: '/', entrypoint: [], cmd: [], env: {}, from: '', args: {} };
  const inImage = (path: string): string => join(root, posix.isAbsolute(path) ? path : posix.join(image.workdir, path));
  const expand = (text: string): string => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => image.args[braced ?? bare ?? ''] ?? image.env[braced ?? bare ?? ''] ?? '');
  for (const { keyword, rest } of instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))) {
    switch (keyword) {
      case 'FROM':
        image.from = rest;
        break;
      case 'ARG': {
        const [key = '', value = ''] = rest.split('=');
        image.args[key] = buildArgs[key] ?? value;
        break;
      }
      case 'ENV': {
        const [key = '', value = ''] = rest.split('=');
        image.env[key] = expand(value);
        break;
      }
      case 'WORKDIR':
        image.workdir = expand(rest);
        mkdirSync(inImage('.'), { recursive: true });
        break;
      case 'COPY': {
        const [source = '', target = ''] = expand(rest).split(/\s+/);
        const sources = matching(join(context, dirname(source)), basename(source)).map((file) => join(context, dirname(source), file));
        expect(sources).not.toHaveLength(0);
        for (const file of sources) {
          const destination = target.endsWith('/') ? join(inImage(target), basename(file)) : inImage(target);
          mkdirSync(dirname(destination), { recursive: true });
          copyFileSync(file, destination);
        }
        break;
      }
      case 'RUN':
        await run('sh', ['-c', expand(rest)], {
          cwd: inImage('.'),
          env: {
            ...userEnvironment(),
            npm_config_prefix: join(root, 'usr/local'),
            npm_config_cache: join(root, 'npm-cache'),
            npm_config_offline: 'true',
            npm_config_update_notifier: 'false',
          },
        });
        break;
      case 'USER':
        break;
      case 'ENTRYPOINT':
        image.entrypoint = JSON.parse(rest) as string[];
        break;
      case 'CMD':
        image.cmd = JSON.parse(rest) as string[];
        break;
      default:
        throw new Error(`Dockerfile: ${keyword} is not run by this test; teach buildImage what it does`);
    }
  }
  return image;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `docker run IMAGE ARGS`: the entrypoint with the args, in the image's working folder (or another folder of the host). */
async function runImage(image: Image, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const [command = '', ...entryArgs] = image.entrypoint;
  try {
    const { stdout, stderr } = await run(command, [...entryArgs, ...(args.length > 0 ? args : image.cmd)], {
      cwd: options.cwd ?? join(image.root, image.workdir),
      env: { ...userEnvironment(options.env), ...image.env, PATH: `${join(image.root, 'usr/local/bin')}:${process.env.PATH ?? ''}` },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function installedPackage(image: Image): string {
  return join(image.root, 'usr/local/lib/node_modules/ami-tagger');
}

function sizeOf(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((total, entry) => total + sizeOf(join(path, entry)), 0);
}

// --- The tests ----------------------------------------------------------------------------------

describe('npm pack', () => {
  it('ships the bundle, the default rules, the bin, README and LICENSE: no source map, no sources', () => {
    expect(packed.files.map((file) => file.path).sort()).toEqual(['LICENSE', 'README.md', 'ami-tagger.yml', 'bin/ami-tagger.cjs', 'dist/cli.cjs', 'package.json']);
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES);
    expect(execFileSync('tar', ['-tzf', join(context, packed.filename)], { encoding: 'utf8' })).not.toMatch(/\.map$/m);
  });

  it('is named after package.json and carries the LICENSE its "license" names', () => {
    const { name, version, license } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
    expect(packed.filename).toBe(`${name}-${version}.tgz`);
    expect(license).toBe('Apache-2.0');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  });

  it('has no dependencies to install (everything is in the bundle) and no install script', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; scripts: Record<string, string> };
    expect(manifest.dependencies ?? {}).toEqual({});
    for (const script of INSTALL_SCRIPTS) expect(manifest.scripts).not.toHaveProperty(script);
  });
});

describe('installed from the tarball, as the Dockerfile does it', () => {
  let image: Image;
  let empty: string;

  beforeAll(async () => {
    image = await buildImage('image');
    empty = mkdtempSync(join(work, 'empty-'));
  }, 60_000);

  it('installs one package, offline with an empty cache, of about the bundle\'s size', () => {
    const installed = installedPackage(image);
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(readdirSync(join(image.root, 'usr/local/lib/node_modules'))).toEqual(['ami-tagger']);
    expect(sizeOf(installed)).toBeLessThan(packed.files.reduce((total, file) => total + file.size, 0) + 64 * 1024);
  });

  it('runs on the Node version of the Lambda runtime, and takes the stack\'s default rules file', () => {
    expect(image.from).toMatch(/^node:22\b/);
    const stack = parseYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { params: { default: { rulesFile: string } } };
    expect(posix.normalize(image.args.RULES_FILE ?? '')).toBe(posix.normalize(stack.params.default.rulesFile));
    expect(image.entrypoint).toEqual(['ami-tagger']);
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runImage(image, ['--version'], { cwd: empty })).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('--help lists the commands and the exit codes; tag --help says which rules file it uses', async () => {
    const help = await runImage(image, ['--help'], { cwd: empty });
    expect(help.code).toBe(0);
    for (const command of ['tag', 'spel', 'preview', 'lint']) expect(help.stdout).toContain(`  ${command} `);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {2}.*\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}4 /);
    const shipped = join(installedPackage(image), 'ami-tagger.yml');
    expect((await runImage(image, ['tag', '--help'], { cwd: empty })).stdout.replace(/\s+/g, ' ')).toContain(`the rules shipped with ami-tagger (${shipped}); here: the shipped rules`);
  });

  it('tag --dry-run from a folder without ami-tagger.yml uses the shipped rules and prints the plan, without the SDK\'s Node notice', async () => {
    const result = await runImage(image, ['tag', '--dry-run', '--event', EXAMPLE_EVENT], { cwd: empty });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${IMAGE} in ${DEFAULT_ACCOUNT}/us-east-1 (CreateImage): dry run: nothing written`);
    expect(result.stdout).toMatch(/Would write:[\s\S]*ManagedBy\s+ami-tagger/);
    expect(fake.countCalls('CreateTags')).toBe(0);
  });

  it('without AWS: exit 3 with what to check', async () => {
    const result = await runImage(image, ['tag', '--dry-run', '--event', EXAMPLE_EVENT], { cwd: empty, env: { AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', AWS_MAX_ATTEMPTS: '1' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('could not call AWS');
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('the Run Job\'s command writes what the stack\'s rules say, the same as `tag` from the repository', async () => {
    const payload = JSON.stringify({ application: 'orders', pipeline: 'Bake and tag', executionId: '01JDX4Q8Z7M2N5P9R3T6V8W0YB', user: 'alice@example.com', images: [{ imageId: IMAGE, region: 'us-east-1' }] });
    const container = await runImage(image, ['tag', '--payload-env', 'AMI_TAGGER_PAYLOAD', '--dry-run', '--format', 'json'], { env: { AMI_TAGGER_PAYLOAD: payload } });
    expect(container).toMatchObject({ code: 0, stderr: '' });
    const payloadFile = join(work, 'payload.json');
    writeFileSync(payloadFile, payload);
    const repository = await runCli(['tag', '--payload', payloadFile, '--dry-run', '--format', 'json', '--rules', join(ROOT, 'ami-tagger.yml')]);
    expect(repository.code).toBe(0);
    expect(JSON.parse(container.stdout)).toEqual(JSON.parse(repository.stdout));
    expect(container.stdout).toContain('"TriggeredBy"');
  });

  it('an image built with --build-arg RULES_FILE=... tags by that file', async () => {
    writeFileSync(join(context, 'team-rules.yml'), 'tags:\n  ManagedBy: ami-tagger\n  Team: platform\n');
    const custom = await buildImage('custom-image', { RULES_FILE: 'team-rules.yml' });
    const result = await runImage(custom, ['tag', '--event', EXAMPLE_EVENT]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(fake.tagsOf(DEFAULT_ACCOUNT, 'us-east-1', IMAGE)).toEqual({ ManagedBy: 'ami-tagger', Team: 'platform' });
  }, 60_000);
});
