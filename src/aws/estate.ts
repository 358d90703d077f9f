import {
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { isThrottlingError } from '@smithy/core/retry';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { AwsCallError, type EstateGateway, type ImagePage, type ImageQuery } from '../estate/ports';
import type { ImageDescription, TagMap } from '../model/facts';
import { AwsClients, type AccountAccess } from './clients';
import { describedImage, SdkEc2Gateway, SNAPSHOT_IDS_PER_DESCRIBE, tagMap, translateEc2Error } from './ec2';

/** DescribeImages and DescribeSnapshots hand out at most 1000 a page (EC2 API reference, MaxResults). */
export const DESCRIBE_PAGE_SIZE = 1000;
/** Ids per `image-id` / `snapshot-id` filter: as many as the engine's snapshot reads send in one call. */
export const IDS_PER_FILTER = SNAPSHOT_IDS_PER_DESCRIBE;

/**
 * Counts every AWS call the estate makes, by kind (the SDK command's name less "Command"), and the
 * attempts that were throttled and retried. Attached to each client as two middlewares: one per
 * call (initialize step), one per attempt (deserialize step, inside the retry loop).
 */
export class CallMeter {
  readonly calls = new Map<string, number>();
  readonly throttledAttempts = new Map<string, number>();
  private readonly listeners: Array<(account: string, region: string, kind: string) => void> = [];

  /** Told of each throttled attempt, e.g. to slow down the writes of that account and region. */
  onThrottled(listener: (account: string, region: string, kind: string) => void): void {
    this.listeners.push(listener);
  }

  /** Counts the calls of one client for `account` and `region`; a client is counted once however often it is attached. */
  attach<Input extends object, Output extends MetadataBearer>(client: { middlewareStack: MiddlewareStack<Input, Output> }, account: string, region: string): void {
    if (attached.has(client)) return;
    attached.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const kind = commandKind(context.commandName);
        this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'amiTaggerCallMeter' },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (isThrottled(error)) {
            const kind = commandKind(context.commandName);
            this.throttledAttempts.set(kind, (this.throttledAttempts.get(kind) ?? 0) + 1);
            for (const listener of this.listeners) listener(account, region, kind);
          }
          throw error;
        }
      },
      { step: 'deserialize', name: 'amiTaggerAttemptMeter', priority: 'high' },
    );
  }

  totalThrottled(): number {
    return [...this.throttledAttempts.values()].reduce((sum, count) => sum + count, 0);
  }
}

const attached = new WeakSet<object>();

