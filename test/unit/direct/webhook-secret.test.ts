import { cachedSecret, SECRET_CACHE_MS, secretMatches } from '../../../src/direct/webhook-secret';

describe('webhook secret', () => {
  it('matches only the exact secret', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true);
    expect(secretMatches('s3cret ', 's3cret')).toBe(false);
    expect(secretMatches('', 's3cret')).toBe(false);
    expect(secretMatches(undefined, 's3cret')).toBe(false);
  });

  it('an empty expected secret (parameter not set up) matches nothing', () => {
    expect(secretMatches('', '')).toBe(false);
  });

  it('is read again once the cache time has passed', async () => {
    let clock = 0;
    let reads = 0;
    const secret = cachedSecret(async () => `v${++reads}`, () => clock);
    expect(await secret()).toBe('v1');
    clock += SECRET_CACHE_MS - 1;
    expect(await secret()).toBe('v1');
    clock += 1;
    expect(await secret()).toBe('v2');
  });
});
