import { AwsClients } from './aws/clients';
import { SdkEc2Gateway } from './aws/ec2';
import { settingsFromEnv } from './config';
import { loadCompiledRules } from './rules/compiled';
import type { EngineOptions } from './tagger/engine';

/**
 * What a Lambda container builds once and reuses across events: the rules and the cached
 * clients. `ownAccount` comes from the function's ARN, so single-account mode needs no STS call.
 */
export function engineFromEnv(env: NodeJS.ProcessEnv, ownAccount: string | undefined): EngineOptions {
  const settings = settingsFromEnv(env);
  const clients = new AwsClients({ roleName: settings.roleName, externalId: settings.externalId, ownAccount });
  return { rules: loadCompiledRules(settings.rulesFile), ec2: new SdkEc2Gateway(clients), dryRun: settings.dryRun };
}
