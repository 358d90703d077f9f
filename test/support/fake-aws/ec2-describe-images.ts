/**
 * DescribeImages: the caller's view of its region, narrowed by `ImageId.N`, `Owner.N` and
 * `Filter.N`, paged by `MaxResults` / `NextToken`.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import { AwsApiError, invalidParameterValue } from './api-error';
import { matchFilters, type FieldReaders } from './filters';
import type { FakeImage } from './model';
import { ownerAccounts } from './owners';
import { byId, paginate } from './pagination';
import { indexedValues, optionalInteger, readFilters } from './query';
import { isWellFormedId } from './resource-ids';
import { tagSetXml } from './tags';
import { itemList, leaf, node } from './xml';

const IMAGE_FIELDS: FieldReaders<FakeImage> = {
  'image-id': (image) => [image.imageId],
  name: (image) => [image.name],
  state: (image) => [image.state],
  'owner-id': (image) => [image.ownerId],
  description: (image) => (image.description === undefined ? [] : [image.description]),
  architecture: (image) => (image.architecture === undefined ? [] : [image.architecture]),
  'creation-date': (image) => [image.creationDate],
  'block-device-mapping.device-name': (image) => image.blockDeviceMappings.map((mapping) => mapping.deviceName),
  'block-device-mapping.snapshot-id': (image) => image.blockDeviceMappings.flatMap((mapping) => (mapping.snapshotId ? [mapping.snapshotId] : [])),
  'image-type': () => ['machine'],
  'is-public': () => ['false'],
  'root-device-type': () => ['ebs'],
  'virtualization-type': () => ['hvm'],
};

const imageOrder = byId((image: FakeImage) => image.imageId);

export function describeImages({ state, caller, region, params }: ActionContext): string {
  const imageIds = indexedValues(params, 'ImageId');
  const owners = indexedValues(params, 'Owner');
  const filters = readFilters(params);
  const maxResults = optionalInteger(params, 'MaxResults');
  if (indexedValues(params, 'ExecutableBy').length > 0) {
    throw invalidParameterValue('ExecutableBy is not modelled by the local EC2 stand-in: it has no launch permissions');
  }
  const malformed = imageIds.filter((id) => !isWellFormedId('image', id));
  if (malformed.length > 0) throw new AwsApiError('InvalidAMIID.Malformed', `Invalid id: "${malformed[0]}" (expecting "ami-...")`);
  const owned = owners.length > 0 ? ownerAccounts(owners, caller) : undefined;
  const matches = matchFilters(filters, IMAGE_FIELDS, (image) => image.tags);
  refuseDryRun(params);

  const images = state.view(caller.account, region).images;
  const missing = imageIds.filter((id) => !images.has(id));
  if (missing.length > 0) throw new AwsApiError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);

  const candidates = imageIds.length > 0 ? [...new Set(imageIds)].flatMap((id) => images.get(id) ?? []) : [...images.values()];
  const selected = candidates.filter((image) => (owned === undefined || owned.has(image.ownerId)) && matches(image)).sort(imageOrder);
  const page = paginate(selected, (image) => image.imageId, maxResults, params['NextToken']);
  return itemList('imagesSet', page.items, imageXml) + leaf('nextToken', page.nextToken);
}

function imageXml(image: FakeImage): string {
  const root = image.blockDeviceMappings[0]?.deviceName;
  return [
    leaf('imageId', image.imageId),
    leaf('imageLocation', `${image.ownerId}/${image.name}`),
    leaf('imageState', image.state),
    leaf('imageOwnerId', image.ownerId),
    leaf('creationDate', image.creationDate),
    leaf('isPublic', false),
    leaf('architecture', image.architecture),
    leaf('imageType', 'machine'),
    leaf('name', image.name),
    leaf('description', image.description),
    leaf('rootDeviceType', 'ebs'),
    leaf('rootDeviceName', root),
    itemList('blockDeviceMapping', image.blockDeviceMappings, (mapping) =>
      leaf('deviceName', mapping.deviceName) + node('ebs', leaf('snapshotId', mapping.snapshotId), leaf('deleteOnTermination', true), leaf('encrypted', false)),
    ),
    leaf('virtualizationType', 'hvm'),
    leaf('hypervisor', 'xen'),
    tagSetXml(image.tags),
  ].join('');
}
