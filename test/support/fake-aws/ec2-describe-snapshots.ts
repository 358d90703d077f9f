/**
 * DescribeSnapshots: the caller's snapshots in its region, narrowed by `SnapshotId.N`,
 * `Owner.N` and `Filter.N`, paged by `MaxResults` / `NextToken`.
 */
import type { ActionContext } from './action-context';
import { AwsApiError } from './api-error';
import { selectDescribed } from './describe-selection';
import type { FieldReaders } from './filters';
import type { FakeSnapshot } from './model';
import { tagSetXml } from './tags';
import { itemList, leaf } from './xml';

const SNAPSHOT_FIELDS: FieldReaders<FakeSnapshot> = {
  'snapshot-id': (snapshot) => [snapshot.snapshotId],
  'owner-id': (snapshot) => [snapshot.ownerId],
  description: (snapshot) => (snapshot.description === undefined ? [] : [snapshot.description]),
  status: () => ['completed'],
  encrypted: () => ['false'],
};

export function describeSnapshots(context: ActionContext): string {
  const page = selectDescribed(context, {
    kind: 'snapshot',
    idParameter: 'SnapshotId',
    idOf: (snapshot: FakeSnapshot) => snapshot.snapshotId,
    fields: SNAPSHOT_FIELDS,
    resourcesIn: (view) => view.snapshots,
    malformed: (id) => new AwsApiError('InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`),
    notFound: (ids) => new AwsApiError('InvalidSnapshot.NotFound', `The snapshot '${ids.join(', ')}' does not exist.`),
  });
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
