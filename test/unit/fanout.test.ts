/**
 * The fan-out's pure parts and its table: run ids, how images become pages and pages SQS batches,
 * which accounts a run may scan, how a run's pages sum up when SQS tried some of them more than
 * once, and the runs table's items through the real DynamoDB client (against the in-memory one).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { batchesOf, BATCH_BYTES, SqsFanoutQueue } from '../../src/aws/fanout-sqs';
import { DynamoDbPageStore } from '../../src/aws/fanout-pages';
import { DynamoDbRunStore } from '../../src/aws/fanout-runs';
import { runAccounts } from '../../src/fanout/accounts';
import { messageGroupId, newRunId, pageKey, RUN_ID_PATTERN } from '../../src/fanout/names';
import { MAX_MESSAGE_BYTES, pagesOf, pageSize } from '../../src/fanout/pages';
import type { PageRecord, RunRecord } from '../../src/fanout/ports';
import { summarizeRun } from '../../src/fanout/status';
import { parseQueueMessage } from '../../src/replay/messages';
import { installFanoutAws, type FanoutWorld } from '../support/fanout-aws';

const ACCOUNT = '111122223333';
const MEMBER = '444455556666';
const REGION = 'eu-west-1';
const RUN = '20261124-100000-3f9a2c';
const run = { id: RUN, dryRun: false, lookup: true, maxRate: 5 };

const imageId = (index: number): string => `ami-${index.toString(16).padStart(17, '0')}`;

function page(overrides: Partial<PageRecord> = {}): PageRecord {
  return {
    page: pageKey(ACCOUNT, REGION, 1),
    account: ACCOUNT,
    region: REGION,
    images: 4,
    state: 'done',
    attempt: 1,
    lastAttempt: false,
    outcomes: {},
    taggedIds: [],
    resourcesWritten: 0,
    creatorsFromHistory: 0,
    failures: [],
    failureCount: 0,
    warnings: [],
    apiCalls: {},
    throttledAttempts: 0,
    seconds: 1,
    at: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}

function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return { runId: RUN, state: 'sent', createdAt: '2026-11-24T10:00:00.000Z', dryRun: false, lookup: true, maxRate: 5, request: '--regions eu-west-1', pages: 1, images: 4, targets: 1, expiresAt: 1_800_000_000, ...overrides };
}

describe('run ids and keys', () => {
  it('are sortable, short, and checked where they are read', () => {
    const id = newRunId(new Date('2026-11-24T10:00:00.123Z'), () => 0.5);
    expect(id).toBe('20261124-100000-800000');
    expect(RUN_ID_PATTERN.test(id)).toBe(true);
    expect(pageKey(ACCOUNT, REGION, 12)).toBe(`${ACCOUNT}/${REGION}/00012`);
    expect(messageGroupId(ACCOUNT, REGION)).toBe(`${ACCOUNT}/${REGION}`);
  });
});

describe('pages', () => {
  it('hold as many images as the write rate does in 360 s, at most 1000', () => {
    expect([pageSize(5), pageSize(10), pageSize(1), pageSize(0.01)]).toEqual([1000, 1000, 360, 3]);
  });

  it('take the images newest first, one message group per account and region, a deduplication id per page', () => {
    const images = Array.from({ length: 2500 }, (_, index) => ({ imageId: imageId(index), creationDate: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString() }));
    const pages = pagesOf(ACCOUNT, REGION, [...images, { imageId: imageId(9999) }], run);
    expect(pages.map((entry) => entry.images)).toEqual([1000, 1000, 501]);
    expect(pages.map((entry) => entry.page)).toEqual([1, 2, 3].map((number) => pageKey(ACCOUNT, REGION, number)));
    expect(new Set(pages.map((entry) => entry.groupId))).toEqual(new Set([`${ACCOUNT}/${REGION}`]));
    expect(pages.map((entry) => entry.deduplicationId)).toEqual(pages.map((entry) => `${RUN}/${entry.page}`));
    const first = parseQueueMessage(pages[0]?.body ?? '');
    expect(first).toMatchObject({ shape: 'backfill', run: { ...run, page: pageKey(ACCOUNT, REGION, 1) } });
    // Newest first; an image without a date last.
    expect(first.shape === 'backfill' ? first.refs[0] : undefined).toEqual({ account: ACCOUNT, region: REGION, imageId: imageId(2499), trigger: 'Backfill' });
    const last = parseQueueMessage(pages[2]?.body ?? '');
    expect(last.shape === 'backfill' ? last.refs.at(-1)?.imageId : undefined).toBe(imageId(9999));
    expect(Math.max(...pages.map((entry) => Buffer.byteLength(entry.body)))).toBeLessThan(MAX_MESSAGE_BYTES);
  });

  it('are cut again when a message would pass what SQS takes', () => {
    const images = Array.from({ length: 4000 }, (_, index) => ({ imageId: imageId(index) }));
    const pages = pagesOf(ACCOUNT, REGION, images, run, 4000);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.reduce((sum, entry) => sum + entry.images, 0)).toBe(4000);
    for (const entry of pages) expect(Buffer.byteLength(entry.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('go to SQS ten at a time, and never more than 256 KiB a call', () => {
    const images = Array.from({ length: 25_000 }, (_, index) => ({ imageId: imageId(index) }));
    const pages = [...pagesOf(ACCOUNT, REGION, images.slice(0, 23_000), run), ...pagesOf(MEMBER, REGION, images.slice(23_000), run, 10)];
    const batches = batchesOf(pages);
    expect(batches.flat()).toEqual(pages);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(10);
      expect(batch.reduce((sum, entry) => sum + Buffer.byteLength(entry.body), 0)).toBeLessThanOrEqual(BATCH_BYTES);
    }
    expect(batches.some((batch) => batch.length === 10)).toBe(true);
    expect(batches.some((batch) => batch.length < 10 && batch.length > 1)).toBe(true);
  });
});

describe('sending pages', () => {
  it('sends again what SQS did not take for a reason of its own, not what it refused as the sender\'s fault; a call that fails fails its pages', async () => {
    const sqs = mockClient(SQSClient);
    try {
      const tries = new Map<string, number>();
      sqs.on(SendMessageBatchCommand).callsFake((input: { Entries?: Array<{ Id?: string; MessageDeduplicationId?: string }> }) => {
        const entries = input.Entries ?? [];
        if (entries.some((entry) => entry.MessageDeduplicationId?.endsWith('/00012'))) throw Object.assign(new Error('the network went away'), { name: 'TimeoutError' });
        const failed = entries.filter((entry) => {
          const key = entry.MessageDeduplicationId ?? '';
          tries.set(key, (tries.get(key) ?? 0) + 1);
          return key.endsWith('/00002') ? tries.get(key) === 1 : key.endsWith('/00003');
        });
        return {
          Successful: entries.filter((entry) => !failed.includes(entry)).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
          Failed: failed.map((entry) => ({ Id: entry.Id, Code: entry.MessageDeduplicationId?.endsWith('/00003') ? 'InvalidParameterValue' : 'InternalError', SenderFault: entry.MessageDeduplicationId?.endsWith('/00003') === true, Message: 'no' })),
        };
      });
      const pages = pagesOf(ACCOUNT, REGION, Array.from({ length: 12 }, (_, index) => ({ imageId: imageId(index) })), run, 1);
      const unsent = await new SqsFanoutQueue('https://sqs.eu-west-1.amazonaws.com/111122223333/q.fifo', REGION).send(pages);
      expect(unsent.map((entry) => [entry.page.split('/').pop(), entry.error])).toEqual([
        ['00003', 'InvalidParameterValue: no'],
        // Pages 11 and 12 went in one call.
        ['00011', 'TimeoutError: the network went away'],
        ['00012', 'TimeoutError: the network went away'],
      ]);
      expect(tries.get(`${RUN}/${pageKey(ACCOUNT, REGION, 2)}`)).toBe(2);
      expect(sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 1, 2]);
    } finally {
      sqs.restore();
    }
  });
});

describe('the accounts of a run', () => {
  const stack = { account: ACCOUNT, accounts: { kind: 'accounts' as const, accounts: [MEMBER] } };
  const organization = (ids: string[]) => () => ({ activeAccounts: async () => ids });

  it('are the stack\'s own without --accounts; those listed, each on the stack\'s allow-list; or the organisation\'s within it', async () => {
    expect(await runAccounts(undefined, stack, organization([]))).toEqual({ accounts: [ACCOUNT], leftOut: [], source: "the stack's own account" });
    expect((await runAccounts(`${MEMBER},${ACCOUNT}`, stack, organization([]))).accounts).toEqual([ACCOUNT, MEMBER]);
    await expect(runAccounts('777788889999', stack, organization([]))).rejects.toThrow('names account 777788889999, which ami-tagger may not act in');
    const org = await runAccounts('org', stack, organization([ACCOUNT, MEMBER, '777788889999']));
    expect(org).toMatchObject({ accounts: [ACCOUNT, MEMBER], leftOut: ['777788889999'] });
    // A stack for an organization: every account of it.
    expect((await runAccounts('org', { account: ACCOUNT, accounts: { kind: 'organization', organizationId: 'o-a1b2c3d4e5' } }, organization([ACCOUNT, MEMBER, '777788889999']))).accounts).toHaveLength(3);
  });
});

describe('a run\'s status', () => {
  it('counts an image tagged by a try that then failed once, as tagged, not again as complete', () => {
    const items = {
      run: runRecord({ pages: 3, images: 10 }),
      pages: [
        // Second try: two images tagged on the first try are up to date now, one more was tagged, one failed again.
        page({ state: 'failed', attempt: 2, outcomes: { 'up-to-date': 3, tagged: 1, failed: 1 }, taggedIds: [imageId(1), imageId(2), imageId(3)], failures: [{ imageId: imageId(5), error: 'UnauthorizedOperation: no' }], failureCount: 1, images: 5 }),
        page({ page: pageKey(ACCOUNT, REGION, 2), state: 'failed', lastAttempt: true, attempt: 5, outcomes: {}, failures: [{ error: `${ACCOUNT}/${REGION}: AccessDenied` }], failureCount: 1, images: 4, apiCalls: { DescribeImages: 5 } }),
      ],
      targetFailures: [{ account: MEMBER, region: '*', error: 'its regions could not be listed' }],
    };
    const status = summarizeRun(RUN, items);
    expect(status.images).toMatchObject({ sent: 10, tagged: 3, alreadyComplete: 1, failed: 1 });
    expect(status.pages).toEqual({ sent: 3, done: 0, retrying: 1, deadLettered: 1, cancelled: 0, waiting: 1 });
    expect(status.failures.map((failure) => [failure.imageId ?? '-', failure.deadLettered])).toEqual([[imageId(5), false], ['-', true]]);
    expect(status.complete).toBe(false);
    expect(summarizeRun(RUN, { ...items, pages: [items.pages[1] as PageRecord, page({ page: 'x/1' }), page({ page: 'x/2', state: 'cancelled' })] }).complete).toBe(true);
  });

  it('is complete once a cancelled run has nothing waiting; and while pages are being sent, it is not', () => {
    expect(summarizeRun(RUN, { run: runRecord({ state: 'cancelled', pages: 2 }), pages: [page({ state: 'cancelled' })], targetFailures: [] }).complete).toBe(false);
    expect(summarizeRun(RUN, { run: runRecord({ state: 'cancelled', pages: 2 }), pages: [page({ state: 'cancelled' }), page({ page: 'b', state: 'done' })], targetFailures: [] }).complete).toBe(true);
    expect(summarizeRun(RUN, { run: runRecord({ state: 'sending', pages: 1 }), pages: [page()], targetFailures: [] }).complete).toBe(false);
  });
});

describe('the runs table, through the DynamoDB client', () => {
  let world: FanoutWorld;
  beforeEach(() => {
    world = installFanoutAws({ account: ACCOUNT, region: REGION, stackName: 'ami-tagger-test' });
  });
  afterEach(() => world.restore());

  it('keeps the latest try of a page and adds up what adds up; a cancelled page never replaces a done one', async () => {
    const runs = new DynamoDbRunStore(world.dynamo.table, REGION);
    const pages = new DynamoDbPageStore(world.dynamo.table, REGION);
    await runs.createRun(runRecord({ state: 'sending', pages: 0, images: 0, targets: 0 }));
    await expect(runs.createRun(runRecord())).rejects.toThrow('conditional request failed');
    expect(await runs.addSent(RUN, { pages: 2, images: 8, targets: 1 })).toBe('ok');
    await pages.recordPage(RUN, page({ state: 'failed', outcomes: { tagged: 2, failed: 2 }, taggedIds: [imageId(1), imageId(2)], apiCalls: { CreateTags: 2, DescribeImages: 1 }, resourcesWritten: 4 }), 1);
    await pages.recordPage(RUN, page({ attempt: 2, outcomes: { tagged: 2, 'up-to-date': 2 }, taggedIds: [imageId(3), imageId(4)], apiCalls: { CreateTags: 2, DescribeImages: 1 }, resourcesWritten: 4 }), 1);
    await pages.recordPage(RUN, page({ state: 'cancelled', attempt: 3 }), 1);
    await pages.recordPage(RUN, page({ page: pageKey(ACCOUNT, REGION, 2), state: 'cancelled' }), 1);
    for (let index = 0; index < 12; index += 1) await runs.recordTargetFailure(RUN, { account: MEMBER, region: `us-west-${index}`, error: 'AccessDenied' }, 1);
    expect(await runs.finishSending(RUN, '2026-11-24T10:01:00.000Z')).toBe('ok');

    const items = await runs.items(RUN);
    expect(world.dynamo.calls.Query).toBeGreaterThan(1); // paged
    expect(items.run).toMatchObject({ state: 'sent', pages: 2, images: 8, sentAt: '2026-11-24T10:01:00.000Z' });
    expect(items.targetFailures).toHaveLength(12);
    const [first, second] = items.pages;
    expect(first).toMatchObject({ state: 'done', attempt: 2, taggedIds: [imageId(1), imageId(2), imageId(3), imageId(4)], apiCalls: { CreateTags: 4, DescribeImages: 2 }, resourcesWritten: 8 });
    expect(second).toMatchObject({ state: 'cancelled' });

    expect(await pages.run(RUN)).toMatchObject({ state: 'sent' });
    expect(await runs.cancel(RUN, '2026-11-24T10:02:00.000Z')).toMatchObject({ state: 'cancelled', cancelledAt: '2026-11-24T10:02:00.000Z' });
    expect(await runs.addSent(RUN, { pages: 1, images: 1, targets: 1 })).toBe('cancelled');
    expect(await runs.cancel('20261124-100000-000000', 'x')).toBeUndefined();
    expect(await pages.run('20261124-100000-000000')).toBeUndefined();
  });
});