function commandKind(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

function isThrottled(error: unknown): boolean {
  if (!(error instanceof Error) || !('$metadata' in error)) return false;
  const metadata = (error as Error & MetadataBearer).$metadata;
  return isThrottlingError({ name: error.name, message: error.message, $metadata: metadata });
}

/** AwsClients whose EC2 clients are metered: the engine's gateway and the estate's share them. */
export class MeteredAwsClients extends AwsClients {
  constructor(
    access: AccountAccess,
    readonly meter: CallMeter,
  ) {
    super(access);
  }

  override async ec2(account: string, region: string, purpose: 'read' | 'write' = 'read'): Promise<EC2Client> {
    const client = await super.ec2(account, region, purpose);
    this.meter.attach(client, account, region);
    return client;
  }
}

/** SDK client errors that mean "AWS could not be reached", not a fault of ami-tagger. */
const CLIENT_SIDE_FAILURES = new Set(['CredentialsProviderError', 'TimeoutError', 'TokenProviderError']);

/**
 * An SDK failure as the estate's typed errors: NotFound as the engine's ResourceNotFoundError, any
 * other answer from AWS (or no answer) as AwsCallError. Anything else (a bug) passes unchanged.
 */
export function translateAwsError(error: unknown): unknown {
  const translated = translateEc2Error(error);
  if (translated !== error || !(error instanceof Error)) return translated;
  const fromAws = '$metadata' in error;
  const networkCode = (error as NodeJS.ErrnoException).code;
  if (fromAws || CLIENT_SIDE_FAILURES.has(error.name) || (typeof networkCode === 'string' && /^E[A-Z]+$/.test(networkCode))) {
    return new AwsCallError(`${error.name}: ${error.message}`, fromAws ? error.name : (networkCode ?? error.name), isThrottled(error));
  }
  return error;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** The estate's reads with the SDK, on the same (metered, cached, allow-listed) clients as the engine. */
export class SdkEstateGateway implements EstateGateway {
  constructor(private readonly clients: AwsClients) {}

  private async send<T>(account: string, region: string, call: (client: EC2Client) => Promise<T>): Promise<T> {
    try {
      return await call(await this.clients.ec2(account, region));
    } catch (error) {
      throw translateAwsError(error);
    }
  }

  async *ownImages(account: string, region: string, query: ImageQuery): AsyncIterable<ImagePage> {
    const named: Filter[] = query.name !== undefined ? [{ Name: 'name', Values: [query.name] }] : [];
    const idGroups = query.imageIds !== undefined ? chunks(query.imageIds, IDS_PER_FILTER) : [undefined];
    for (const ids of idGroups) {
      const filters = [...named, ...(ids ? [{ Name: 'image-id', Values: ids }] : [])];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const answer = await this.send(account, region, (client) =>
          client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: DESCRIBE_PAGE_SIZE, ...(filters.length > 0 ? { Filters: filters } : {}), ...(token ? { NextToken: token } : {}) })),
        );
        yield { images: (answer.Images ?? []).flatMap((image) => describedImage(image) ?? []) };
        nextToken = answer.NextToken;
      } while (nextToken);
    }
  }

  async imagesById(account: string, region: string, imageIds: readonly string[]): Promise<ImageDescription[]> {
    const found: ImageDescription[] = [];
    for (const ids of chunks(imageIds, IDS_PER_FILTER)) {
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const answer = await this.send(account, region, (client) =>
          client.send(new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: ids }], MaxResults: DESCRIBE_PAGE_SIZE, ...(token ? { NextToken: token } : {}) })),
        );
        found.push(...(answer.Images ?? []).flatMap((image) => describedImage(image) ?? []));
        nextToken = answer.NextToken;
      } while (nextToken);
    }
    return found;
  }

  /**
   * Few ids: by id, 200 a call. Many: the account's own snapshots a page of 1000 at a time, which
   * for an account whose snapshots are mostly its images' is five times fewer calls; but never
   * more pages than the by-id reads would have cost, and whatever is still missing then is read by id.
   */
  async snapshotTags(account: string, region: string, snapshotIds: readonly string[]): Promise<Record<string, TagMap>> {
    const wanted = new Set(snapshotIds);
    const tags: Record<string, TagMap> = {};
    const byIdCalls = Math.ceil(wanted.size / IDS_PER_FILTER);
    if (byIdCalls > 1) {
      let nextToken: string | undefined;
      let pages = 0;
      let found = 0;
      do {
        const token = nextToken;
        const answer = await this.send(account, region, (client) =>
          client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: DESCRIBE_PAGE_SIZE, ...(token ? { NextToken: token } : {}) })),
        );
        pages += 1;
        for (const snapshot of answer.Snapshots ?? []) {
          if (snapshot.SnapshotId && wanted.has(snapshot.SnapshotId) && !Object.hasOwn(tags, snapshot.SnapshotId)) {
            tags[snapshot.SnapshotId] = tagMap(snapshot.Tags);
            found += 1;
          }
        }
        nextToken = answer.NextToken;
      } while (nextToken && found < wanted.size && pages < byIdCalls);
    }
    const rest = [...wanted].filter((id) => !Object.hasOwn(tags, id));
    for (const ids of chunks(rest, IDS_PER_FILTER)) {
      // A filter, not SnapshotIds: one snapshot gone would fail the whole call with NotFound.
      const answer = await this.send(account, region, (client) => client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: ids }] })));
      for (const snapshot of answer.Snapshots ?? []) if (snapshot.SnapshotId) tags[snapshot.SnapshotId] = tagMap(snapshot.Tags);
    }
    return tags;
  }
}

/** What backfill and reconcile run on: metered clients, the engine's port and the estate's reads over them. */
export interface EstateAws {
  clients: MeteredAwsClients;
  ec2: SdkEc2Gateway;
  estate: SdkEstateGateway;
  meter: CallMeter;
}

export function estateAws(access: AccountAccess): EstateAws {
  const meter = new CallMeter();
  const clients = new MeteredAwsClients(access, meter);
  return { clients, ec2: new SdkEc2Gateway(clients), estate: new SdkEstateGateway(clients), meter };
}
