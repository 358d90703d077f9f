'use strict';
/**
 * Reads and checks the deploy parameters (`--param name=value`, defaults in serverless.yml
 * `params.default`) that decide which parts of the stack exist. A bad value stops `sls package`
 * before anything is built, with a message that names the parameter and what it accepts.
 */

/**
 * An error that osls prints as it is. osls appends `error.stack` to what a resolver threw, and a
 * stack trace says nothing useful about a mistyped parameter, so the stack is the message.
 */
function deployParameterError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

async function readParam(resolveVariable, name) {
  const value = await resolveVariable(`param:${name}`);
  return value == null ? '' : value;
}

/** A true/false switch such as `directPath`. */
async function readSwitch(resolveVariable, name) {
  const value = await readParam(resolveVariable, name);
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false' || value === '') return false;
  throw deployParameterError(
    `Parameter "${name}" is ${JSON.stringify(value)}: expected true or false (e.g. --param ${name}=true).`,
  );
}

/** An optional text parameter: '' when unset, otherwise it must match `pattern`. */
async function readOptional(resolveVariable, name, pattern, expected) {
  const value = String(await readParam(resolveVariable, name)).trim();
  if (value === '' || pattern.test(value)) return value;
  throw deployParameterError(
    `Parameter "${name}" is ${JSON.stringify(value)}: expected ${expected}, or leave it empty.`,
  );
}

/** IAM role names: 1 to 64 of letters, digits and + = , . @ _ - (IAM CreateRole, RoleName). */
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** Organization ids: "o-" and 10 to 32 lower-case letters or digits (Organizations API, Organization.Id). */
const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** SNS topic ARNs in any partition. */
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
/** SSM parameter names: a path of letters, digits and _ . - / (SSM PutParameter, Name). */
const SSM_PARAMETER_NAME_PATTERN = /^\/?[\w.-]+(\/[\w.-]+)*$/;

const readMemberRoleName = (resolveVariable) =>
  readOptional(resolveVariable, 'memberRoleName', ROLE_NAME_PATTERN, 'an IAM role name such as ami-tagger-member');
const readOrganizationId = (resolveVariable) =>
  readOptional(resolveVariable, 'organizationId', ORGANIZATION_ID_PATTERN, 'an organization id such as o-a1b2c3d4e5');
const readAlarmTopicArn = (resolveVariable) =>
  readOptional(resolveVariable, 'alarmTopicArn', TOPIC_ARN_PATTERN, 'an SNS topic ARN');

async function readWebhookSecretParameter(resolveVariable) {
  const name = await readOptional(
    resolveVariable,
    'webhookSecretParameter',
    SSM_PARAMETER_NAME_PATTERN,
    'an SSM parameter name such as /ami-tagger/webhook-secret',
  );
  if (name === '') {
    throw deployParameterError(
      'Parameter "webhookSecretParameter" is empty: the direct path needs the name of the SSM SecureString that holds the webhook secret.',
    );
  }
  return name;
}

/** External ids for sts:AssumeRole: 2 to 1224 of letters, digits and + = , . @ : / - (STS AssumeRole, ExternalId). */
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:\/-]{2,1224}$/;

const readExternalId = (resolveVariable) =>
  readOptional(resolveVariable, 'externalId', EXTERNAL_ID_PATTERN, 'an STS external id (2 to 1224 characters)');

/*
 * Resolvers for values that go into the stack as they are, checked first:
 * `${file(./serverless/params.cjs):dryRun}` and so on.
 */
const dryRun = async ({ resolveVariable }) => String(await readSwitch(resolveVariable, 'dryRun'));
const memberRoleName = ({ resolveVariable }) => readMemberRoleName(resolveVariable);
const externalId = ({ resolveVariable }) => readExternalId(resolveVariable);
const alarmActions = async ({ resolveVariable }) => {
  const topicArn = await readAlarmTopicArn(resolveVariable);
  return topicArn === '' ? [] : [topicArn];
};

module.exports = {
  dryRun,
  memberRoleName,
  externalId,
  alarmActions,
  deployParameterError,
  readSwitch,
  readMemberRoleName,
  readOrganizationId,
  readAlarmTopicArn,
  readWebhookSecretParameter,
  ROLE_NAME_PATTERN,
};
