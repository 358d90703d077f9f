/**
 * EC2 resource id formats. Ids are a prefix and 8 (before 2016) or 17 lowercase hex digits
 * (EC2 User Guide, "Resource IDs"); anything else is malformed.
 */

export type ResourceKind = 'image' | 'snapshot';

const ID_FORMATS: Record<ResourceKind, RegExp> = {
  image: /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  snapshot: /^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
};

export const ID_PREFIXES: Record<ResourceKind, string> = { image: 'ami', snapshot: 'snap' };

/** Long ids have 17 hex digits. */
const LONG_ID_DIGITS = 17;

export function isWellFormedId(kind: ResourceKind, id: string): boolean {
  return ID_FORMATS[kind].test(id);
}

/** Which kind an id claims to be by its prefix, well-formed or not. */
export function kindOfId(id: string): ResourceKind | undefined {
  if (id.startsWith(`${ID_PREFIXES.image}-`)) return 'image';
  if (id.startsWith(`${ID_PREFIXES.snapshot}-`)) return 'snapshot';
  return undefined;
}

/** Hands out well-formed, distinct ids (deterministic per server, so test output is stable). */
export class IdSequence {
  private next = 1;

  take(kind: ResourceKind, taken: (id: string) => boolean): string {
    for (;;) {
      const id = `${ID_PREFIXES[kind]}-${(this.next++).toString(16).padStart(LONG_ID_DIGITS, '0')}`;
      if (!taken(id)) return id;
    }
  }
}
