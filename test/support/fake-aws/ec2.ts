/**
 * The EC2 side (query protocol, Version 2016-11-15): which actions exist and the response
 * envelope `<ActionResponse xmlns=…><requestId/>…</ActionResponse>`; errors are
 * `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>`.
 */
import type { ActionHandler } from './action-context';
import type { AwsApiError } from './api-error';
import { createTags } from './ec2-create-tags';
import { describeImageAttribute } from './ec2-describe-image-attribute';
import { describeImages } from './ec2-describe-images';
import { describeRegions } from './ec2-describe-regions';
import { describeSnapshots } from './ec2-describe-snapshots';
import { leaf, node, xmlDocument } from './xml';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export const EC2_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateTags: createTags,
  DescribeImageAttribute: describeImageAttribute,
  DescribeImages: describeImages,
  DescribeRegions: describeRegions,
  DescribeSnapshots: describeSnapshots,
};

/** EC2's throttling error (EC2 API reference, "Request throttling"). */
export const EC2_THROTTLING_CODE = 'RequestLimitExceeded';

export function ec2Response(action: string, requestId: string, body: string): string {
  return xmlDocument(`${action}Response`, EC2_NAMESPACE, leaf('requestId', requestId) + body);
}

export function ec2ErrorResponse(error: AwsApiError, requestId: string): string {
  return xmlDocument('Response', undefined, node('Errors', node('Error', leaf('Code', error.code), leaf('Message', error.message))) + leaf('RequestID', requestId));
}
