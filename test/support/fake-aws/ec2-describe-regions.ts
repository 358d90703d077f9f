/**
 * DescribeRegions: the regions enabled for the caller's account, or all known regions with
 * `AllRegions=true`, narrowed by `RegionName.N` and the `region-name` / `opt-in-status` /
 * `endpoint` filters.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import { invalidParameterValue } from './api-error';
import { matchFilters, type FieldReaders } from './filters';
import { flag, indexedValues, readFilters } from './query';
import { regionStatuses, type RegionStatus } from './regions';
import { itemList, leaf } from './xml';

const REGION_FIELDS: FieldReaders<RegionStatus> = {
  'region-name': (region) => [region.regionName],
  'opt-in-status': (region) => [region.optInStatus],
  endpoint: (region) => [region.endpoint],
};

export function describeRegions({ state, caller, params }: ActionContext): string {
  const names = indexedValues(params, 'RegionName');
  const matches = matchFilters(readFilters(params), REGION_FIELDS, () => ({}));
  const allRegions = flag(params, 'AllRegions');
  refuseDryRun(params);

  const statuses = regionStatuses(state.enabledRegions(caller.account));
  const unknown = names.filter((name) => !statuses.some((region) => region.regionName === name));
  if (unknown.length > 0) throw invalidParameterValue(`Invalid region: ${unknown.join(', ')}`);
  const selected = statuses.filter(
    (region) => (allRegions || region.optInStatus !== 'not-opted-in') && (names.length === 0 || names.includes(region.regionName)) && matches(region),
  );
  return itemList('regionInfo', selected, (region) => leaf('regionName', region.regionName) + leaf('regionEndpoint', region.endpoint) + leaf('optInStatus', region.optInStatus));
}
