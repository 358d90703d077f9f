/**
 * Reading query-protocol parameters: the SDK sends `application/x-www-form-urlencoded` bodies
 * whose lists are flattened with 1-based indexes (`ImageId.1`, `Filter.2.Value.1`, `Tag.3.Key`).
 */
import { AwsApiError, invalidParameterValue } from './api-error';

export type QueryParams = Record<string, string>;

export function parseQueryBody(body: string): QueryParams {
  const params: QueryParams = {};
  for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  return params;
}

/** The members of `PREFIX.N.REST` grouped by N, in index order, each as `{ REST: value }`. */
export function indexedGroups(params: QueryParams, prefix: string): QueryParams[] {
  const groups = new Map<number, QueryParams>();
  const head = `${prefix}.`;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const index = Number(dot === -1 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 1) continue;
    const group = groups.get(index) ?? {};
    group[dot === -1 ? '' : rest.slice(dot + 1)] = value;
    groups.set(index, group);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** The values of a flat list `PREFIX.1`, `PREFIX.2`, … in index order. */
export function indexedValues(params: QueryParams, prefix: string): string[] {
  return indexedGroups(params, prefix).flatMap((group) => (group[''] === undefined ? [] : [group['']]));
}

export interface QueryFilter {
  name: string;
  values: string[];
}

/** `Filter.N.Name` and `Filter.N.Value.M`. */
export function readFilters(params: QueryParams): QueryFilter[] {
  return indexedGroups(params, 'Filter').map((group) => {
    const name = group['Name'];
    if (name === undefined) throw invalidParameterValue("The filter 'null' is invalid");
    return { name, values: indexedValues(group, 'Value') };
  });
}

export interface QueryTag {
  key: string;
  value: string;
}

/** `Tag.N.Key` and `Tag.N.Value`; a missing value is the empty string, as EC2 takes it. */
export function readTags(params: QueryParams): QueryTag[] {
  return indexedGroups(params, 'Tag').map((group) => ({ key: group['Key'] ?? '', value: group['Value'] ?? '' }));
}

export function optionalInteger(params: QueryParams, name: string): number | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new AwsApiError('InvalidParameterValue', `Value (${raw}) for parameter ${name} is invalid. Expected an integer.`);
  return value;
}

export function flag(params: QueryParams, name: string): boolean {
  return params[name]?.toLowerCase() === 'true';
}
