/**
 * scripts/deploy-all-regions.ts against the local EC2 stand-in: it finds the enabled regions with
 * DescribeRegions, runs one `sls deploy` per region (here a recording stand-in for sls), and
 * reports with the documented exit codes.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeAws, TEST_CREDENTIALS, type FakeAws } from '../support/fake-aws';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO_DIR, 'node_modules', '.bin', 'tsx');
const SCRIPT = path.join(REPO_DIR, 'scripts', 'deploy-all-regions.ts');
const ENABLED = ['ap-southeast-2', 'eu-west-1', 'us-east-1'];

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

let fake: FakeAws;
const scratch = mkdtempSync(path.join(tmpdir(), 'ami-tagger-deploy-'));
const slsLog = path.join(scratch, 'sls-calls.jsonl');
/** Records its arguments, one JSON line per call, and fails for eu-west-1 as a broken deploy would. */
const recordingSls = path.join(scratch, 'sls');

beforeAll(async () => {
  fake = await startFakeAws({ regions: ENABLED });
  writeFileSync(
    recordingSls,
    `#!${process.execPath}\nconst args = process.argv.slice(2);\nrequire('node:fs').appendFileSync(${JSON.stringify(slsLog)}, JSON.stringify(args) + '\\n');\nprocess.exit(args.includes('eu-west-1') ? 1 : 0);\n`,
  );
  chmodSync(recordingSls, 0o755);
});
afterAll(async () => {
  await fake.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  fake.reset();
  rmSync(slsLog, { force: true });
});

function runScript(args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [SCRIPT, ...args],
      {
        cwd: REPO_DIR,
        env: {
          ...process.env,
          ...fake.endpointEnvironment(),
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
          AWS_REGION: 'eu-west-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PROFILE: '',
          // The SDK's own retries of a refused DescribeRegions would only slow the failure test.
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function slsCalls(): string[][] {
  let text = '';
  try {
    text = readFileSync(slsLog, 'utf8');
  } catch {
    return [];
  }
  return text
    .trim()
    .split('\n')
    .map((line): string[] => {
      const parsed: unknown = JSON.parse(line);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    });
}

describe('deploy-all-regions', () => {
  it('with --dry-run lists every enabled region and its command, and deploys nothing', async () => {
    const run = await runScript(['--dry-run', '--sls', recordingSls, '--stage', 'prod', '--', '--param', 'memberRoleName=ami-tagger-member']);
    expect(run.code).toBe(0);
    for (const region of ENABLED) {
      expect(run.stdout).toContain(`${recordingSls} deploy --region ${region} --stage prod --param memberRoleName=ami-tagger-member`);
      expect(run.stdout).toMatch(new RegExp(`^${region}\\s+would deploy`, 'm'));
    }
    expect(run.stdout).not.toContain('af-south-1'); // an opt-in region the account has not enabled
    expect(run.stdout).toContain('3 regions would be deployed.');
    expect(fake.countCalls('DescribeRegions')).toBe(1);
    expect(slsCalls()).toEqual([]);
  });

  it('follows the regions the account has, not a list of its own', async () => {
    fake.setRegions(['us-east-1', 'af-south-1']);
    const run = await runScript(['--dry-run', '--sls', recordingSls]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('deploy --region af-south-1');
    expect(run.stdout).not.toContain('eu-west-1');
    expect(run.stdout).toContain('2 regions would be deployed.');
  });

  it('deploys each region in turn, carries on after a failure, and exits 1 with the failed region in the summary', async () => {
    const run = await runScript(['--sls', recordingSls, '--', '--param', 'directPath=true']);
    expect(run.code).toBe(1);
    expect(slsCalls()).toEqual(ENABLED.map((region) => ['deploy', '--region', region, '--param', 'directPath=true']));
    expect(run.stdout).toMatch(/^eu-west-1\s+FAILED \(exit 1\)/m);
    expect(run.stdout).toMatch(/^us-east-1\s+deployed/m);
    expect(run.stdout).toContain('2 of 3 regions deployed, 1 failed.');
  });

  it('exits 0 when every region it was asked for deployed', async () => {
    const run = await runScript(['--regions', 'us-east-1,ap-southeast-2', '--sls', recordingSls]);
    expect(run.code).toBe(0);
    expect(slsCalls().map((args) => args[2])).toEqual(['us-east-1', 'ap-southeast-2']);
    expect(run.stdout).toContain('2 of 2 regions deployed, 0 failed.');
  });

  it('refuses a region that is not enabled in the account, before deploying anything', async () => {
    const run = await runScript(['--regions', 'eu-west-1,af-south-1', '--sls', recordingSls]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('af-south-1 is not enabled in this account');
    expect(slsCalls()).toEqual([]);
  });

  it.each([
    [['--regions', 'Ireland'], 'Ireland is not a region name'],
    [['--regions', ','], '--regions is empty'],
    [['--colour'], "Unknown option '--colour'"],
    [['stray'], 'stray'],
  ])('exits 2 on bad input %j', async (args, message) => {
    const run = await runScript([...args, '--sls', recordingSls]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage:');
    expect(fake.countCalls('DescribeRegions')).toBe(0);
  });

  it('exits 3 and says why when the regions cannot be read from AWS', async () => {
    fake.failNext('DescribeRegions', 'UnauthorizedOperation', { message: 'You are not authorized to perform this operation.' });
    const run = await runScript(['--dry-run', '--sls', recordingSls]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('ec2:DescribeRegions');
    expect(run.stderr).toContain('not authorized');
  });

  it('prints its usage with --help', async () => {
    const run = await runScript(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--dry-run');
    expect(run.stdout).toContain('Exit codes:');
  });
});
