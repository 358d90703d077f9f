/**
 * `MaxResults` / `NextToken` paging as EC2's Describe* calls do it: no MaxResults means
 * everything in one answer; a token is opaque and names where the next page starts.
 */
import { AwsApiError, invalidParameterValue } from './api-error';

/** DescribeImages and DescribeSnapshots accept MaxResults from 5 to 1000 (EC2 API reference, "MaxResults ... Valid Range"). */
export const MIN_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** `sorted` must be in id order; the token remembers the last id given out, so pages stay right when items are added between calls. */
export function paginate<T>(sorted: readonly T[], idOf: (item: T) => string, maxResults: number | undefined, nextToken: string | undefined): Page<T> {
  if (maxResults !== undefined && (maxResults < MIN_PAGE_SIZE || maxResults > MAX_PAGE_SIZE)) {
    throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${MIN_PAGE_SIZE} and ${MAX_PAGE_SIZE}.`);
  }
  const after = nextToken === undefined ? undefined : readToken(nextToken);
  const rest = after === undefined ? sorted : sorted.filter((item) => idOf(item) > after);
  if (maxResults === undefined || rest.length <= maxResults) return { items: [...rest] };
  const items = rest.slice(0, maxResults);
  const last = items[items.length - 1];
  return last === undefined ? { items } : { items, nextToken: writeToken(idOf(last)) };
}

const TOKEN_PREFIX = 'after:';

function writeToken(lastId: string): string {
  return Buffer.from(TOKEN_PREFIX + lastId, 'utf8').toString('base64url');
}

function readToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX)) throw new AwsApiError('InvalidPaginationToken', `The pagination token '${token}' is not valid or is expired.`);
  return text.slice(TOKEN_PREFIX.length);
}

export function byId<T>(idOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const left = idOf(a);
    const right = idOf(b);
    return left < right ? -1 : left > right ? 1 : 0;
  };
}
