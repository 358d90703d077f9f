import type { AccountScope } from './account-scope';
import { AwsClients } from './aws/clients';
import { SdkEc2Gateway } from './aws/ec2';
import { settingsFromEnv } from './config';
import { loadCompiledRules } from './rules/compiled';
import type { EngineOptions } from './tagger/engine';

/** What a function builds once per container: the engine, and the accounts it may act in. */
export interface Runtime {
  engine: EngineOptions;
  /** The allow-list (AMI_TAGGER_ACCOUNTS) that AwsClients enforces, for the direct path's payload check. */
  accounts: AccountScope;
}

/**
 * What a Lambda container builds once and reuses across events: the rules and the cached
 * clients. `ownAccount` comes from the function's ARN, so single-account mode needs no STS call.
 */
export function runtimeFromEnv(env: NodeJS.ProcessEnv, ownAccount: string | undefined): Runtime {
  const settings = settingsFromEnv(env);
  const clients = new AwsClients({
    roleName: settings.roleName,
    externalId: settings.externalId,
    accounts: settings.accounts,
    accountsSetting: 'AMI_TAGGER_ACCOUNTS',
    ...(ownAccount ? { ownAccount } : {}),
  });
  return {
    engine: { rules: loadCompiledRules(settings.rulesFile), ec2: new SdkEc2Gateway(clients), dryRun: settings.dryRun },
    accounts: settings.accounts,
  };
}

export function engineFromEnv(env: NodeJS.ProcessEnv, ownAccount: string | undefined): EngineOptions {
  return runtimeFromEnv(env, ownAccount).engine;
}
