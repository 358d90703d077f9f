'use strict';
/**
 * The direct path: a function that Spinnaker calls with a deploymentDetails payload. By default
 * only its AWS Lambda stage can (lambda:InvokeFunction, authenticated by IAM); with
 * `--param directPathUrl=true` its Webhook stage can too, through a public Lambda Function URL
 * where the function checks the shared secret in the x-ami-tagger-secret header.
 *
 * It exists only with `--param directPath=true`: otherwise these resolvers return empty objects,
 * so neither the function, its URL, nor its role is in the stack. Without `directPathUrl` there is
 * no URL, no public permission, and the role may not read the secret.
 */
const { readDirectPath, readDirectPathConcurrency, readWebhookSecretParameter } = require('./params.cjs');
const { lambdaRole, readTaggerAccess, taggerStatementsFor } = require('./iam.cjs');

const FUNCTION_KEY = 'directTag';
const ROLE_LOGICAL_ID = 'DirectTagRole';

const sub = (text) => ({ 'Fn::Sub': text });

/** arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME, where NAME loses its leading slash. */
const parameterArn = (parameterName) =>
  sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${parameterName.replace(/^\//, '')}`);

async function functionName(resolveVariable) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return `${service}-${stage}-direct-tag`;
}

async function functions({ resolveVariable }) {
  const directPath = await readDirectPath(resolveVariable);
  if (!directPath.enabled) return {};
  const reservedConcurrency = await readDirectPathConcurrency(resolveVariable);
  return {
    [FUNCTION_KEY]: {
      name: await functionName(resolveVariable),
      handler: 'handlers/direct-tag.handler',
      description: 'ami-tagger direct path: tags the images named in a Spinnaker deploymentDetails payload',
      role: ROLE_LOGICAL_ID,
      // At most this many copies at once (directPathConcurrency, default 5): whoever calls it, even
      // a flood on the public URL, cannot take the account's whole Lambda concurrency, and the
      // event path keeps its share. A pipeline tags a handful of images per run.
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
      ...(directPath.url
        ? {
            // A Function URL rather than an HTTP API: no extra service or stage to run, no 30-second
            // integration limit, no cost of its own. AWS_IAM auth would need SigV4 signing that
            // Spinnaker's Webhook stage cannot do, so the function checks the shared secret itself.
            url: true,
            environment: { AMI_TAGGER_WEBHOOK_SECRET_PARAMETER: await readWebhookSecretParameter(resolveVariable) },
          }
        : {}),
    },
  };
}

/** Reading and decrypting the webhook secret: only when there is a Function URL to check it on. */
function secretStatements(secretParameter) {
  return [
    {
      Sid: 'ReadWebhookSecret',
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: parameterArn(secretParameter),
    },
    {
      Sid: 'DecryptWebhookSecret',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      // Any key, but only when SSM decrypts this one parameter for us: the parameter's key is the
      // user's choice (aws/ssm or their own), and SSM puts the parameter ARN in the encryption context.
      Resource: sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'),
      Condition: {
        StringEquals: {
          'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com'),
          'kms:EncryptionContext:PARAMETER_ARN': parameterArn(secretParameter),
        },
      },
    },
  ];
}

async function resources({ resolveVariable }) {
  const directPath = await readDirectPath(resolveVariable);
  if (!directPath.enabled) return {};
  const name = await functionName(resolveVariable);
  const statements = [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*`),
    },
    ...taggerStatementsFor(await readTaggerAccess(resolveVariable)),
    ...(directPath.url ? secretStatements(await readWebhookSecretParameter(resolveVariable)) : []),
  ];
  return {
    Resources: {
      [ROLE_LOGICAL_ID]: lambdaRole('ami-tagger-direct-path', statements),
    },
    Outputs: {
      DirectTagRoleArn: {
        Description: "The direct path's role; central mode's member roles trust it too (templates/member-role.yml).",
        Value: { 'Fn::GetAtt': [ROLE_LOGICAL_ID, 'Arn'] },
      },
    },
  };
}

module.exports = { functions, resources };
