/** Running `sls package` offline for a test, and reading what it wrote. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readTemplate, type Template } from './cloudformation';

export const SERVICE_DIR = path.resolve(__dirname, '..', '..');
/** The project's own sls (osls). */
export const SLS = path.join(SERVICE_DIR, 'node_modules', '.bin', 'sls');
/** One packaging takes about 10 s on 2 cores; this leaves room on a loaded machine. */
export const PACKAGING_TIMEOUT_MS = 180_000;

export interface Packaging {
  status: number | null;
  output: string;
  directory: string;
}

/** `sls package` for stage `test` in eu-west-1 into `scratch/name`, with `--param` for each of `params`. */
export function slsPackage(scratch: string, name: string, params: string[]): Packaging {
  const directory = path.join(scratch, name);
  const result = spawnSync(SLS, ['package', '--region', 'eu-west-1', '--stage', 'test', '--package', directory, ...params.flatMap((param) => ['--param', param])], {
    cwd: SERVICE_DIR,
    encoding: 'utf8',
    timeout: PACKAGING_TIMEOUT_MS,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAAMITAGGERPACKAGE',
      AWS_SECRET_ACCESS_KEY: 'ami-tagger-package-test',
      AWS_PROFILE: '',
      FORCE_COLOR: '0',
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, directory };
}

export const templateFile = (packaging: Packaging): string => path.join(packaging.directory, 'cloudformation-template-update-stack.json');

/** The packaged template; a failed packaging throws with what sls printed. */
export function packagedTemplate(packaging: Packaging): Template {
  if (packaging.status !== 0) throw new Error(`sls package failed (${packaging.status}):\n${packaging.output}`);
  return readTemplate(templateFile(packaging));
}
