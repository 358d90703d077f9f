import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { OrganizationRefusal, type OrganizationGateway } from '../fanout/ports';
import { clientDefaults, partitionOf, type ClientTuning } from './clients';

/** ListAccounts hands out at most 20 accounts a page (Organizations API reference, MaxResults). */
export const LIST_ACCOUNTS_PAGE = 20;

/** Organizations has one endpoint per partition, in this region. */
const ORGANIZATIONS_REGION: Record<string, string> = { aws: 'us-east-1', 'aws-cn': 'cn-northwest-1', 'aws-us-gov': 'us-gov-west-1' };

/** The errors that mean "these credentials may not list the organisation's accounts". */
const REFUSALS: Record<string, string> = {
  AccessDeniedException:
    "Organizations refused to list the organisation's accounts: only its management account, or a member account that is a delegated administrator, may (organizations:ListAccounts), and these credentials' account is neither or lacks the permission",
  AWSOrganizationsNotInUseException: "these credentials' account is not in an organisation: there are no accounts to list",
  AccessDeniedForDependencyException: "Organizations refused to list the organisation's accounts: it could not use a service it needs (iam:CreateServiceLinkedRole)",
};

/** `--accounts org`: the active accounts of the caller's organisation, every page of ListAccounts. */
export class SdkOrganizationGateway implements OrganizationGateway {
  private readonly organizations: OrganizationsClient;

  constructor(homeRegion: string, tuning: ClientTuning = {}) {
    this.organizations = new OrganizationsClient({ region: ORGANIZATIONS_REGION[partitionOf(homeRegion)] ?? 'us-east-1', ...clientDefaults(tuning) });
  }

  async activeAccounts(): Promise<string[]> {
    const accounts: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      let answer;
      try {
        answer = await this.organizations.send(new ListAccountsCommand({ MaxResults: LIST_ACCOUNTS_PAGE, ...(token ? { NextToken: token } : {}) }));
      } catch (error) {
        const refusal = error instanceof Error ? REFUSALS[error.name] : undefined;
        if (refusal && error instanceof Error) throw new OrganizationRefusal(`${refusal} (${error.name}: ${error.message})`, error.name);
        throw error;
      }
      for (const account of answer.Accounts ?? []) {
        // Suspended, closed and pending accounts cannot be tagged in. `State` replaced `Status`
        // (retired in September 2026); an older answer may carry only `Status`.
        if (account.Id && (account.State ?? account.Status) === 'ACTIVE') accounts.push(account.Id);
      }
      nextToken = answer.NextToken;
    } while (nextToken);
    return [...new Set(accounts)].sort();
  }
}
