/**
 * What DescribeImages and DescribeSnapshots share: ids, `Owner.N` and `Filter.N` narrow the
 * caller's view of its region, unknown ids are an error, and the rest is paged in id order.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import type { AwsApiError } from './api-error';
import { matchFilters, type FieldReaders } from './filters';
import { ownerAccounts } from './owners';
import { byId, paginate, type Page } from './pagination';
import { indexedValues, optionalInteger, type QueryParams, readFilters } from './query';
import { isWellFormedId, type ResourceKind } from './resource-ids';
import type { RegionView } from './state';

export interface DescribedResource {
  ownerId: string;
  tags: Record<string, string>;
}

export interface DescribeSelection<T extends DescribedResource> {
  kind: ResourceKind;
  /** The indexed query parameter naming ids: `ImageId`, `SnapshotId`. */
  idParameter: string;
  idOf: (resource: T) => string;
  fields: FieldReaders<T>;
  resourcesIn: (view: RegionView) => Map<string, T>;
  malformed: (id: string) => AwsApiError;
  notFound: (ids: string[]) => AwsApiError;
  /** Parameters the action refuses, checked once the common ones parsed. */
  refuse?: (params: QueryParams) => void;
}

export function selectDescribed<T extends DescribedResource>({ state, caller, region, params }: ActionContext, selection: DescribeSelection<T>): Page<T> {
  const ids = indexedValues(params, selection.idParameter);
  const owners = indexedValues(params, 'Owner');
  const filters = readFilters(params);
  const maxResults = optionalInteger(params, 'MaxResults');
  selection.refuse?.(params);
  const malformed = ids.filter((id) => !isWellFormedId(selection.kind, id));
  if (malformed[0] !== undefined) throw selection.malformed(malformed[0]);
  const owned = owners.length > 0 ? ownerAccounts(owners, caller) : undefined;
  const matches = matchFilters(filters, selection.fields, (resource) => resource.tags);
  refuseDryRun(params);

  const resources = selection.resourcesIn(state.view(caller.account, region));
  const missing = ids.filter((id) => !resources.has(id));
  if (missing.length > 0) throw selection.notFound(missing);

  const candidates = ids.length > 0 ? [...new Set(ids)].flatMap((id) => resources.get(id) ?? []) : [...resources.values()];
  const selected = candidates.filter((resource) => (owned === undefined || owned.has(resource.ownerId)) && matches(resource)).sort(byId(selection.idOf));
  return paginate(selected, selection.idOf, maxResults, params['NextToken']);
}
