import { InputError } from '../errors';
import { IMAGE_ID_PATTERN, REGION_PATTERN } from '../contract/aws-ids';
import type { ImageDescription } from '../model/facts';
import { tagValue } from '../model/facts';
import type { ImageQuery } from './ports';

/** Which of the account's own images a backfill looks at. */
export interface ImageFilter {
  /** Made at or after this time (the image's CreationDate). */
  since?: Date;
  /** EC2's name filter: `*` any run of characters, `?` one. */
  name?: string;
  /** Only images that do not carry this tag key. */
  missingTag?: string;
  /** Only these images. */
  imageIds?: string[];
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const AGE = /^(\d+)\s*([mhdw])$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `--since`: an age (`90d`, `12h`, `2w`, `30m`) or a date (`2026-01-31`, ISO 8601). */
export function parseSince(text: string, now: number, where = '--since'): Date {
  const trimmed = text.trim();
  const age = AGE.exec(trimmed);
  if (age) return new Date(now - Number(age[1]) * (UNIT_MS[age[2] ?? 'd'] ?? 0));
  if (DATE.test(trimmed)) {
    const date = new Date(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InputError(`${where} ${JSON.stringify(text)} is neither an age nor a date`, { where, hint: 'give an age such as 90d, 12h, 2w or 30m, or a date such as 2026-01-31' });
}

/** `--image-ids`: comma-separated AMI ids. */
export function parseImageIds(text: string, where = '--image-ids'): string[] {
  const ids = [...new Set(text.split(',').map((id) => id.trim()).filter((id) => id !== ''))];
  const bad = ids.filter((id) => !IMAGE_ID_PATTERN.test(id));
  if (ids.length === 0 || bad.length > 0) {
    throw new InputError(`${where}: ${bad.length > 0 ? `${bad.map((id) => JSON.stringify(id)).join(', ')} ${bad.length === 1 ? 'is not an AMI id' : 'are not AMI ids'}` : 'no image id given'}`, {
      where,
      hint: 'give comma-separated ids such as ami-0abc1234def567890,ami-0123456789abcdef0',
    });
  }
  return ids;
}

/** `--regions`: `all`, or comma-separated region names. */
export function parseRegions(text: string, where = '--regions'): 'all' | string[] {
  const items = [...new Set(text.split(',').map((item) => item.trim()).filter((item) => item !== ''))];
  if (items.length === 1 && items[0] === 'all') return 'all';
  const bad = items.filter((item) => !REGION_PATTERN.test(item));
  if (items.length === 0 || bad.length > 0) {
    throw new InputError(`${where}: ${bad.length > 0 ? `${bad.map((item) => JSON.stringify(item)).join(', ')} ${bad.length === 1 ? 'is not a region name' : 'are not region names'}` : 'no region given'}`, {
      where,
      hint: 'give `all` (every region enabled in the account) or names such as us-east-1,eu-west-1',
    });
  }
  return items.sort();
}

/** `--name`: EC2's name filter; `*` and `?` are wildcards. */
export function parseNameGlob(text: string, where = '--name'): string {
  if (text.trim() === '') throw new InputError(`${where} is empty`, { where, hint: 'give a name or a pattern such as "orders-api-*"' });
  return text;
}

/** The part of the filter EC2 applies itself. */
export function imageQuery(filter: ImageFilter): ImageQuery {
  return { ...(filter.name !== undefined ? { name: filter.name } : {}), ...(filter.imageIds !== undefined ? { imageIds: filter.imageIds } : {}) };
}

/** The part EC2 cannot apply: the age and a missing tag. */
export function keptByFilter(image: ImageDescription, filter: ImageFilter): boolean {
  if (filter.since !== undefined) {
    const created = image.creationDate === undefined ? Number.NaN : Date.parse(image.creationDate);
    if (!(created >= filter.since.getTime())) return false;
  }
  if (filter.missingTag !== undefined && tagValue(image.tags, filter.missingTag) !== undefined) return false;
  return true;
}
