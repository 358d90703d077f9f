import { cachedSecret, SECRET_CACHE_MS, SECRET_FAILURE_CACHE_MS, secretMatches } from '../../../src/direct/webhook-secret';

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

  it('remembers a failed read for a short while: the requests in between fail without reading', async () => {
    let clock = 0;
    let reads = 0;
    let fail = true;
    const secret = cachedSecret(async () => {
      reads += 1;
      if (fail) throw new Error(`ThrottlingException ${reads}`);
      return 's3cret';
    }, () => clock);
    await expect(secret()).rejects.toThrow('ThrottlingException 1');
    clock += SECRET_FAILURE_CACHE_MS - 1;
    for (let request = 0; request < 100; request += 1) await expect(secret()).rejects.toThrow('ThrottlingException 1');
    expect(reads).toBe(1);
    fail = false;
    clock += 1;
    expect(await secret()).toBe('s3cret');
    expect(reads).toBe(2);
    // A value read after a failure is cached as usual.
    clock += SECRET_CACHE_MS - 1;
    expect(await secret()).toBe('s3cret');
    expect(reads).toBe(2);
  });

  it('a failure is remembered for much less time than a value, so a fixed parameter is picked up soon', () => {
    expect(SECRET_FAILURE_CACHE_MS).toBe(30_000);
    expect(SECRET_FAILURE_CACHE_MS).toBeLessThan(SECRET_CACHE_MS);
  });

  it('requests that arrive while a read is under way share it', async () => {
    let reads = 0;
    let release: (value: string) => void = () => undefined;
    const secret = cachedSecret(() => {
      reads += 1;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    });
    const waiting = [secret(), secret(), secret()];
    release('s3cret');
    expect(await Promise.all(waiting)).toEqual(['s3cret', 's3cret', 's3cret']);
    expect(reads).toBe(1);
  });
});
