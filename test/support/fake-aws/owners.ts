/** `Owner.N` in DescribeImages and DescribeSnapshots: `self`, account ids, or Amazon's owner aliases. */
import { AwsApiError } from './api-error';
import type { Principal } from './principals';

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
