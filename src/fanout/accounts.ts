import { accountAllowed, accountRefused, describeAccountScope, parseAccountScope, type AccountScope } from '../account-scope';
import { InputError } from '../errors';
import type { OrganizationGateway } from './ports';

/**
 * The accounts a fan-out run scans. They must be ones the worker may act in: the stack's
 * allow-list (deploy parameter `accounts`, src/account-scope.ts) and its own account. The worker
 * checks again (its clients refuse any other account), but the command refuses first, before a
 * page is sent.
 *
 * - `org`: the active accounts of the caller's organisation (Organizations ListAccounts, which only
 *   the management account or a delegated administrator may call), those off the allow-list left out;
 * - a list of account ids: each must be on the allow-list, or the run is refused;
 * - nothing: the stack's own account.
 */
export const ORGANIZATION_KEYWORD = 'org';

export interface RunAccounts {
  accounts: string[];
  /** `org`: accounts of the organisation the stack may not act in, left out. */
  leftOut: string[];
  /** For people: where the list came from. */
  source: string;
}

export async function runAccounts(accountsFlag: string | undefined, stack: { accounts: AccountScope; account: string }, organization: () => OrganizationGateway): Promise<RunAccounts> {
  if (accountsFlag === undefined || accountsFlag.trim() === '') return { accounts: [stack.account], leftOut: [], source: "the stack's own account" };
  if (accountsFlag.trim() === ORGANIZATION_KEYWORD) {
    const listed = await organization().activeAccounts();
    const accounts = listed.filter((account) => accountAllowed(stack.accounts, account, stack.account));
    return { accounts, leftOut: listed.filter((account) => !accounts.includes(account)), source: `the organisation's ${listed.length} active account(s), within the stack's allow-list (${describeAccountScope(stack.accounts)})` };
  }
  const scope = parseAccountScope(accountsFlag, '--accounts');
  if (scope.kind === 'organization') {
    throw new InputError(`--accounts ${scope.organizationId}: an organization id names no account to scan`, { where: '--accounts', hint: "give --accounts org (the accounts of your credentials' organisation) or a list of account ids" });
  }
  const named = scope.kind === 'accounts' ? scope.accounts : [];
  for (const account of named) {
    if (!accountAllowed(stack.accounts, account, stack.account)) {
      throw accountRefused(stack.accounts, account, { accounts: 'the stack\'s deploy parameter "accounts"', source: '--accounts' });
    }
  }
  return { accounts: [...named], leftOut: [], source: '--accounts' };
}
