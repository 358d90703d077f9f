import { InputError } from './errors';
import { ACCOUNT_ID_PATTERN } from './events/patterns';

/** The environment variables the Lambda functions read; serverless.yml sets them. */
export interface TaggerSettings {
  /** Path of the compiled (JSON) rules file. */
  rulesFile: string;
  dryRun: boolean;
  /** Central mode: the role to assume in other accounts. */
  roleName?: string;
  externalId?: string;
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
