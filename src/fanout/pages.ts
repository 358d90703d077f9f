import type { ImageRef } from '../model/image-ref';
import { backfillMessage, type BackfillRunInfo } from '../replay/messages';
import { deduplicationId, messageGroupId, pageKey } from './names';
import type { OutgoingPage } from './ports';

/**
 * How the images of one account and region become pages: one SQS message each, for one worker
 * invocation each. Newest first, so that each page covers a stretch of time of its own and the
 * worker's CloudTrail lookup for it reads that stretch only.
 */

/** DescribeImages hands out 1000 a page; a message holds at most that many images. */
export const MAX_PAGE_IMAGES = 1000;
/**
 * A page's writes at its rate fit in this many seconds (a first backfill makes one CreateTags per
 * image), well inside the worker's timeout (src/fanout/names.ts WORKER_TIMEOUT_SECONDS), with room
 * for the reads and the creator lookup. At the default 5 a second: 1000 images.
 */
export const PAGE_WRITE_BUDGET_SECONDS = 360;
/** SQS takes messages (and SendMessageBatch calls) of up to 256 KiB; keep a margin. */
export const MAX_MESSAGE_BYTES = 250_000;

/** Images per page at `maxRate` CreateTags a second. */
export function pageSize(maxRate: number): number {
  return Math.max(1, Math.min(MAX_PAGE_IMAGES, Math.floor(maxRate * PAGE_WRITE_BUDGET_SECONDS)));
}

export interface PageImage {
  imageId: string;
  creationDate?: string;
}

function newestFirst(a: PageImage, b: PageImage): number {
  const at = (image: PageImage): number => (image.creationDate === undefined ? Number.NEGATIVE_INFINITY : Date.parse(image.creationDate) || Number.NEGATIVE_INFINITY);
  return at(b) - at(a) || a.imageId.localeCompare(b.imageId);
}

/** The pages (messages) for the images of one account and region. */
export function pagesOf(account: string, region: string, images: readonly PageImage[], run: Omit<BackfillRunInfo, 'page'>, size: number = pageSize(run.maxRate)): OutgoingPage[] {
  const sorted = [...images].sort(newestFirst);
  const chunks: PageImage[][] = [];
  for (let start = 0; start < sorted.length; start += size) chunks.push(sorted.slice(start, start + size));
  const pages: OutgoingPage[] = [];
  const add = (chunk: PageImage[]): void => {
    const page = pageKey(account, region, pages.length + 1);
    const refs: ImageRef[] = chunk.map((image) => ({ account, region, imageId: image.imageId, trigger: 'Backfill' }));
    const body = backfillMessage(refs, { ...run, page });
    if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES && chunk.length > 1) {
      const half = Math.ceil(chunk.length / 2);
      add(chunk.slice(0, half));
      add(chunk.slice(half));
      return;
    }
    pages.push({ page, images: chunk.length, body, groupId: messageGroupId(account, region), deduplicationId: deduplicationId(run.id, page) });
  };
  for (const chunk of chunks) add(chunk);
  return pages;
}
