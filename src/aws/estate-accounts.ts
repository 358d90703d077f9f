import { DescribeImageAttributeCommand, DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AccountGateway, LaunchPermission } from '../estate/ports';
import { STS_FALLBACK_REGION, type AwsClients } from './clients';
import { translateAwsError } from './estate';

/**
 * The regions of an account and the launch permissions of an image, for `backfill --regions all`
 * and `--share-targets`. A file of its own so that reconcile (one region, no shares) does not
 * reach these calls, and its role need not allow them.
 */
export class SdkAccountGateway implements AccountGateway {
  constructor(
    private readonly clients: AwsClients,
    /** Where DescribeRegions is asked (every enabled region answers for the account). */
    private readonly homeRegion: string = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || STS_FALLBACK_REGION,
  ) {}

  private async send<T>(account: string, region: string, call: (client: EC2Client) => Promise<T>): Promise<T> {
    try {
      return await call(await this.clients.ec2(account, region));
    } catch (error) {
      throw translateAwsError(error);
    }
  }

  async enabledRegions(account: string): Promise<string[]> {
    const answer = await this.send(account, this.homeRegion, (client) => client.send(new DescribeRegionsCommand({})));
    return (answer.Regions ?? [])
      .filter((region) => region.OptInStatus !== 'not-opted-in')
      .flatMap((region) => (region.RegionName ? [region.RegionName] : []))
      .sort();
  }

  async launchPermissions(account: string, region: string, imageId: string): Promise<LaunchPermission[]> {
    const answer = await this.send(account, region, (client) => client.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' })));
    return (answer.LaunchPermissions ?? []).flatMap((permission): LaunchPermission[] => {
      if (permission.UserId) return [{ kind: 'account', account: permission.UserId }];
      if (permission.Group === 'all') return [{ kind: 'public' }];
      if (permission.OrganizationArn) return [{ kind: 'organization', arn: permission.OrganizationArn }];
      if (permission.OrganizationalUnitArn) return [{ kind: 'organizational-unit', arn: permission.OrganizationalUnitArn }];
      return [];
    });
  }
}
