/**
 * `ami-tagger doctor --image`: the image and its tags from the local EC2 stand-in (the engine's
 * own dry run plans what the rules would write), the stack, the function's log and the
 * dead-letter queues from recorded answers. Every way an image ends up untagged gets its verdict;
 * the queues are only looked at (visibility timeout 0, no delete: the recording refuses others).
 */
import { SdkDoctorReads } from '../../src/aws/doctor-reads';
import { diagnoseImage, type ImageDiagnosis } from '../../src/doctor/image';
import { renderImageDiagnosis } from '../../src/doctor/render';
import { loadRulesFile } from '../../src/rules/load';
import type { EngineOptions } from '../../src/tagger/engine';
import { tagImages } from '../../src/tagger/tag-images';
import { runCli } from '../support/cli';
import { fastEngine, SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { cloudTrailEvent, userIdentity } from '../support/events';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';
import { failedEventsUrl, healthyRegion, NAMES, ruleDlqUrl, serveRecordedAws, STAGE, type RecordedAws, type RecordedRegion } from './recorded-aws';

const ACCOUNT = DEFAULT_ACCOUNT;
const REGION = 'eu-west-1';
const NOW = Date.parse('2026-11-20T12:00:00Z');
const rules = loadRulesFile(SHIPPED_RULES_FILE);

let fake: FakeAws;
let restoreEnvironment: () => void;
let served: RecordedAws | undefined;
beforeAll(async () => {
  fake = await startFakeAws();
  restoreEnvironment = useFakeAwsEnvironment(fake);
});
afterAll(async () => {
  restoreEnvironment();
  await fake.close();
});
beforeEach(() => fake.reset());
afterEach(() => served?.restore());

function engine(): EngineOptions {
  return fastEngine(rules, { account: ACCOUNT });
}

const seedBare = (): string => fake.seedImage({ region: REGION, name: 'orders-api-1.4.2-h118.9f8e7d6', creationDate: '2026-11-20T09:00:00.000Z', snapshotCount: 2 }).imageId;

/** A log line as the function writes it (Powertools' JSON). */
const logLine = (hoursAgo: number, fields: Record<string, unknown>) => ({ timestamp: NOW - hoursAgo * 3600 * 1000, message: JSON.stringify({ level: 'INFO', timestamp: new Date(NOW - hoursAgo * 3600 * 1000).toISOString(), service: 'ami-tagger', ...fields }) });

async function diagnose(imageId: string, region: RecordedRegion): Promise<ImageDiagnosis> {
  served = serveRecordedAws({ regions: { [REGION]: region }, assumable: [] }, { ec2: false });
  return diagnoseImage({ reads: new SdkDoctorReads({}, () => NOW).forRegion(REGION), engine: engine(), names: NAMES, account: ACCOUNT, imageId, now: NOW });
}

const withLog = (lines: Array<{ timestamp: number; message: string }>): RecordedRegion => {
  const region = healthyRegion(REGION);
  region.logs[NAMES.logGroup] = lines;
  return region;
};

describe('doctor --image', () => {
  it('an image no event reached: the tags it lacks, what the rules leave out, where to look next', async () => {
    const imageId = seedBare();
    const diagnosis = await diagnose(imageId, withLog([logLine(1, { message: 'image tagged', imageId: 'ami-0ffffffffffffffff', status: 'tagged' })]));
    expect(diagnosis).toMatchObject({ status: 'finding', verdict: expect.stringMatching(/^no event about it reached the function: \d+ tag\(s\) missing/), logLines: [] });
    expect(diagnosis.fix).toContain(`npx ami-tagger doctor --regions ${REGION}`);
    expect(diagnosis.wouldWrite[imageId]?.map((tag) => tag.key)).toEqual(expect.arrayContaining(['ManagedBy', 'CreatedAt', 'Application', 'Version']));
    // No caller without the CloudTrail event: said, not guessed.
    expect(diagnosis.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'CreatedBy', reason: 'no-value' })]));
    expect(diagnosis.queues.map((queue) => [queue.queue, queue.looked, queue.messageIds])).toEqual([['rule-dlq', 0, []], ['failed-events', 0, []]]);
    // Read-only: the dry run wrote nothing.
    expect(fake.countCalls('CreateTags')).toBe(0);
    const screen = renderImageDiagnosis(diagnosis, 'ami-tagger.yml');
    expect(screen.split('\n').length).toBeLessThan(60);
    expect(screen).toMatch(/^Tags now \(0\):/m);
    expect(screen).toMatch(/none: no log line names this image/);
  });

  it('an image whose event waits in a dead-letter queue: planned from that event (with its caller), and the replay command', async () => {
    const imageId = seedBare();
    const region = withLog([logLine(2, { message: 'image failed', imageId, status: 'failed', error: 'TransientAwsError: RequestLimitExceeded' })]);
    const event = cloudTrailEvent({ eventName: 'CreateImage', imageId, region: REGION, account: ACCOUNT, userIdentity: userIdentity('jordan', ACCOUNT) });
    region.messages[failedEventsUrl(REGION)] = [{ id: 'm-1', body: JSON.stringify({ requestContext: { condition: 'RetriesExhausted' }, requestPayload: event, responsePayload: { errorType: 'TransientAwsError' } }) }, { id: 'm-2', body: 'not json' }];
    const diagnosis = await diagnose(imageId, region);
    expect(diagnosis.verdict).toMatch(/waits in the failed-events queue \(1 message/);
    expect(diagnosis.fix).toContain(`npx ami-tagger replay --queue ${failedEventsUrl(REGION)} --dry-run`);
    expect(diagnosis.plannedFrom).toMatch(/CreateImage event waiting in a dead-letter queue/);
    expect(diagnosis.wouldWrite[imageId]).toEqual(expect.arrayContaining([{ key: 'CreatedBy', value: 'jordan' }]));
    expect(diagnosis.logLines).toEqual([expect.objectContaining({ message: 'image failed', status: 'failed', detail: 'TransientAwsError: RequestLimitExceeded' })]);
    expect(diagnosis.queues.map((queue) => [queue.queue, queue.looked, queue.messageIds])).toEqual([['rule-dlq', 0, []], ['failed-events', 2, ['m-1']]]);
    expect(served?.calls.filter((call) => call.endsWith('ReceiveMessage')).length).toBeGreaterThan(0);
  });

  it('a tagged image: OK, with what the function logged', async () => {
    const imageId = seedBare();
    await tagImages([{ account: ACCOUNT, region: REGION, imageId, trigger: 'ImageAvailable' }], engine());
    const diagnosis = await diagnose(imageId, withLog([logLine(3, { message: 'image tagged', imageId, status: 'tagged' })]));
    expect(diagnosis).toMatchObject({ status: 'ok', verdict: expect.stringMatching(/^tagged: every tag the rules give is there; the function saw it \(1 log line/) });
    expect(diagnosis.wouldWrite).toEqual({});
  });

  it('the function failed on it and nothing waits any more: the error from its log', async () => {
    const imageId = seedBare();
    const diagnosis = await diagnose(imageId, withLog([logLine(2, { message: 'image failed', imageId, status: 'failed', error: 'AccessDenied: not authorized to perform: ec2:CreateTags' })]));
    expect(diagnosis.verdict).toBe('the function failed on it: AccessDenied: not authorized to perform: ec2:CreateTags');
  });

  it('the stack runs in dry-run mode', async () => {
    const imageId = seedBare();
    const diagnosis = await diagnose(imageId, withLog([logLine(1, { message: 'image dry-run', imageId, status: 'dry-run' })]));
    expect(diagnosis).toMatchObject({ verdict: expect.stringMatching(/dry-run mode/), fix: expect.stringMatching(/--param dryRun=false/) });
  });

  it('no stack in the region, and an image that does not exist', async () => {
    const imageId = seedBare();
    const region = healthyRegion(REGION);
    delete region.stack;
    const noStack = await diagnose(imageId, region);
    expect(noStack).toMatchObject({ verdict: `no tagger stack ami-tagger-prod in ${REGION}: no event about this image was handled there`, queues: [] });
    served?.restore();
    const missing = await diagnose('ami-0123456789abcdef0', healthyRegion(REGION));
    expect(missing.verdict).toMatch(/^EC2 does not know ami-0123456789abcdef0/);
  });

  it("central mode: the image in its region, the central stack's log and queues in another", async () => {
    const imageId = seedBare();
    const central = healthyRegion('us-east-1');
    central.logs[NAMES.logGroup] = [logLine(1, { message: 'image failed', imageId, status: 'failed', error: 'AccessDenied: not authorized to perform: sts:AssumeRole' })];
    served = serveRecordedAws({ regions: { 'us-east-1': central }, assumable: [] }, { ec2: false });
    const diagnosis = await diagnoseImage({ reads: new SdkDoctorReads({}, () => NOW).forRegion('us-east-1'), region: REGION, engine: engine(), names: NAMES, account: ACCOUNT, imageId, now: NOW });
    expect(diagnosis).toMatchObject({ region: REGION, stackRegion: 'us-east-1', verdict: 'the function failed on it: AccessDenied: not authorized to perform: sts:AssumeRole' });
    expect(diagnosis.queues.map((queue) => queue.url)).toEqual([ruleDlqUrl('us-east-1'), failedEventsUrl('us-east-1')]);
  });

  it('the command: one screen, exit 1 for an untagged image, 0 for a tagged one', async () => {
    const imageId = seedBare();
    served = serveRecordedAws({ regions: { [REGION]: withLog([]) }, assumable: [] }, { ec2: false });
    const run = await runCli(['doctor', '--image', imageId, '--region', REGION, '--stage', STAGE]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${imageId} in ${ACCOUNT}/${REGION}: orders-api-1.4.2-h118.9f8e7d6 \\(available`));
    expect(run.stdout).toMatch(/^FINDING: no event about it reached the function/m);
    await tagImages([{ account: ACCOUNT, region: REGION, imageId, trigger: 'ImageAvailable' }], engine());
    const json = await runCli(['doctor', '--image', imageId, '--region', REGION, '--stage', STAGE, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'ok', imageId });
    expect(ruleDlqUrl(REGION)).toContain(NAMES.queues['rule-dlq']);
  });
});
