'use strict';
/**
 * The IAM statements the tagger needs to find and tag images, and nothing more. Both entry points
 * (tagImage, and directTag when enabled) get them; serverless.yml uses them for the shared role
 * and direct-path.cjs for the direct path's own role.
 */
const { readMemberRoleName } = require('./params.cjs');

const arnIn = (resourcePart) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${resourcePart}` });

/**
 * @param {string} memberRoleName central mode's role in member accounts; '' in single-account mode.
 */
function taggerStatementsFor(memberRoleName) {
  const statements = [
    {
      Sid: 'DescribeImagesAndSnapshots',
      Effect: 'Allow',
      Action: ['ec2:DescribeImages', 'ec2:DescribeSnapshots'],
      // EC2 Describe* actions support no resource-level permissions (Service Authorization
      // Reference, Amazon EC2): "*" is the only resource they accept.
      Resource: '*',
    },
    {
      Sid: 'TagImagesAndSnapshots',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      // Image and snapshot ARNs carry no account: arn:PARTITION:ec2:REGION::image/ID and
      // arn:PARTITION:ec2:REGION::snapshot/ID. Any region: a CopyImage lands in another region.
      Resource: [arnIn('ec2:*::image/*'), arnIn('ec2:*::snapshot/*')],
    },
  ];
  if (memberRoleName !== '') {
    statements.push({
      Sid: 'AssumeMemberRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      // Central mode: only the one role name that templates/member-role.yml creates in each account.
      Resource: arnIn(`iam::*:role/${memberRoleName}`),
    });
  }
  return statements;
}

/** Resolver for provider.iam.role.statements: `${file(./serverless/iam.cjs):taggerStatements}`. */
async function taggerStatements({ resolveVariable }) {
  return taggerStatementsFor(await readMemberRoleName(resolveVariable));
}

module.exports = { taggerStatements, taggerStatementsFor };
