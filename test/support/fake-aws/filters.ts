/**
 * EC2's `Filter.N` semantics: values within one filter are alternatives (OR), filters combine
 * with AND, string values may use `*` (any run) and `?` (one character), `\` escapes them, and
 * `tag:KEY` / `tag-key` / `tag-value` look at tags. An unknown filter name is refused, so a
 * filter the stand-in lacks shows up as an error rather than as a silent match-all.
 */
import { invalidParameterValue } from './api-error';
import type { QueryFilter } from './query';

/** How a filter name reads the matching values off a resource. */
export type FieldReaders<T> = Record<string, (resource: T) => readonly string[]>;

export function wildcardPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] ?? '');
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const TAG_FILTER_PREFIX = 'tag:';

/** A predicate for all the filters together; throws InvalidParameterValue for an unknown filter. */
export function matchFilters<T>(filters: readonly QueryFilter[], fields: FieldReaders<T>, tagsOf: (resource: T) => Record<string, string>): (resource: T) => boolean {
  const tests = filters.map((filter) => {
    const patterns = filter.values.map(wildcardPattern);
    const anyMatches = (candidates: readonly string[]): boolean => candidates.some((candidate) => patterns.some((pattern) => pattern.test(candidate)));
    if (filter.name.startsWith(TAG_FILTER_PREFIX)) {
      const key = filter.name.slice(TAG_FILTER_PREFIX.length);
      return (resource: T) => {
        const value = tagsOf(resource)[key];
        return value !== undefined && anyMatches([value]);
      };
    }
    if (filter.name === 'tag-key') return (resource: T) => anyMatches(Object.keys(tagsOf(resource)));
    if (filter.name === 'tag-value') return (resource: T) => anyMatches(Object.values(tagsOf(resource)));
    const read = Object.hasOwn(fields, filter.name) ? fields[filter.name] : undefined;
    if (!read) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
    return (resource: T) => anyMatches(read(resource));
  });
  return (resource) => tests.every((test) => test(resource));
}
