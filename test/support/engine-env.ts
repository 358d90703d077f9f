import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRulesFile } from '../../src/rules/load';
import type { Rules } from '../../src/rules/rules';
import type { LogFields } from '../../src/log';
import { TEST_CREDENTIALS, type FakeAws } from './fake-aws';

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
