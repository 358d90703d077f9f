/**
 * DescribeImageAttribute: one attribute of an image the caller owns. `launchPermission` lists the
 * accounts (`userId`), the public (`group: all`), organizations and OUs it is shared with;
 * `description` and `blockDeviceMapping` are there too. Only the owner may ask: an account the
 * image is shared with gets AuthFailure, as EC2 answers it.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import { AwsApiError, invalidParameterValue, missingParameter } from './api-error';
import { isWellFormedId } from './resource-ids';
import { itemList, leaf, node } from './xml';

/** The attributes EC2 has (EC2 API reference, DescribeImageAttribute, "Attribute"). */
const KNOWN_ATTRIBUTES = [
  'description',
  'kernel',
  'ramdisk',
  'launchPermission',
  'productCodes',
  'blockDeviceMapping',
  'sriovNetSupport',
  'bootMode',
  'tpmSupport',
  'uefiData',
  'lastLaunchedTime',
  'imdsSupport',
  'deregistrationProtection',
];

export function describeImageAttribute({ state, caller, region, params }: ActionContext): string {
  const imageId = params['ImageId'];
  const attribute = params['Attribute'];
  if (imageId === undefined) throw missingParameter('ImageId');
  if (attribute === undefined) throw missingParameter('Attribute');
  if (!isWellFormedId('image', imageId)) throw new AwsApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  if (!KNOWN_ATTRIBUTES.includes(attribute)) throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  refuseDryRun(params);

  const image = state.view(caller.account, region).images.get(imageId);
  if (!image) throw new AwsApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (image.ownerId !== caller.account) throw new AwsApiError('AuthFailure', `Not authorized for image:${imageId}`);
  const body = leaf('imageId', imageId);
  switch (attribute) {
    case 'launchPermission':
      return (
        body +
        itemList('launchPermission', image.launchPermissions ?? [], (permission) => {
          if ('userId' in permission) return leaf('userId', permission.userId);
          if ('group' in permission) return leaf('group', permission.group);
          if ('organizationArn' in permission) return leaf('organizationArn', permission.organizationArn);
          return leaf('organizationalUnitArn', permission.organizationalUnitArn);
        })
      );
    case 'description':
      return body + node('description', leaf('value', image.description));
    case 'blockDeviceMapping':
      return (
        body +
        itemList('blockDeviceMapping', image.blockDeviceMappings, (mapping) => leaf('deviceName', mapping.deviceName) + node('ebs', leaf('snapshotId', mapping.snapshotId)))
      );
    default:
      throw invalidParameterValue(`The attribute ${attribute} is not modelled by the local EC2 stand-in (it has launchPermission, description, blockDeviceMapping)`);
  }
}
