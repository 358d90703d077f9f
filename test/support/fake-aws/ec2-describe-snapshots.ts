/**
 * DescribeSnapshots: the caller's snapshots in its region, narrowed by `SnapshotId.N`,
 * `Owner.N` and `Filter.N`, paged by `MaxResults` / `NextToken`.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import { AwsApiError } from './api-error';
import { matchFilters, type FieldReaders } from './filters';
import type { FakeSnapshot } from './model';
import { ownerAccounts } from './owners';
import { byId, paginate } from './pagination';
import { indexedValues, optionalInteger, readFilters } from './query';
import { isWellFormedId } from './resource-ids';
import { tagSetXml } from './tags';
import { itemList, leaf } from './xml';

const SNAPSHOT_FIELDS: FieldReaders<FakeSnapshot> = {
  'snapshot-id': (snapshot) => [snapshot.snapshotId],
  'owner-id': (snapshot) => [snapshot.ownerId],
  description: (snapshot) => (snapshot.description === undefined ? [] : [snapshot.description]),
  status: () => ['completed'],
  encrypted: () => ['false'],
};

const snapshotOrder = byId((snapshot: FakeSnapshot) => snapshot.snapshotId);

export function describeSnapshots({ state, caller, region, params }: ActionContext): string {
  const snapshotIds = indexedValues(params, 'SnapshotId');
  const owners = indexedValues(params, 'Owner');
  const filters = readFilters(params);
  const maxResults = optionalInteger(params, 'MaxResults');
  const malformed = snapshotIds.filter((id) => !isWellFormedId('snapshot', id));
  if (malformed.length > 0) throw new AwsApiError('InvalidSnapshotID.Malformed', `Invalid id: "${malformed[0]}" (expecting "snap-...")`);
  const owned = owners.length > 0 ? ownerAccounts(owners, caller) : undefined;
  const matches = matchFilters(filters, SNAPSHOT_FIELDS, (snapshot) => snapshot.tags);
  refuseDryRun(params);

  const snapshots = state.view(caller.account, region).snapshots;
  const missing = snapshotIds.filter((id) => !snapshots.has(id));
  if (missing.length > 0) throw new AwsApiError('InvalidSnapshot.NotFound', `The snapshot '${missing.join(', ')}' does not exist.`);

  const candidates = snapshotIds.length > 0 ? [...new Set(snapshotIds)].flatMap((id) => snapshots.get(id) ?? []) : [...snapshots.values()];
  const selected = candidates.filter((snapshot) => (owned === undefined || owned.has(snapshot.ownerId)) && matches(snapshot)).sort(snapshotOrder);
  const page = paginate(selected, (snapshot) => snapshot.snapshotId, maxResults, params['NextToken']);
  return itemList('snapshotSet', page.items, snapshotXml) + leaf('nextToken', page.nextToken);
}

function snapshotXml(snapshot: FakeSnapshot): string {
  return [
    leaf('snapshotId', snapshot.snapshotId),
    leaf('status', 'completed'),
    leaf('progress', '100%'),
    leaf('ownerId', snapshot.ownerId),
    leaf('description', snapshot.description),
    leaf('encrypted', false),
    tagSetXml(snapshot.tags),
  ].join('');
}
