import { createHash, timingSafeEqual } from 'node:crypto';

export { SECRET_HEADER } from '../contract/direct-payload';
/** How long a read secret is trusted before it is read again (a rotated secret takes effect within this). */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

/**
 * Compares a presented secret with the expected one in constant time. Both are hashed first so
 * that inputs of different lengths take the same time too (timingSafeEqual needs equal lengths).
 */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected === '') return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * How long a failed read is remembered. The Function URL is public: without this, every request,
 * with or without a secret, would make its own SSM call while SSM refuses (throttling, a missing
 * parameter, a KMS key it may not use), multiplying the calls that fail. Short, so that a fixed
 * parameter is picked up quickly.
 */
export const SECRET_FAILURE_CACHE_MS = 30 * 1000;

/**
 * Reads the secret through `read` (SSM in the Lambda): a value is trusted for SECRET_CACHE_MS, a
 * failure is repeated without reading for SECRET_FAILURE_CACHE_MS, and requests that arrive while
 * a read is under way share it.
 */
export function cachedSecret(read: () => Promise<string>, now: () => number = Date.now): () => Promise<string> {
  let cached: { value: string; readAt: number } | undefined;
  let failed: { error: unknown; at: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    const time = now();
    if (cached && time - cached.readAt < SECRET_CACHE_MS) return cached.value;
    if (failed && time - failed.at < SECRET_FAILURE_CACHE_MS) throw failed.error;
    pending ??= read()
      .then(
        (value) => {
          cached = { value, readAt: now() };
          failed = undefined;
          return value;
        },
        (error: unknown) => {
          failed = { error, at: now() };
          throw error;
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
