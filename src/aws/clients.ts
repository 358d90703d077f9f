import { EC2Client } from '@aws-sdk/client-ec2';
import type { RetryStrategyV2 } from '@smithy/types';
import { accountAllowed, accountRefused, memberExternalId, OWN_ACCOUNT_ONLY, type AccountScope } from '../account-scope';
import { InputError } from '../errors';

/**
 * Throttling (RequestLimitExceeded) is retried by the SDK with backoff and jitter. "adaptive"
 * also slows the client down when EC2's token bucket runs dry (EC2 API throttling docs:
 * CreateTags refills 10/s, DescribeImages 20/s). After the last attempt the error surfaces and
 * the event goes to the dead-letter queue.
 */
export const EC2_RETRY_MODE = 'adaptive';
export const AWS_MAX_ATTEMPTS = 4;
/**
 * The SDK waits forever by default, and @smithy/node-http-handler only logs a warning when
 * `requestTimeout` passes unless `throwOnRequestTimeout` is set (aws-facts.md, "SDK"). A timed-out
 * call is retried like any transient error. Worst case for one call that never answers:
 * AWS_MAX_ATTEMPTS x (CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + the throttling backoff
 * (0.5 + 1 + 2 s) = 27.5 s, under half of the functions' 60 s timeout, so the handler logs its
 * outcome and fails by itself instead of being killed mid-way.
 */
export const CONNECTION_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 5_000;
/** The Lambda functions' timeout (serverless.yml `provider.timeout`), which the bounds above must fit in. */
export const FUNCTION_TIMEOUT_SECONDS = 60;

/** Options every AWS client of ami-tagger is made with: timeouts, attempts, and the retry strategy. */
export interface ClientTuning {
  /** Replaces the SDK's retry strategy (tests use one with tiny delays; production the SDK's own). */
  retryStrategy?: RetryStrategyV2 | undefined;
  /** Replaces REQUEST_TIMEOUT_MS (tests of a hung endpoint use a short one). */
  requestTimeoutMs?: number;
}

/** The settings shared by every client ami-tagger makes (EC2, STS, SSM, and those the CLI adds). */
export function clientDefaults(tuning: ClientTuning = {}): {
  maxAttempts: number;
  retryMode: string;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  retryStrategy?: RetryStrategyV2;
} {
  return {
    maxAttempts: AWS_MAX_ATTEMPTS,
    retryMode: EC2_RETRY_MODE,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: tuning.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...(tuning.retryStrategy ? { retryStrategy: tuning.retryStrategy } : {}),
  };
}
/** STS credentials for an assumed role last an hour by default; ask for that, renew a bit early. */
export const ASSUMED_ROLE_SECONDS = 3600;
export const ASSUMED_ROLE_RENEW_MARGIN_MS = 5 * 60 * 1000;
/**
 * STS answers GetCallerIdentity in every region; this one is asked only when no region is
 * configured at all (a CLI run without AWS_REGION or a profile region). Lambda always has AWS_REGION.
 */
export const STS_FALLBACK_REGION = 'us-east-1';

/** What an assumed role hands out (the SDK's credential identity shape). */
interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface AccountAccess {
  /** Central mode: the role name to assume in other accounts. Absent: act only in the own account. */
  roleName?: string;
  /** Central mode: the base of the per-account external id (`BASE:ACCOUNT`, see memberExternalId). */
  externalId?: string;
  /** The accounts it may act in besides its own (src/account-scope.ts). Absent: only its own. */
  accounts?: AccountScope;
  /** Where the allow-list was set, for the refusal: "AMI_TAGGER_ACCOUNTS", "--accounts". */
  accountsSetting?: string;
  /** The account these credentials belong to; when unknown and a role is set, STS tells. */
  ownAccount?: string;
  tuning?: ClientTuning;
}

/**
 * EC2 clients per account and region, cached for the life of the process (a Lambda container
 * reuses them across events). Other accounts are reached by assuming `roleName` there.
 * The only place that makes AWS clients; endpoints come from the SDK's own configuration
 * (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_STS), never from here.
 */
export class AwsClients {
  private readonly ec2Clients = new Map<string, EC2Client>();
  private ownAccount: Promise<string | undefined> | undefined;

  constructor(private readonly access: AccountAccess = {}) {}

