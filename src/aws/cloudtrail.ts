import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { TrailGateway, TrailPage, TrailQuery } from '../estate/ports';
import { clientDefaults, type AwsClients, type ClientTuning } from './clients';
import { translateAwsError, type CallMeter } from './estate';

/**
 * CloudTrail's event history (LookupEvents) for backfill and reconcile. Only their paths import
 * this module, and it loads @aws-sdk/client-cloudtrail on first use (as clients.ts loads STS): the
 * event function's bundle never contains it, and the CLI loads it only when a lookup runs.
 */

/** LookupEvents hands out at most 50 events a page (CloudTrail API reference, LookupEvents, MaxResults). */
export const LOOKUP_PAGE_SIZE = 50;

/**
 * One CloudTrail client per account and region, with the same credentials as that account's EC2
 * client (so the same allow-list, member role and external id: AwsClients decides), the same
 * timeouts and retries, and the same endpoint rules (AWS_ENDPOINT_URL_CLOUDTRAIL).
 */
export class SdkTrailGateway implements TrailGateway {
  private readonly clients = new Map<string, Promise<CloudTrailClient>>();

  constructor(
    private readonly aws: AwsClients,
    private readonly tuning: ClientTuning = {},
    private readonly meter?: CallMeter,
  ) {}

  private client(account: string, region: string): Promise<CloudTrailClient> {
    const key = `${account}/${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = Promise.all([this.aws.ec2(account, region), import('@aws-sdk/client-cloudtrail')]).then(([ec2, { CloudTrailClient }]) => {
        const made = new CloudTrailClient({ region, credentials: ec2.config.credentials, ...clientDefaults(this.tuning) });
        this.meter?.attach(made, account, region);
        return made;
      });
      // A refusal (an account off the allow-list) is not cached: it is asked again, and refused again.
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  async lookupEvents(account: string, region: string, query: TrailQuery): Promise<TrailPage> {
    try {
      const client = await this.client(account, region);
      const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
      const answer = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: query.eventName }],
          StartTime: query.start,
          EndTime: query.end,
          MaxResults: LOOKUP_PAGE_SIZE,
          ...(query.nextToken ? { NextToken: query.nextToken } : {}),
        }),
      );
      const records = (answer.Events ?? []).flatMap((event) => (event.CloudTrailEvent ? [{ eventName: event.EventName ?? query.eventName, json: event.CloudTrailEvent }] : []));
      return { records, ...(answer.NextToken ? { nextToken: answer.NextToken } : {}) };
    } catch (error) {
      throw translateAwsError(error);
    }
  }
}
