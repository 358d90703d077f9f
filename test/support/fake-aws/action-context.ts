/** What every action handler gets: the server's state, who is calling, where, and what they sent. */
import { AwsApiError } from './api-error';
import type { Principal } from './principals';
import { flag, type QueryParams } from './query';
import type { FakeAwsState } from './state';

export interface ActionContext {
  state: FakeAwsState;
  caller: Principal;
  region: string;
  params: QueryParams;
}

/** An action handler returns the XML inside its response element (EC2) or result element (STS). */
export type ActionHandler = (context: ActionContext) => string;

/** EC2 answers a DryRun request, once it is well-formed, with this error instead of acting. */
export function refuseDryRun(params: QueryParams): void {
  if (flag(params, 'DryRun')) throw new AwsApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}

/** An AWS account id is 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;

/** Owner aliases EC2 accepts besides account ids and `self` (DescribeImages, "Owners"). */
const OWNER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'];

/** The account ids an `Owner.N` list stands for; aliases stand for owners the stand-in never has. */
export function ownerAccounts(owners: readonly string[], caller: Principal): Set<string> {
  const accounts = new Set<string>();
  for (const owner of owners) {
    if (owner === 'self') accounts.add(caller.account);
    else if (ACCOUNT_ID.test(owner)) accounts.add(owner);
    else if (!OWNER_ALIASES.includes(owner)) throw new AwsApiError('InvalidUserID.Malformed', `Invalid user id: "${owner}"`);
  }
  return accounts;
}
