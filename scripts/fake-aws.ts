/**
 * Runs the local EC2/STS stand-in on its own, for the demo or for trying the CLI by hand:
 *
 *   npx tsx scripts/fake-aws.ts [--port N] [--seed FILE] [--log-calls]
 *
 * Prints the URL on stdout (and the variables that point the AWS SDK at it on stderr), then
 * serves on 127.0.0.1 until Ctrl-C. The seed file format is described in
 * test/support/fake-aws/seed-document.ts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExitCode } from '../src/cli/exit-codes';
import { InputError, isInputError } from '../src/errors';
import { startFakeAws, type CallRecord } from '../test/support/fake-aws';
import { applySeedDocument, readSeedDocument, seedOptions, type SeedDocument } from '../test/support/fake-aws/seed-document';

/** Highest TCP port number. */
const MAX_PORT = 65_535;

const USAGE = 'usage: npx tsx scripts/fake-aws.ts [--port N] [--seed FILE] [--log-calls]';

function readPort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new InputError(`--port must be a whole number from 0 to ${MAX_PORT}, not '${raw}'`, { where: '--port', hint: 'leave it out to get a free port' });
  }
  return port;
}

function readSeed(file: string | undefined): SeedDocument {
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the seed file: ${error instanceof Error ? error.message : String(error)}`, { where: file, hint: 'check the path' });
  }
  return readSeedDocument(text, file);
}

function describeCall(call: CallRecord): string {
  return `${call.service} ${call.action} region=${call.region} account=${call.account} ${JSON.stringify(call.params)}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, seed: { type: 'string' }, 'log-calls': { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = readPort(values.port);
  const seed = readSeed(values.seed);
  const fake = await startFakeAws({
    ...seedOptions(seed),
    port,
    ...(values['log-calls'] ? { onCall: (call: CallRecord) => process.stderr.write(describeCall(call)) } : {}),
  });
  const seeded = applySeedDocument(fake, seed);

  process.stdout.write(`${fake.url}\n`);
  const environment = Object.entries(fake.endpointEnvironment()).map(([name, value]) => `${name}=${value}`);
  process.stderr.write(
    `local EC2/STS stand-in: ${seeded.images} images and ${seeded.snapshots} snapshots seeded; default account ${fake.defaultAccount}\n` +
      `  export ${environment.join(' ')}\n` +
      '  Ctrl-C stops it\n',
  );

  const stop = (): void => {
    fake.close().then(
      () => process.exit(ExitCode.Ok),
      () => process.exit(ExitCode.Ok),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (isInputError(error)) {
    process.stderr.write(`fake-aws: ${error.describe()}\n${USAGE}\n`);
    process.exitCode = ExitCode.BadInput;
    return;
  }
  if (error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`fake-aws: ${error.message}\n${USAGE}\n`);
    process.exitCode = ExitCode.BadInput;
    return;
  }
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write(`fake-aws: port already in use: ${error.message}\n  fix:   pick another --port, or leave it out to get a free one\n`);
    process.exitCode = ExitCode.BadInput;
    return;
  }
  throw error;
});
