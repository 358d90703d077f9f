/**
 * Who an access key id belongs to. Keys the stand-in was not told about belong to the default
 * account as an IAM user; keys handed out by AssumeRole belong to the role's account, so a
 * client built from them sees that account's images.
 */
import { randomBytes } from 'node:crypto';

export interface Principal {
  account: string;
  /** What GetCallerIdentity answers as Arn. */
  arn: string;
  /** What GetCallerIdentity answers as UserId. */
  userId: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The IAM user name that plain (not assumed) test keys are reported as. */
const TEST_USER = 'ami-tagger-test';

/** Temporary keys start with ASIA, long-term ones with AKIA; unique ids of users AIDA, of roles AROA (IAM User Guide, "Unique identifiers"). */
const TEMPORARY_KEY_PREFIX = 'ASIA';
const USER_ID_PREFIX = 'AIDA';
const ROLE_ID_PREFIX = 'AROA';

/** Identifier bodies are 16 characters of upper-case letters and digits. */
const IDENTIFIER_LENGTH = 16;

function identifier(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(IDENTIFIER_LENGTH);
  let body = '';
  for (const byte of bytes) body += alphabet[byte % alphabet.length];
  return prefix + body;
}

export class PrincipalBook {
  private readonly byAccessKey = new Map<string, Principal>();
  private readonly userIds = new Map<string, string>();

  constructor(
    private readonly defaultAccount: string,
    private readonly knownKeys: Readonly<Record<string, string>>,
  ) {}

  /** The principal of an access key id: handed out by AssumeRole, named in the options, or the default account's test user. */
  principalOf(accessKeyId: string): Principal {
    const issued = this.byAccessKey.get(accessKeyId);
    if (issued) return issued;
    const account = this.knownKeys[accessKeyId] ?? this.defaultAccount;
    return { account, arn: `arn:aws:iam::${account}:user/${TEST_USER}`, userId: this.userIdOf(accessKeyId) };
  }

  /** Temporary credentials for a role session; their key id maps back to the role's account. */
  issueRoleSession(account: string, roleName: string, sessionName: string, durationSeconds: number): { credentials: IssuedCredentials; principal: Principal } {
    const roleId = identifier(ROLE_ID_PREFIX);
    const principal: Principal = {
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
    };
    const credentials: IssuedCredentials = {
      accessKeyId: identifier(TEMPORARY_KEY_PREFIX),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Date.now() + durationSeconds * 1000),
    };
    this.byAccessKey.set(credentials.accessKeyId, principal);
    return { credentials, principal };
  }

  /** Forgets every session AssumeRole handed out. */
  clear(): void {
    this.byAccessKey.clear();
  }

  private userIdOf(accessKeyId: string): string {
    let userId = this.userIds.get(accessKeyId);
    if (!userId) {
      userId = identifier(USER_ID_PREFIX);
      this.userIds.set(accessKeyId, userId);
    }
    return userId;
  }
}
