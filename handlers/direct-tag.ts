import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { clientDefaults } from '../src/aws/clients';
import { accountOfFunctionArn } from '../src/config';
import { handleWebhook, isFunctionUrlRequest, tagPayload, type DirectDeps } from '../src/direct/direct-service';
import { cachedSecret } from '../src/direct/webhook-secret';
import { runtimeFromEnv } from '../src/runtime';

const logger = new Logger({ serviceName: 'ami-tagger-direct' });
let deps: DirectDeps | undefined;

/** Reads the SecureString named `name`, with the timeouts and retries of every other AWS client. */
function secretParameterReader(name: string): () => Promise<string> {
  let ssm: SSMClient | undefined;
  return async () => {
    ssm ??= new SSMClient({ ...clientDefaults() });
    const response = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return response.Parameter?.Value ?? '';
  };
}

/**
 * The direct path. Spinnaker's AWS Lambda stage invokes it with the payload (a bad payload or
 * a failed image fails the invocation, so the stage fails); with `--param directPathUrl=true` its
 * Webhook stage calls the Function URL (answered with an HTTP status). Thin: the work is in src/direct.
 */
export async function handler(event: unknown, context?: { invokedFunctionArn?: string }): Promise<unknown> {
  if (!deps) {
    const ownAccount = accountOfFunctionArn(context?.invokedFunctionArn) ?? '';
    const { engine, accounts } = runtimeFromEnv(process.env, ownAccount);
    // Set only when the stack has a Function URL (serverless/direct-path.cjs).
    const secretParameter = process.env.AMI_TAGGER_WEBHOOK_SECRET_PARAMETER;
    deps = {
      engine,
      ownAccount,
      accounts,
      log: logger,
      ...(secretParameter ? { webhookSecret: cachedSecret(secretParameterReader(secretParameter)) } : {}),
    };
  }
  if (isFunctionUrlRequest(event)) {
    const response = await handleWebhook(event, deps);
    return { statusCode: response.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response.body) };
  }
  const response = await tagPayload(event, deps);
  if (response.statusCode !== 200) throw new Error(`${response.statusCode}: ${JSON.stringify(response.body)}`);
  return response.body;
}
