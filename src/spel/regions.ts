import { InputError } from '../errors';
import { REGION_PATTERN } from '../contract/aws-ids';
import { MAX_IMAGES_PER_PAYLOAD } from '../contract/direct-payload';

/** One image per region ends up in the payload, which holds at most MAX_IMAGES_PER_PAYLOAD. */
export const MAX_REGIONS = MAX_IMAGES_PER_PAYLOAD;

/** `us-east-1,eu-west-1` -> checked, distinct region names in the order given. */
export function parseRegionList(text: string, where = '--regions'): string[] {
  const regions = text.split(',').map((part) => part.trim());
  if (regions.length === 1 && regions[0] === '') {
    throw new InputError('no region given', { where, hint: 'list the regions the bake bakes in, e.g. --regions us-east-1,eu-west-1' });
  }
  const seen = new Set<string>();
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new InputError(`${JSON.stringify(region)} is not an AWS region name`, {
        where,
        hint: 'use region names like us-east-1 or eu-west-1, separated by commas',
      });
    }
    if (seen.has(region)) {
      throw new InputError(`region ${region} is listed twice`, { where, hint: 'list each region once' });
    }
    seen.add(region);
  }
  if (regions.length > MAX_REGIONS) {
    throw new InputError(`${regions.length} regions listed; a payload holds at most ${MAX_REGIONS} images`, { where });
  }
  return regions;
}

export function assertRegion(region: string, where: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new InputError(`${JSON.stringify(region)} is not an AWS region name`, { where, hint: 'use a region name like us-east-1' });
  }
  return region;
}
