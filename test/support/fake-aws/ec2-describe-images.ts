/**
 * DescribeImages: the caller's view of its region, narrowed by `ImageId.N`, `Owner.N` and
 * `Filter.N`, paged by `MaxResults` / `NextToken`.
 */
import type { ActionContext } from './action-context';
import { AwsApiError, invalidParameterValue } from './api-error';
import { selectDescribed } from './describe-selection';
import type { FieldReaders } from './filters';
import type { FakeImage } from './model';
import { indexedValues } from './query';
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
  'is-public': (image) => [String(isPublic(image))],
  'root-device-type': () => ['ebs'],
  'virtualization-type': () => ['hvm'],
};

export function describeImages(context: ActionContext): string {
  const page = selectDescribed(context, {
    kind: 'image',
    idParameter: 'ImageId',
    idOf: (image: FakeImage) => image.imageId,
    fields: IMAGE_FIELDS,
    resourcesIn: (view) => view.images,
    malformed: (id) => new AwsApiError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`),
    notFound: (ids) => new AwsApiError('InvalidAMIID.NotFound', `The image id '[${ids.join(', ')}]' does not exist`),
    refuse: (params) => {
      if (indexedValues(params, 'ExecutableBy').length > 0) {
        throw invalidParameterValue('ExecutableBy is not modelled by the local EC2 stand-in (DescribeImageAttribute launchPermission is)');
      }
    },
  });
  return itemList('imagesSet', page.items, imageXml) + leaf('nextToken', page.nextToken);
}

/** Shared with `group: all`. The owner's view holds the launch permissions; other views are copies. */
function isPublic(image: FakeImage): boolean {
  return (image.launchPermissions ?? []).some((permission) => 'group' in permission && permission.group === 'all');
}

function imageXml(image: FakeImage): string {
  const root = image.blockDeviceMappings[0]?.deviceName;
  return [
    leaf('imageId', image.imageId),
    leaf('imageLocation', `${image.ownerId}/${image.name}`),
    leaf('imageState', image.state),
    leaf('imageOwnerId', image.ownerId),
    leaf('creationDate', image.creationDate),
    leaf('isPublic', isPublic(image)),
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
