import { createHash, timingSafeEqual } from 'node:crypto';

/** The header the Webhook stage sends the shared secret in. */
export const SECRET_HEADER = 'x-ami-tagger-secret';
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

/** Reads the secret through `read` (SSM in the Lambda), cached for SECRET_CACHE_MS. */
export function cachedSecret(read: () => Promise<string>, now: () => number = Date.now): () => Promise<string> {
  let cached: { value: string; readAt: number } | undefined;
  return async () => {
    if (cached && now() - cached.readAt < SECRET_CACHE_MS) return cached.value;
    const value = await read();
    cached = { value, readAt: now() };
    return value;
  };
}
