import { resolveAccountScope, type AccountScope } from './account-scope';
import { InputError } from './errors';
import { ACCOUNT_ID_PATTERN } from './contract/aws-ids';

/** The environment variables the Lambda functions read; serverless.yml sets them. */
export interface TaggerSettings {
  /** Path of the compiled (JSON) rules file. */
  rulesFile: string;
  dryRun: boolean;
  /** Central mode: the role to assume in other accounts. */
  roleName?: string;
  /** Central mode: the base of the per-account external ids (src/account-scope.ts, memberExternalId). */
  externalId?: string;
  /** The accounts the functions may act in (AMI_TAGGER_ACCOUNTS): the deploy parameter `accounts`. */
  accounts: AccountScope;
}

export const DEFAULT_COMPILED_RULES_FILE = 'ami-tagger.rules.json';

function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new InputError(`${name} must be "true" or "false", not "${value}"`, { where: name });
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): TaggerSettings {
  const settings: TaggerSettings = {
    rulesFile: env.AMI_TAGGER_RULES_FILE || DEFAULT_COMPILED_RULES_FILE,
    dryRun: flag('AMI_TAGGER_DRY_RUN', env.AMI_TAGGER_DRY_RUN),
    // The deploy refuses a role without accounts; a function whose environment was edited by hand
    // refuses it too, rather than act in whatever account an event or payload names.
    accounts: resolveAccountScope(env.AMI_TAGGER_ACCOUNTS, env.AMI_TAGGER_ROLE_NAME, { accounts: 'AMI_TAGGER_ACCOUNTS', roleName: 'AMI_TAGGER_ROLE_NAME' }),
  };
  if (env.AMI_TAGGER_ROLE_NAME) settings.roleName = env.AMI_TAGGER_ROLE_NAME;
  if (env.AMI_TAGGER_EXTERNAL_ID) settings.externalId = env.AMI_TAGGER_EXTERNAL_ID;
  return settings;
}

/** The account a Lambda function runs in, from its ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME). */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && ACCOUNT_ID_PATTERN.test(account) ? account : undefined;
}