  /**
   * The EC2 client for an account and region. `write`: one attempt per call, no SDK retries: the
   * engine retries a write itself, reading the image again first, because someone may have tagged
   * it while the write waited (tagger/engine.ts).
   */
  async ec2(account: string, region: string, purpose: 'read' | 'write' = 'read'): Promise<EC2Client> {
    const cacheKey = `${account}/${region}/${purpose}`;
    const cached = this.ec2Clients.get(cacheKey);
    if (cached) return cached;
    const scope = this.access.accounts ?? OWN_ACCOUNT_ONLY;
    // The allow-list first: an account it does not name is refused before any call that acts.
    // Only an unknown own account may need STS GetCallerIdentity (which needs no permission and
    // acts nowhere) to tell "my own account" from "an account I may not enter".
    const listed = accountAllowed(scope, account);
    if (!listed && this.access.ownAccount && this.access.ownAccount !== account) this.refuse(scope, account, this.access.ownAccount);
    const ownAccount = await this.resolveOwnAccount();
    const useOwnCredentials = ownAccount === undefined || ownAccount === account;
    if (!useOwnCredentials && (!listed || !this.access.roleName)) this.refuse(scope, account, ownAccount);
    const client = new EC2Client({
      region,
      // A writer makes one attempt and keeps no adaptive rate of its own: the engine paces its retries.
      ...(purpose === 'write' ? { ...clientDefaults({ ...this.access.tuning, retryStrategy: undefined }), maxAttempts: 1, retryMode: 'standard' } : clientDefaults(this.access.tuning)),
      ...(useOwnCredentials ? {} : { credentials: this.memberCredentials(account, region) }),
    });
    this.ec2Clients.set(cacheKey, client);
    return client;
  }

  private refuse(scope: AccountScope, account: string, ownAccount: string | undefined): never {
    if (!this.access.roleName) {
      throw new InputError(`image is in account ${account}, but ami-tagger runs in ${ownAccount ?? 'another account'} and no role is configured to reach other accounts`, {
        where: 'AMI_TAGGER_ROLE_NAME',
        hint: 'set AMI_TAGGER_ROLE_NAME and AMI_TAGGER_ACCOUNTS (central mode; see README "Central mode"), or deploy ami-tagger in that account',
      });
    }
    throw accountRefused(scope, account, { accounts: this.access.accountsSetting ?? 'AMI_TAGGER_ACCOUNTS', source: 'the image' });
  }

  private resolveOwnAccount(): Promise<string | undefined> {
    // Only central mode needs to know; single-account mode never calls STS unless asked before.
    if (!this.access.ownAccount && !this.access.roleName && !this.ownAccount) return Promise.resolve(undefined);
    return this.callerAccount();
  }

  /** The account of these credentials: as configured, or asked of STS once. */
  callerAccount(): Promise<string | undefined> {
    if (this.access.ownAccount) return Promise.resolve(this.access.ownAccount);
    this.ownAccount ??= import('@aws-sdk/client-sts').then(async ({ STSClient, GetCallerIdentityCommand }) => {
      const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || STS_FALLBACK_REGION;
      const identity = await new STSClient({ region, ...clientDefaults(this.access.tuning) }).send(new GetCallerIdentityCommand({}));
      return identity.Account;
    });
    return this.ownAccount;
  }

  private readonly credentialProviders = new Map<string, () => Promise<TemporaryCredentials>>();

  /** One credential provider per member account and region, shared by its read and write clients. */
  private memberCredentials(account: string, region: string): () => Promise<TemporaryCredentials> {
    const key = `${account}/${region}`;
    let provider = this.credentialProviders.get(key);
    if (!provider) {
      provider = this.assumedRoleCredentials(account, region);
      this.credentialProviders.set(key, provider);
    }
    return provider;
  }

  /** A credential provider that assumes the role in `account` and renews before expiry. */
  private assumedRoleCredentials(account: string, region: string): () => Promise<TemporaryCredentials> {
    const roleArn = `arn:${partitionOf(region)}:iam::${account}:role/${this.access.roleName}`;
    const externalId = memberExternalId(this.access.externalId, account);
    let current: TemporaryCredentials | undefined;
    return async () => {
      if (current?.expiration && current.expiration.getTime() - Date.now() > ASSUMED_ROLE_RENEW_MARGIN_MS) return current;
      // Loaded on first use: single-account mode never pays for the STS client at start.
      const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      const response = await new STSClient({ region, ...clientDefaults(this.access.tuning) }).send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'ami-tagger',
          DurationSeconds: ASSUMED_ROLE_SECONDS,
          ...(externalId !== undefined ? { ExternalId: externalId } : {}),
        }),
      );
      const credentials = response.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      current = {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
      };
      return current;
    };
  }
}

/** The ARN partition of a region: aws, aws-cn (cn-*), aws-us-gov (us-gov-*). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
