'use strict';
/**
 * Reads and checks the deploy parameters (`--param name=value`, defaults in serverless.yml
 * `params.default`) that decide which parts of the stack exist. A bad value stops `sls package`
 * before anything is built, with a message that names the parameter and what it accepts.
 */

const tsx = require('tsx/cjs/api');

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

/**
 * External ids for sts:AssumeRole are 2 to 1224 of letters, digits and + = , . @ : / - (STS
 * AssumeRole, ExternalId). The parameter is the base of each member account's own id, BASE:ACCOUNT
 * (src/account-scope.ts, memberExternalId), so the base may take 13 characters fewer.
 */
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:\/-]{2,1211}$/;

const readExternalId = (resolveVariable) =>
  readOptional(resolveVariable, 'externalId', EXTERNAL_ID_PATTERN, 'the base of an STS external id (2 to 1211 of letters, digits and + = , . @ : / -)');

/** src/account-scope.ts, loaded through tsx: the deploy reads `accounts` with the functions' own parser. */
function accountScopeModule() {
  return tsx.require('../src/account-scope.ts', __filename);
}

function isInputError(error) {
  return error instanceof Error && error.name === 'InputError' && typeof error.describe === 'function';
}

/**
 * The accounts the functions may act in (`accounts`), checked together with `memberRoleName` by
 * the same rule as the functions and the CLI (resolveAccountScope): central mode needs the list,
 * and a list needs central mode. With `organizationId` set too, both must name one organization.
 */
async function readAccountScope(resolveVariable) {
  const { resolveAccountScope } = accountScopeModule();
  const text = String(await readParam(resolveVariable, 'accounts'));
  const roleName = await readMemberRoleName(resolveVariable);
  let scope;
  try {
    scope = resolveAccountScope(text, roleName, { accounts: 'parameter "accounts"', roleName: 'parameter "memberRoleName"' });
  } catch (error) {
    if (!isInputError(error)) throw error;
    const text = error.describe();
    throw deployParameterError(`${text.charAt(0).toUpperCase()}${text.slice(1)}\n  see:   docs/deploy.md, "Central mode"`);
  }
  const organizationId = await readOrganizationId(resolveVariable);
  if (scope.kind === 'organization' && organizationId !== '' && organizationId !== scope.organizationId) {
    throw deployParameterError(
      `Parameter "accounts" is the organization ${scope.organizationId}, but "organizationId" is ${organizationId}: the organization whose accounts forward events and the one ami-tagger may act in must be the same.`,
    );
  }
  return scope;
}

/** Lambda's reserved concurrency: at most this many copies of the direct-path function at once. */
const MAX_DIRECT_PATH_CONCURRENCY = 1000;

/**
 * `directPathConcurrency`: 1 to 1000 reserves that many; `none` (or '' under `params:` in
 * serverless.yml; osls refuses an empty --param) reserves nothing, and the function shares the
 * account's unreserved concurrency. 0 is refused: Lambda would throttle every call.
 */
async function readDirectPathConcurrency(resolveVariable) {
  const value = String(await readParam(resolveVariable, 'directPathConcurrency')).trim();
  if (value === '' || value === 'none') return undefined;
  if (/^0+$/.test(value)) {
    throw deployParameterError(
      `Parameter "directPathConcurrency" is ${JSON.stringify(value)}: Lambda would throttle every call of the direct path. Use --param directPathConcurrency=none to reserve nothing, or --param directPath=false to leave the function out.`,
    );
  }
  if (!/^[1-9]\d*$/.test(value) || Number(value) > MAX_DIRECT_PATH_CONCURRENCY) {
    throw deployParameterError(
      `Parameter "directPathConcurrency" is ${JSON.stringify(value)}: expected a whole number from 1 to ${MAX_DIRECT_PATH_CONCURRENCY} (the direct path's reserved concurrency), or none to reserve nothing.`,
    );
  }
  return Number(value);
}

/** The direct path's switches: the function (`directPath`) and its public Function URL (`directPathUrl`). */
async function readDirectPath(resolveVariable) {
  const enabled = await readSwitch(resolveVariable, 'directPath');
  const url = await readSwitch(resolveVariable, 'directPathUrl');
  if (url && !enabled) {
    throw deployParameterError('Parameter "directPathUrl" is true, but "directPath" is false: the Function URL belongs to the direct-path function. Add --param directPath=true.');
  }
  return { enabled, url };
}

/*
 * Resolvers for values that go into the stack as they are, checked first:
 * `${file(./serverless/params.cjs):dryRun}` and so on.
 */
const dryRun = async ({ resolveVariable }) => String(await readSwitch(resolveVariable, 'dryRun'));
const memberRoleName = ({ resolveVariable }) => readMemberRoleName(resolveVariable);
const externalId = ({ resolveVariable }) => readExternalId(resolveVariable);
/** AMI_TAGGER_ACCOUNTS: the allow-list as the functions read it back (formatAccountScope). */
const accounts = async ({ resolveVariable }) => accountScopeModule().formatAccountScope(await readAccountScope(resolveVariable));
const alarmActions = async ({ resolveVariable }) => {
  const topicArn = await readAlarmTopicArn(resolveVariable);
  return topicArn === '' ? [] : [topicArn];
};

module.exports = {
  dryRun,
  memberRoleName,
  externalId,
  accounts,
  alarmActions,
  deployParameterError,
  readSwitch,
  readMemberRoleName,
  readOrganizationId,
  readAlarmTopicArn,
  readWebhookSecretParameter,
  readAccountScope,
  readDirectPath,
  readDirectPathConcurrency,
  ROLE_NAME_PATTERN,
};
