/**
 * `backfill --on lambda` end to end, offline: the command lists the images in the local EC2
 * stand-in (token buckets on) and sends its pages through the real SQS client to an in-memory FIFO
 * queue; the worker's real handler (handlers/backfill-worker.ts) is invoked in this process from
 * that queue, one message a batch, as Lambda's event source mapping would; the run's results go
 * through the real DynamoDB client to a small in-memory table; `backfill status` and `backfill
 * cancel` read and mark it; a page that keeps failing ends in the dead-letter queue and
 * `ami-tagger replay` takes it from there.
 */
import { handler } from '../../handlers/backfill-worker';
import { WORKER_OUTPUTS } from '../../src/fanout/names';
import { loadRulesFile } from '../../src/rules/load';
import { parseQueueMessage, refsOf } from '../../src/replay/messages';
import { runCli, type CliRun } from '../support/cli';
import { compiledRules, SHIPPED_RULES_FILE, useFakeAwsEnvironment } from '../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../support/fake-aws';
import { installFanoutAws, runWorkerFromQueue, type FanoutWorld } from '../support/fanout-aws';

const OWNER = DEFAULT_ACCOUNT;
const MEMBER = '444455556666';
const STRANGER = '777788889999';
const REGION = 'eu-west-1';
const OTHER_REGION = 'us-east-1';
const STAGE = 'test';
const STACK = `ami-tagger-${STAGE}`;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${OWNER}:function:${STACK}-backfill-worker`;
const DAY = 86_400_000;

// The stack's rules: static tags (one CreateTags per 1000 resources) and the creator when the history has it.
const shipped = loadRulesFile(SHIPPED_RULES_FILE);
const rules = { ...shipped, tags: { ManagedBy: 'ami-tagger', Team: 'platform', CreatedBy: '{creator.principal}' } };

let fake: FakeAws;
let restore: () => void;
let world: FanoutWorld;
beforeAll(async () => {
  fake = await startFakeAws();
  // The worker's environment, as serverless/backfill-worker.cjs sets it (central mode, one member account).
  restore = useFakeAwsEnvironment(fake, {
    AWS_REGION: REGION,
    AMI_TAGGER_RULES_FILE: compiledRules(rules),
    AMI_TAGGER_BACKFILL_TABLE: `${STACK}-backfill-runs`,
    AMI_TAGGER_BACKFILL_MAX_RECEIVES: '5',
    AMI_TAGGER_ROLE_NAME: 'ami-tagger-member',
    AMI_TAGGER_ACCOUNTS: MEMBER,
  });
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  world = installFanoutAws({ account: OWNER, region: REGION, stackName: STACK, outputs: { [WORKER_OUTPUTS.accounts]: MEMBER, [WORKER_OUTPUTS.memberRoleName]: 'ami-tagger-member' } });
});
afterEach(() => world.restore());

const backfill = (...args: string[]): Promise<CliRun> => runCli(['backfill', ...args, '--stage', STAGE, '--stack-region', REGION]);

function jsonLines(run: CliRun): Array<Record<string, unknown>> {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function runIdOf(run: CliRun): string {
  const line = jsonLines(run).find((entry) => entry.type === 'run');
  if (typeof line?.runId !== 'string') throw new Error(`no run line in ${run.stdout}\n${run.stderr}`);
  return line.runId;
}

function seed(account: string, region: string, count: number, daysAgo = 3): string[] {
  return Array.from({ length: count }, (_, index) => fake.seedImage({ account, region, name: `orders-api-1.${index}.0-x`, creationDate: new Date(Date.now() - daysAgo * DAY - index * 1000).toISOString(), snapshotCount: 1 }).imageId);
}

const work = () => runWorkerFromQueue(world.queue, handler, { maxConcurrency: 4, functionArn: FUNCTION_ARN });

async function status(runId: string): Promise<{ run: CliRun; json: Record<string, unknown> & { pages: Record<string, number>; images: Record<string, number>; complete: boolean } }> {
  const run = await backfill('status', runId, '--format', 'json');
  return { run, json: JSON.parse(run.stdout) as Record<string, unknown> & { pages: Record<string, number>; images: Record<string, number>; complete: boolean } };
}

describe('backfill --on lambda', () => {
  it('sends one message per account, region and page; the worker tags them from the FIFO queue, one page of an account-region at a time, within EC2\'s buckets', async () => {
    const big = seed(OWNER, REGION, 800);
    const small = [...seed(OWNER, OTHER_REGION, 2), ...seed(MEMBER, REGION, 3)];
    fake.useTokenBuckets({});
    const sent = await backfill('--on', 'lambda', '--accounts', `${OWNER},${MEMBER}`, '--regions', `${REGION},${OTHER_REGION}`, '--max-rate', '1', '--no-lookup', '--format', 'json');
    expect({ code: sent.code, stderr: sent.stderr }).toEqual({ code: 0, stderr: '' });
    const runId = runIdOf(sent);
    expect(jsonLines(sent).find((line) => line.type === 'run')).toMatchObject({ pages: 5, images: 805, targets: 4, failedTargets: [] });

    // At 1 CreateTags a second a page holds 360 images (360 s of writes): 800 are three pages.
    const groups = world.queue.messages.map((message) => message.groupId);
    expect(groups).toEqual(expect.arrayContaining([`${OWNER}/${REGION}`, `${OWNER}/${OTHER_REGION}`, `${MEMBER}/${REGION}`]));
    expect(groups.filter((group) => group === `${OWNER}/${REGION}`)).toHaveLength(3);
    const pages = world.queue.messages.map((message) => parseQueueMessage(message.body));
    expect(pages.map((page) => (page.shape === 'backfill' ? [page.run?.page, page.refs.length] : []))).toEqual(
      expect.arrayContaining([[`${OWNER}/${REGION}/00001`, 360], [`${OWNER}/${REGION}/00002`, 360], [`${OWNER}/${REGION}/00003`, 80], [`${MEMBER}/${REGION}/00001`, 3]]),
    );
    expect(world.queue.messages.every((message) => message.deduplicationId.startsWith(`${runId}/`))).toBe(true);

    const figures = await work();
    expect(figures).toMatchObject({ invocations: 5, failedInvocations: 0, maxConcurrentPerGroup: 1 });
    expect(figures.maxConcurrent).toBeGreaterThan(1);
    for (const imageId of big) expect(fake.tagsOf(OWNER, REGION, imageId)).toMatchObject({ ManagedBy: 'ami-tagger', Team: 'platform' });
    expect(fake.tagsOf(MEMBER, REGION, small[2] ?? '')).toMatchObject({ ManagedBy: 'ami-tagger' });
    // Static tags: one CreateTags for each page of the big account-region (720 resources each, at most 1000 a call).
    expect(fake.countCalls('CreateTags', { account: OWNER, region: REGION })).toBe(3);
    expect(fake.calls.filter((call) => call.throttled)).toEqual([]);

    const { run, json } = await status(runId);
    expect(run.code).toBe(0);
    expect(json).toMatchObject({ state: 'sent', complete: true, pages: { sent: 5, done: 5, waiting: 0, retrying: 0, deadLettered: 0 }, images: { sent: 805, tagged: 805, failed: 0 } });
    const table = await backfill('status', runId);
    expect(table.stdout).toContain(`Backfill run ${runId}: complete`);
    expect(table.stdout).toMatch(/tagged\s+805/);
    expect(table.stdout).toMatch(/AWS calls \(worker\)\s+.*CreateTags 5/);

    // A rerun finds every image complete and writes nothing.
    fake.clearCalls();
    const rerun = runIdOf(await backfill('--on', 'lambda', '--accounts', `${OWNER},${MEMBER}`, '--regions', `${REGION},${OTHER_REGION}`, '--max-rate', '1', '--no-lookup', '--format', 'json'));
    await work();
    expect(fake.countCalls('CreateTags')).toBe(0);
    expect((await status(rerun)).json).toMatchObject({ complete: true, images: { tagged: 0, alreadyComplete: 805 } });
  });

  it('--dry-run: the worker plans every page and writes nothing; status counts what would be tagged', async () => {
    seed(OWNER, REGION, 4);
    const runId = runIdOf(await backfill('--on', 'lambda', '--dry-run', '--no-lookup', '--format', 'json'));
    expect(parseQueueMessage(world.queue.messages[0]?.body ?? '')).toMatchObject({ shape: 'backfill', run: { dryRun: true } });
    await work();
    expect(fake.countCalls('CreateTags')).toBe(0);
    const { run, json } = await status(runId);
    expect(run.code).toBe(0);
    expect(json).toMatchObject({ complete: true, images: { sent: 4, wouldTag: 4, tagged: 0 } });
    expect((await backfill('status', runId)).stdout).toMatch(/dry run: nothing written[\s\S]*would tag\s+4/);
  });

  it('finds the creators in CloudTrail\'s history, reading it only up to the page\'s newest image', async () => {
    const [imageId] = seed(OWNER, REGION, 1, 10);
    fake.recordTrailEvent({
      region: REGION,
      eventName: 'CreateImage',
      eventTime: new Date(Date.now() - 10 * DAY - 60_000).toISOString(),
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${OWNER}:user/alice`, accountId: OWNER, userName: 'alice' },
      responseElements: { imageId },
    });
    const runId = runIdOf(await backfill('--on', 'lambda', '--format', 'json'));
    await work();
    expect(fake.tagsOf(OWNER, REGION, imageId ?? '')).toMatchObject({ CreatedBy: 'alice' });
    expect((await status(runId)).json.images).toMatchObject({ creatorsFromHistory: 1, tagged: 1 });
    const lookups = fake.calls.filter((call) => call.action === 'LookupEvents');
    expect(lookups.length).toBeGreaterThan(0);
    for (const lookup of lookups) expect(Number(lookup.params.EndTime) * 1000).toBeLessThan(Date.now() - 9 * DAY);
  });

  it('backfill cancel: the worker drops every page it had not started; tags written stay; status says cancelled', async () => {
    seed(OWNER, REGION, 2);
    seed(OWNER, OTHER_REGION, 2);
    const runId = runIdOf(await backfill('--on', 'lambda', '--regions', `${REGION},${OTHER_REGION}`, '--no-lookup', '--format', 'json'));
    const cancel = await backfill('cancel', runId);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`Backfill run ${runId} cancelled: the worker drops its 2 page(s)`);
    const figures = await work();
    expect(figures).toMatchObject({ invocations: 2, failedInvocations: 0 });
    expect(world.queue.messages).toEqual([]);
    expect(fake.countCalls('CreateTags') + fake.countCalls('DescribeImages', { region: OTHER_REGION })).toBe(1); // only the command's listing of us-east-1
    const { run, json } = await status(runId);
    expect(run.code).toBe(1);
    expect(json).toMatchObject({ state: 'cancelled', complete: true, pages: { sent: 2, cancelled: 2, done: 0 } });
    expect((await backfill('cancel', '20261124-100000-abcdef')).code).toBe(2);
  });

  it('a page that keeps failing is tried again by SQS, then lands in the dead-letter queue; status says why; replay takes it from there', async () => {
    const images = seed(OWNER, REGION, 2);
    const runId = runIdOf(await backfill('--on', 'lambda', '--no-lookup', '--format', 'json'));
    for (let attempt = 0; attempt < 5; attempt += 1) fake.failNext('DescribeImages', 'UnauthorizedOperation');
    const errors: unknown[] = [];
    const figures = await runWorkerFromQueue(world.queue, handler, { maxConcurrency: 2, functionArn: FUNCTION_ARN, onError: (error) => errors.push(error) });
    expect(figures).toMatchObject({ invocations: 5, failedInvocations: 5 });
    expect(String(errors[4])).toContain('last try: SQS moves the page to the dead-letter queue');
    expect(world.deadLetter.messages).toHaveLength(1);
    expect(fake.countCalls('CreateTags')).toBe(0);

    const { run, json } = await status(runId);
    expect(run.code).toBe(3);
    expect(json).toMatchObject({ complete: true, pages: { deadLettered: 1, done: 0 } });
    expect(JSON.stringify(json.failures)).toContain('UnauthorizedOperation');
    const table = await backfill('status', runId);
    expect(table.stdout).toMatch(/Failures:[\s\S]*dead-letter queue[\s\S]*UnauthorizedOperation/);
    expect(table.stdout).toContain(`ami-tagger replay --queue ${world.deadLetter.url}`);

    // The dead-letter queue holds the worker's message as is: replay knows the shape.
    const replay = await runCli(['replay', '--queue', world.deadLetter.url, '--rules', SHIPPED_RULES_FILE]);
    expect(replay.stdout).toMatch(/backfill\s+.*replayed\s+deleted/);
    expect(world.deadLetter.messages).toEqual([]);
    for (const imageId of images) expect(fake.tagsOf(OWNER, REGION, imageId)).toMatchObject({ ManagedBy: 'ami-tagger' });
  });

  it('--accounts org: the organisation\'s active accounts (every page of ListAccounts), within the stack\'s allow-list', async () => {
    const others = Array.from({ length: 42 }, (_, index) => String(100000000000 + index));
    world.organization.accounts = [...others, OWNER, MEMBER].map((Id) => ({ Id, State: 'ACTIVE' }));
    world.organization.accounts.push({ Id: STRANGER, State: 'SUSPENDED' });
    seed(MEMBER, REGION, 1);
    const run = await backfill('--on', 'lambda', '--accounts', 'org', '--no-lookup');
    expect(run.code).toBe(0);
    expect(world.calls['organizations:ListAccounts']).toBe(3);
    expect(run.stdout).toMatch(/accounts\s+2, the organisation's 44 active account\(s\), within the stack's allow-list \(its own account and account 444455556666\); 42 left out/);
    expect(fake.countCalls('DescribeImages', { account: MEMBER })).toBe(1);
    expect(world.queue.messages.map((message) => message.groupId)).toEqual([`${MEMBER}/${REGION}`]);
  });

  it('--accounts org from an account that may not list them: says who may, sends nothing (exit 3)', async () => {
    world.organization.refuse = 'AccessDeniedException';
    const run = await backfill('--on', 'lambda', '--accounts', 'org');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("only its management account, or a member account that is a delegated administrator, may (organizations:ListAccounts)");
    expect(run.stderr).toContain('--accounts 111122223333,444455556666');
    expect(world.queue.sent).toBe(0);
  });

  it.each([
    [['--out', 'plan.json', '--dry-run'], '--out does not go with --on lambda'],
    [['--apply', 'plan.json'], '--apply does not go with --on lambda'],
    [['--share-targets'], '--share-targets does not go with --on lambda'],
    [['--rules', SHIPPED_RULES_FILE], 'the worker tags with the rules deployed with the stack'],
    [['--accounts', STRANGER], `names account ${STRANGER}, which ami-tagger may not act in`],
    [['--accounts', 'o-a1b2c3d4e5'], 'an organization id names no account to scan'],
    [['--max-rate', '20'], 'expected a number above 0 and at most 10'],
  ])('refuses %j before sending anything (exit 2)', async (flags, message) => {
    const run = await backfill('--on', 'lambda', ...flags);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
    expect(world.queue.sent).toBe(0);
    expect(fake.calls.filter((call) => call.service === 'ec2')).toEqual([]);
  });

  it('says how to deploy the worker when the stack has none, or is not there', async () => {
    delete world.outputs[WORKER_OUTPUTS.queueUrl];
    const without = await backfill('--on', 'lambda');
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(`the stack ${STACK} in ${REGION} has no backfill worker`);
    expect(without.stderr).toContain('--param backfillWorker=true');
    const elsewhere = await runCli(['backfill', '--on', 'lambda', '--stage', 'prod', '--stack-region', REGION]);
    expect(elsewhere.stderr).toContain(`there is no stack ami-tagger-prod in ${REGION}`);
  });
});

