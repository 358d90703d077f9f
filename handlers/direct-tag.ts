import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { accountOfFunctionArn } from '../src/config';
import { handleWebhook, isFunctionUrlRequest, tagPayload, type DirectDeps } from '../src/direct/direct-service';
import { cachedSecret } from '../src/direct/webhook-secret';
import { engineFromEnv } from '../src/runtime';

const logger = new Logger({ serviceName: 'ami-tagger-direct' });
let deps: DirectDeps | undefined;

async function readSecretParameter(): Promise<string> {
  const name = process.env.AMI_TAGGER_WEBHOOK_SECRET_PARAMETER;
  if (!name) throw new Error('AMI_TAGGER_WEBHOOK_SECRET_PARAMETER is not set');
  const response = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return response.Parameter?.Value ?? '';
}

/**
 * The direct path. Spinnaker's AWS Lambda stage invokes it with the payload (a bad payload or
 * a failed image fails the invocation, so the stage fails); its Webhook stage calls the Function
 * URL (answered with an HTTP status). Thin: the work is in src/direct.
 */
export async function handler(event: unknown, context?: { invokedFunctionArn?: string }): Promise<unknown> {
  if (!deps) {
    const ownAccount = accountOfFunctionArn(context?.invokedFunctionArn) ?? '';
    deps = { engine: engineFromEnv(process.env, ownAccount), ownAccount, webhookSecret: cachedSecret(readSecretParameter), log: logger };
  }
  if (isFunctionUrlRequest(event)) {
    const response = await handleWebhook(event, deps);
    return { statusCode: response.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response.body) };
  }
  const response = await tagPayload(event, deps);
  if (response.statusCode !== 200) throw new Error(`${response.statusCode}: ${JSON.stringify(response.body)}`);
  return response.body;
}
