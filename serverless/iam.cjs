'use strict';
/**
 * The IAM statements the tagger needs to find and tag images, and nothing more. Both entry points
 * (tagImage, and directTag when enabled) get them; serverless.yml uses them for the shared role
 * and direct-path.cjs for the direct path's own role. README "IAM" lists what they grant, and
 * test/package checks that list against the packaged template.
 */
const path = require('node:path');
const tsx = require('tsx/cjs/api');
const { deployParameterError, readAccountScope, readMemberRoleName } = require('./params.cjs');

const SERVICE_DIR = path.resolve(__dirname, '..');

const arnIn = (resourcePart) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${resourcePart}` });

/**
 * The member roles the tagger may assume: exactly the listed accounts' roles, or, for an
 * organization, the role name in any account whose organization is that one (aws:ResourceOrgID:
 * the organization of the role being assumed).
 */
function assumeRoleStatement(memberRoleName, scope) {
  const statement = { Sid: 'AssumeMemberRole', Effect: 'Allow', Action: ['sts:AssumeRole'] };
  if (scope.kind === 'organization') {
    return {
      ...statement,
      Resource: arnIn(`iam::*:role/${memberRoleName}`),
      Condition: { StringEquals: { 'aws:ResourceOrgID': scope.organizationId } },
    };
  }
  return { ...statement, Resource: scope.accounts.map((account) => arnIn(`iam::${account}:role/${memberRoleName}`)) };
}

/**
 * @param {object} access
 * @param {string} access.memberRoleName central mode's role in member accounts; '' in single-account mode.
 * @param {{kind: string, accounts?: string[], organizationId?: string}} access.scope the allow-list (src/account-scope.ts).
 * @param {string[] | undefined} access.tagKeys the only keys CreateTags may write, when the rules fix them (src/tag-key-scope.ts).
 */
function taggerStatementsFor({ memberRoleName, scope, tagKeys }) {
  const createTags = {
    Sid: 'TagImagesAndSnapshots',
    Effect: 'Allow',
    Action: ['ec2:CreateTags'],
    // Image and snapshot ARNs carry no account: arn:PARTITION:ec2:REGION::image/ID and
    // arn:PARTITION:ec2:REGION::snapshot/ID. Any region: a CopyImage lands in another region.
    Resource: [arnIn('ec2:*::image/*'), arnIn('ec2:*::snapshot/*')],
  };
  if (tagKeys !== undefined) {
    // Every key of the request must be one of these (ForAllValues); CreateTags always sends keys.
    createTags.Condition = { 'ForAllValues:StringEquals': { 'aws:TagKeys': tagKeys } };
  }
  const statements = [
    {
      Sid: 'DescribeImagesAndSnapshots',
      Effect: 'Allow',
      Action: ['ec2:DescribeImages', 'ec2:DescribeSnapshots'],
      // EC2 Describe* actions support no resource-level permissions (Service Authorization
      // Reference, Amazon EC2): "*" is the only resource they accept.
      Resource: '*',
    },
    createTags,
  ];
  if (memberRoleName !== '') statements.push(assumeRoleStatement(memberRoleName, scope));
  return statements;
}

function isInputError(error) {
  return error instanceof Error && error.name === 'InputError' && typeof error.describe === 'function';
}

/**
 * The keys the packaged rules can write, when they fix them (src/tag-key-scope.ts), read with
 * the project's own loader through tsx like serverless/rules.cjs does; undefined otherwise.
 */
async function readTagKeys(resolveVariable) {
  const rulesFile = String(await resolveVariable('param:rulesFile'));
  const { loadRulesFile } = tsx.require('../src/rules/load.ts', __filename);
  const { fixedTagKeys } = tsx.require('../src/tag-key-scope.ts', __filename);
  let rules;
  try {
    rules = await loadRulesFile(path.resolve(SERVICE_DIR, rulesFile));
  } catch (error) {
    if (!isInputError(error)) throw error;
    throw deployParameterError(`The tag rules file ${rulesFile} is not valid; nothing was packaged.\n${error.describe()}`);
  }
  return fixedTagKeys(rules);
}

/** What taggerStatementsFor needs, from the deploy parameters and the rules file. */
async function readTaggerAccess(resolveVariable) {
  const scope = await readAccountScope(resolveVariable);
  const memberRoleName = await readMemberRoleName(resolveVariable);
  return { memberRoleName, scope, tagKeys: await readTagKeys(resolveVariable) };
}

/** Resolver for provider.iam.role.statements: `${file(./serverless/iam.cjs):taggerStatements}`. */
async function taggerStatements({ resolveVariable }) {
  return taggerStatementsFor(await readTaggerAccess(resolveVariable));
}

/**
 * The keys as a stack output, for templates/member-role.yml's AllowedTagKeys: in central mode the
 * member role's own policy decides what the tagger may write there. No output when not fixed.
 */
async function outputs({ resolveVariable }) {
  const tagKeys = await readTagKeys(resolveVariable);
  if (tagKeys === undefined) return {};
  return {
    Outputs: {
      CreateTagsKeys: {
        Description: 'The only tag keys the rules can write: the aws:TagKeys condition on ec2:CreateTags (member roles: AllowedTagKeys).',
        Value: tagKeys.join(','),
      },
    },
  };
}

/**
 * A role that only Lambda may assume, with one inline policy: the shape of each optional function's
 * own role (direct path, reconcile, backfill worker).
 */
function lambdaRole(policyName, statements) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: policyName, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

module.exports = { taggerStatements, taggerStatementsFor, readTaggerAccess, outputs, lambdaRole };