describe('the backfill worker', () => {
  it('takes pages only: an EventBridge event fails the invocation (and goes, after its tries, to the dead-letter queue)', async () => {
    await expect(handler({ Records: [{ messageId: 'x', body: JSON.stringify({ 'detail-type': 'EC2 AMI State Change', source: 'aws.ec2', detail: {} }) }] }, { invokedFunctionArn: FUNCTION_ARN })).rejects.toThrow();
  });

  it('refuses an account off the tagger\'s allow-list: the page fails, nothing is called there', async () => {
    const page = JSON.stringify({ kind: 'ami-tagger/backfill', refs: [{ account: STRANGER, region: REGION, imageId: 'ami-0123456789abcdef0' }] });
    await expect(handler({ Records: [{ messageId: 'y', body: page }] }, { invokedFunctionArn: FUNCTION_ARN })).rejects.toThrow(/which ami-tagger may not act in/);
    expect(fake.calls.filter((call) => call.account === STRANGER)).toEqual([]);
  });

  it('stops starting work a minute before its timeout: the page fails, and its next try does it', async () => {
    const images = seed(OWNER, REGION, 3);
    const page = JSON.stringify({ kind: 'ami-tagger/backfill', refs: images.map((imageId) => ({ account: OWNER, region: REGION, imageId })) });
    const event = { Records: [{ messageId: 't', body: page, attributes: { ApproximateReceiveCount: '1' } }] };
    await expect(handler(event, { invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(/3 image\(s\) not reached before the function's timeout: SQS tries the page again/);
    expect(fake.countCalls('CreateTags')).toBe(0);
    await expect(handler(event, { invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 600_000 })).resolves.toMatchObject({ pages: [{ state: 'done' }] });
    for (const imageId of images) expect(fake.tagsOf(OWNER, REGION, imageId)).toMatchObject({ ManagedBy: 'ami-tagger' });
  });

  it('a dry run\'s page in the dead-letter queue is nothing for replay to write', () => {
    const content = parseQueueMessage(JSON.stringify({ kind: 'ami-tagger/backfill', refs: [{ account: OWNER, region: REGION, imageId: 'ami-0123456789abcdef0' }], run: { id: '20261124-100000-abcdef', page: `${OWNER}/${REGION}/00001`, dryRun: true } }));
    expect(content).toMatchObject({ shape: 'backfill', run: { dryRun: true, lookup: true, maxRate: 5 } });
    expect(refsOf(content)).toEqual([]);
  });
});
