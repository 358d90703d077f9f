/** The two EventBridge patterns the tagger listens to, as every template must spell them. */
export const IMAGE_CREATED_PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['CreateImage', 'CopyImage', 'RegisterImage'],
    // Failed and dry-run calls carry an errorCode and no image id.
    errorCode: [{ exists: false }],
  },
};

export const IMAGE_AVAILABLE_PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 AMI State Change'],
  detail: { State: ['available', 'failed'] },
};
