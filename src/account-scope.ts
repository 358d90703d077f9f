import { InputError } from './errors';
import { ACCOUNT_ID_PATTERN } from './contract/aws-ids';

/**
 * The accounts ami-tagger may act in: ONE allow-list, set at deploy time (`--param accounts=...`,
 * which becomes AMI_TAGGER_ACCOUNTS) or on the command line (`ami-tagger tag --accounts ...`).
 *
 * - empty: only its own account (single-account mode);
 * - `111122223333,444455556666`: these accounts, and its own;
 * - `o-a1b2c3d4e5`: the accounts of that AWS Organizations organization, and its own.
 *
 * Everything that could make ami-tagger act in another account asks `accountAllowed` first, before
 * any AWS call: AwsClients before it assumes a member role, the direct path before it reads a
 * payload's `account`. The deploy turns the same list into the only role ARNs the functions may
 * `sts:AssumeRole` (serverless/iam.cjs), so IAM says the same thing again.
 *
 * An organization cannot be checked without asking AWS Organizations (from its management
 * account), so for `o-...` any well-formed account id passes here and IAM decides: the assume-role
 * statement carries the condition `aws:ResourceOrgID` = the organization.
 *
 * Pure: no AWS, no environment. serverless/params.cjs loads this module (through tsx) so that the
 * deploy parameter is read by exactly this parser.
 */
export type AccountScope =
  | { readonly kind: 'own' }
  | { readonly kind: 'accounts'; readonly accounts: readonly string[] }
  | { readonly kind: 'organization'; readonly organizationId: string };

export const OWN_ACCOUNT_ONLY: AccountScope = { kind: 'own' };

/** Organization ids: "o-" and 10 to 32 lower-case letters or digits (Organizations API, Organization.Id). */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/** The names of the two settings where the message should point: a deploy parameter, a flag or a variable. */
export interface ScopeSettingNames {
  accounts: string;
  roleName: string;
}

const SYNTAX = 'comma-separated 12-digit account ids (111122223333,444455556666), or one organization id (o-a1b2c3d4e5)';

/** Reads the allow-list syntax. Empty (or absent): only the own account. */
export function parseAccountScope(text: string | undefined, where: string): AccountScope {
  const items = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return OWN_ACCOUNT_ONLY;
  const organizations = items.filter((item) => item.startsWith('o-'));
  if (organizations.length > 0) {
    const [organizationId] = organizations;
    if (items.length > 1 || organizationId === undefined) {
      throw new InputError(`${where}: an organization id stands alone, not next to ${items.length - 1} other item(s)`, {
        where,
        hint: `give either the organization (${organizations[0] ?? 'o-...'}) or a list of account ids, not both`,
      });
    }
    if (!ORGANIZATION_ID_PATTERN.test(organizationId)) {
      throw new InputError(`${where}: ${JSON.stringify(organizationId)} is not an organization id`, { where, hint: `expected ${SYNTAX}` });
    }
    return { kind: 'organization', organizationId };
  }
  const malformed = items.filter((item) => !ACCOUNT_ID_PATTERN.test(item));
  if (malformed.length > 0) {
    throw new InputError(`${where}: ${malformed.map((item) => JSON.stringify(item)).join(', ')} ${malformed.length === 1 ? 'is not an account id' : 'are not account ids'}`, {
      where,
      hint: `expected ${SYNTAX}`,
    });
  }
  return { kind: 'accounts', accounts: [...new Set(items)].sort() };
}

/**
 * The allow-list together with the member role it needs, with the one rule every entry point
 * applies (deploy parameters, CLI flags, the functions' environment): a role and no accounts is
 * refused (central mode must say where it may act), and so are accounts and no role (ami-tagger
 * reaches other accounts only through the role, so the list would promise something untrue).
 */
export function resolveAccountScope(accountsText: string | undefined, roleName: string | undefined, names: ScopeSettingNames): AccountScope {
  const scope = parseAccountScope(accountsText, names.accounts);
  const hasRole = roleName !== undefined && roleName !== '';
  if (hasRole && scope.kind === 'own') {
    throw new InputError(`${names.roleName} is set, but ${names.accounts} is empty: central mode needs the accounts ami-tagger may act in`, {
      where: names.accounts,
      hint: `set ${names.accounts} to ${SYNTAX}; or leave ${names.roleName} empty for single-account mode`,
    });
  }
  if (!hasRole && scope.kind !== 'own') {
    throw new InputError(`${names.accounts} is set, but ${names.roleName} is empty: ami-tagger reaches other accounts only by assuming that role`, {
      where: names.roleName,
      hint: `set ${names.roleName} (central mode, e.g. ami-tagger-member), or leave ${names.accounts} empty`,
    });
  }
  return scope;
}

/**
 * Whether ami-tagger may act in `account`. Its own account always; another one only when the
 * allow-list names it (or, for an organization, leaves it to IAM's aws:ResourceOrgID condition).
 */
export function accountAllowed(scope: AccountScope, account: string, ownAccount?: string): boolean {
  if (ownAccount !== undefined && account === ownAccount) return true;
  if (!ACCOUNT_ID_PATTERN.test(account)) return false;
  switch (scope.kind) {
    case 'own':
      return false;
    case 'accounts':
      return scope.accounts.includes(account);
    case 'organization':
      return true;
  }
}

/** The allow-list as the deploy writes it into AMI_TAGGER_ACCOUNTS (and `parseAccountScope` reads back). */
export function formatAccountScope(scope: AccountScope): string {
  switch (scope.kind) {
    case 'own':
      return '';
    case 'accounts':
      return scope.accounts.join(',');
    case 'organization':
      return scope.organizationId;
  }
}

/** For messages: "only its own account", "accounts 111122223333, 444455556666", "the organization o-...". */
export function describeAccountScope(scope: AccountScope): string {
  switch (scope.kind) {
    case 'own':
      return 'only its own account';
    case 'accounts':
      return `its own account and ${scope.accounts.length === 1 ? 'account' : 'accounts'} ${scope.accounts.join(', ')}`;
    case 'organization':
      return `its own account and those of the organization ${scope.organizationId}`;
  }
}

/** The refusal for an account outside the allow-list: bad input, never an AWS call. */
export function accountRefused(scope: AccountScope, account: string, names: { accounts: string; source: string }): InputError {
  return new InputError(`${names.source} names account ${account}, which ami-tagger may not act in: it may act in ${describeAccountScope(scope)}`, {
    where: names.source,
    hint: `if ami-tagger should tag images in ${account}, add it to ${names.accounts} (deploy parameter "accounts", or --accounts on the command line)`,
  });
}

/**
 * Central mode's per-account external id: `BASE:ACCOUNT`. One base (the deploy parameter
 * `externalId`, or --external-id) gives every member role its own value, which
 * templates/member-role.yml computes the same way (`${ExternalId}:${AWS::AccountId}`), so a
 * StackSet over many accounts still takes one parameter value.
 */
export const EXTERNAL_ID_SEPARATOR = ':';

export function memberExternalId(base: string | undefined, account: string): string | undefined {
  return base === undefined || base === '' ? undefined : `${base}${EXTERNAL_ID_SEPARATOR}${account}`;
}
