/**
 * The estate's pure parts: the flags' readers, the pacing, and the creator read from a CloudTrail
 * record by the event path's own rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventBridgeEvent } from '../../src/events/eventbridge';
import { creationFromRecord, creatorTagKeys, imagesNeedingCreator } from '../../src/estate/creators';
import { keptByFilter, parseImageIds, parseRegions, parseSince } from '../../src/estate/filters';
import { tagsDigest } from '../../src/estate/plan-file';
import { DEFAULT_MAX_WRITE_RATE, mapConcurrently, RateLimiter, type Clock } from '../../src/estate/rate';
import { loadRulesFile } from '../../src/rules/load';
import { SHIPPED_RULES_FILE } from '../support/engine-env';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY = 86_400_000;

describe('flags', () => {
  it('--since takes an age or a date', () => {
    expect(parseSince('90d', NOW).toISOString()).toBe(new Date(NOW - 90 * DAY).toISOString());
    expect(parseSince('12h', NOW).getTime()).toBe(NOW - 12 * 3_600_000);
    expect(parseSince('2w', NOW).getTime()).toBe(NOW - 14 * DAY);
    expect(parseSince('2026-01-31', NOW).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(() => parseSince('yesterday', NOW)).toThrow('is neither an age nor a date');
  });

  it('--regions: all, or region names, sorted and unique; --image-ids: AMI ids', () => {
    expect(parseRegions('all')).toBe('all');
    expect(parseRegions('us-east-1, eu-west-1,us-east-1')).toEqual(['eu-west-1', 'us-east-1']);
    expect(() => parseRegions('all,us-east-1')).toThrow('is not a region name');
    expect(parseImageIds('ami-0abc1234def567890,ami-0abc1234def567890')).toEqual(['ami-0abc1234def567890']);
    expect(() => parseImageIds('')).toThrow('no image id given');
  });

  it('keeps images by age and by a missing tag', () => {
    const image = { imageId: 'ami-0abc1234def567890', snapshotIds: [], tags: { Team: 'web' }, creationDate: new Date(NOW - 10 * DAY).toISOString() };
    expect(keptByFilter(image, { since: new Date(NOW - 30 * DAY) })).toBe(true);
    expect(keptByFilter(image, { since: new Date(NOW - 5 * DAY) })).toBe(false);
    expect(keptByFilter(image, { missingTag: 'Team' })).toBe(false);
    expect(keptByFilter(image, { missingTag: 'CreatedBy' })).toBe(true);
    expect(keptByFilter({ ...image, creationDate: undefined }, { since: new Date(0) })).toBe(false);
  });
});

describe('pacing', () => {
  function virtualClock(): Clock & { time: number } {
    const clock = {
      time: 0,
      now: () => clock.time,
      sleep: async (ms: number) => {
        clock.time += ms;
      },
    };
    return clock;
  }

  it('spaces calls per key at the rate; keys do not wait for each other; a pause delays the next call', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(DEFAULT_MAX_WRITE_RATE, clock);
    for (let call = 0; call < 6; call += 1) await limiter.take('a/eu-west-1');
    expect(clock.time).toBe(1000);
    await limiter.take('b/eu-west-1');
    expect(clock.time).toBe(1000);
    limiter.pause('a/eu-west-1', 1000);
    await limiter.take('a/eu-west-1');
    expect(clock.time).toBe(2200);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });

  it('runs at most N at once and keeps the order of results', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 3, 2, 4], 2, async (value) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 30, 20, 40]);
    expect(most).toBe(2);
  });
});

describe('the creator from a CloudTrail record', () => {
  const event = JSON.parse(readFileSync(join(__dirname, '../fixtures/events/cloudtrail-create-image.json'), 'utf8')) as { detail: Record<string, unknown> };

  it('is the one the event path finds in the same call', () => {
    const fromHistory = creationFromRecord(JSON.stringify(event.detail));
    const fromEvent = parseEventBridgeEvent(event);
    if (fromEvent.kind !== 'image') throw new Error('the fixture is an image event');
    expect(fromHistory).toEqual({ imageId: fromEvent.ref.imageId, creation: expect.objectContaining({ eventName: 'CreateImage', creator: fromEvent.ref.creator }) });
  });

  it('is nothing for a failed call, a record that is not JSON or names no image', () => {
    expect(creationFromRecord(JSON.stringify({ ...event.detail, errorCode: 'Client.DryRunOperation', responseElements: null }))).toBeUndefined();
    expect(creationFromRecord('{not json')).toBeUndefined();
    expect(creationFromRecord(JSON.stringify({ eventName: 'CreateImage' }))).toBeUndefined();
  });

  it('is looked up only for images in the 90 days that miss a tag the rules fill from the creator', () => {
    const rules = loadRulesFile(SHIPPED_RULES_FILE);
    expect(creatorTagKeys(rules)).toEqual(['CreatedBy']);
    const young = { imageId: 'ami-0000000000000000a', snapshotIds: [], tags: {}, creationDate: new Date(NOW - DAY).toISOString() };
    const tagged = { ...young, imageId: 'ami-0000000000000000b', tags: { CreatedBy: 'alice' } };
    const old = { ...young, imageId: 'ami-0000000000000000c', creationDate: new Date(NOW - 91 * DAY).toISOString() };
    expect(imagesNeedingCreator(rules, [young, tagged, old], NOW).map((image) => image.imageId)).toEqual([young.imageId]);
  });
});

describe('the plan digest', () => {
  it('changes when any tag of the image or its snapshots changes, not with the order', () => {
    const image = { imageId: 'ami-0000000000000000a', snapshotIds: ['snap-0000000000000000b', 'snap-0000000000000000a'], tags: { A: '1', B: '2' } };
    const snapshots = { 'snap-0000000000000000a': { X: '1' }, 'snap-0000000000000000b': {} };
    const digest = tagsDigest(image, snapshots);
    expect(tagsDigest({ ...image, tags: { B: '2', A: '1' }, snapshotIds: [...image.snapshotIds].reverse() }, snapshots)).toBe(digest);
    expect(tagsDigest({ ...image, tags: { A: '1', B: '3' } }, snapshots)).not.toBe(digest);
    expect(tagsDigest(image, { ...snapshots, 'snap-0000000000000000b': { Y: '1' } })).not.toBe(digest);
  });
});
