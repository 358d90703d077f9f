import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { AWS_MAX_ATTEMPTS, AwsClients, type ClientTuning } from '../../src/aws/clients';
import { SdkEc2Gateway } from '../../src/aws/ec2';
import { loadRulesFile } from '../../src/rules/load';
import type { EngineOptions } from '../../src/tagger/engine';
import type { Rules } from '../../src/rules/rules';
import type { LogFields } from '../../src/log';
import { DEFAULT_ACCOUNT, startFakeAws, TEST_CREDENTIALS, type FakeAws } from './fake-aws';

export const SHIPPED_RULES_FILE = join(__dirname, '../../ami-tagger.yml');

/** Writes rules as the package step does (JSON) and returns the path. */
export function compiledRules(rules: Rules = loadRulesFile(SHIPPED_RULES_FILE)): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ami-tagger-compiled-')), 'ami-tagger.rules.json');
  writeFileSync(path, JSON.stringify(rules));
  return path;
}

/** Points the SDK (through its own AWS_ENDPOINT_URL_* variables) at the stand-in; returns a restore function. */
export function useFakeAwsEnvironment(fake: FakeAws, extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    ...fake.endpointEnvironment(),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** A log that keeps its lines, for assertions. */
export function capturingLog(): { lines: Array<{ level: string; message: string; fields: LogFields }>; info: (m: string, f: LogFields) => void; warn: (m: string, f: LogFields) => void; error: (m: string, f: LogFields) => void } {
  const lines: Array<{ level: string; message: string; fields: LogFields }> = [];
  const at = (level: string) => (message: string, fields: LogFields) => {
    lines.push({ level, message, fields });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * The stand-in for one test file: started before its tests, the SDK pointed at it through its own
 * AWS_ENDPOINT_URL_* variables, emptied before each test, closed after. `handle.fake` is the server.
 */
export function useFakeAws(extraEnvironment: Record<string, string> = {}): { readonly fake: FakeAws } {
  let fake: FakeAws | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    fake = await startFakeAws();
    restore = useFakeAwsEnvironment(fake, extraEnvironment);
  });
  afterAll(async () => {
    restore?.();
    await fake?.close();
  });
  beforeEach(() => fake?.reset());
  return {
    get fake(): FakeAws {
      if (!fake) throw new Error('useFakeAws: the stand-in starts in beforeAll; use it inside a test');
      return fake;
    },
  };
}

/**
 * The production engine (real clients, timeouts, attempts) with the SDK's backoff at 1 ms and the
 * engine's own pauses skipped: no test waits on real backoff.
 */
export function fastEngine(rules: Rules, options: { account?: string; tuning?: ClientTuning } & Partial<Omit<EngineOptions, 'rules' | 'ec2'>> = {}): EngineOptions {
  const { account = DEFAULT_ACCOUNT, tuning = {}, ...engine } = options;
  const clients = new AwsClients({ ownAccount: account, tuning: { retryStrategy: new ConfiguredRetryStrategy(AWS_MAX_ATTEMPTS, 1), ...tuning } });
  return { rules, ec2: new SdkEc2Gateway(clients), sleep: () => Promise.resolve(), ...engine };
}
