import { Logger } from '@aws-lambda-powertools/logger';
import { SdkTrailGateway } from '../src/aws/cloudtrail';
import { estateAws } from '../src/aws/estate';
import { DynamoDbPageStore } from '../src/aws/fanout-pages';
import { accountOfFunctionArn, settingsFromEnv } from '../src/config';
import { backfillWorkerHandler, type WorkerContext } from '../src/fanout/lambda';
import { MAX_RECEIVE_COUNT } from '../src/fanout/names';
import type { WorkerDeps } from '../src/fanout/worker';
import { loadCompiledRules } from '../src/rules/compiled';

const logger = new Logger({ serviceName: 'ami-tagger-backfill-worker' });

/**
 * The backfill worker (`--param backfillWorker=true`): SQS hands it one page of one account and
 * region of a `backfill --on lambda` run; it tags them through the same engine as every backfill,
 * in that account through the member role in central mode (the tagger's allow-list applies), and
 * records the page's results in the stack's table. Thin: the work is in src/fanout.
 */
function depsFromEnv(context: WorkerContext): WorkerDeps {
  const settings = settingsFromEnv(process.env);
  const table = process.env.AMI_TAGGER_BACKFILL_TABLE;
  const region = process.env.AWS_REGION;
  const ownAccount = accountOfFunctionArn(context.invokedFunctionArn);
  const access = {
    roleName: settings.roleName,
    externalId: settings.externalId,
    accounts: settings.accounts,
    accountsSetting: 'AMI_TAGGER_ACCOUNTS',
    ...(ownAccount ? { ownAccount } : {}),
  };
  return {
    rules: loadCompiledRules(settings.rulesFile),
    ...(table && region ? { store: new DynamoDbPageStore(table, region) } : {}),
    dryRun: settings.dryRun,
    maxReceives: Number(process.env.AMI_TAGGER_BACKFILL_MAX_RECEIVES) || MAX_RECEIVE_COUNT,
    // Made anew for each page: its call counts are the page's, and its listeners go with it.
    aws: () => {
      const aws = estateAws(access);
      return { ec2: aws.ec2, estate: aws.estate, trail: new SdkTrailGateway(aws.clients, {}, aws.meter), meter: aws.meter };
    },
  };
}

export const handler = backfillWorkerHandler(depsFromEnv, logger);
