/**
 * The regions DescribeRegions knows about. Regions launched before March 2019 need no opt-in
 * and are enabled in every account; later ones are enabled only once the account opts in
 * (EC2 User Guide, "Regions and Zones"). A handful of each keeps responses short.
 */

/** Default regions: enabled everywhere, `opt-in-not-required`. */
export const NO_OPT_IN_REGIONS: readonly string[] = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

/** Opt-in regions: `not-opted-in` unless a test enables them. */
export const OPT_IN_REGIONS: readonly string[] = ['af-south-1', 'ap-east-1', 'me-south-1'];

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

export interface RegionStatus {
  regionName: string;
  endpoint: string;
  optInStatus: OptInStatus;
}

/** Every known region with its status for an account whose enabled regions are `enabled`. */
export function regionStatuses(enabled: readonly string[]): RegionStatus[] {
  const names = [...new Set([...NO_OPT_IN_REGIONS, ...OPT_IN_REGIONS, ...enabled])];
  return names.map((regionName) => ({
    regionName,
    endpoint: `ec2.${regionName}.amazonaws.com`,
    optInStatus: !enabled.includes(regionName) ? 'not-opted-in' : NO_OPT_IN_REGIONS.includes(regionName) ? 'opt-in-not-required' : 'opted-in',
  }));
}
