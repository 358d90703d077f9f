import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { parseAccountScope } from '../account-scope';
import { InputError } from '../errors';
import { WORKER_OUTPUTS } from '../fanout/names';
import type { WorkerStack } from '../fanout/ports';
import { clientDefaults, type ClientTuning } from './clients';

/**
 * The backfill worker's queue, dead-letter queue, table, allow-list and member role, from the
 * deployed stack's outputs (cloudformation:DescribeStacks, a read). A stack without them was
 * deployed without `--param backfillWorker=true`.
 */
export async function readWorkerStack(stackName: string, region: string, tuning: ClientTuning = {}): Promise<WorkerStack> {
  const cloudformation = new CloudFormationClient({ region, ...clientDefaults(tuning) });
  let stack;
  try {
    stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) stack = undefined;
    else throw error;
  } finally {
    cloudformation.destroy();
  }
  if (!stack) {
    throw new InputError(`there is no stack ${stackName} in ${region}`, {
      where: '--stage / --stack-region',
      hint: `deploy it with the worker (npx sls deploy --region ${region} --param backfillWorker=true), or name the stage and region it was deployed with`,
    });
  }
  const outputs = new Map((stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue] as const] : [])));
  const queueUrl = outputs.get(WORKER_OUTPUTS.queueUrl);
  const table = outputs.get(WORKER_OUTPUTS.table);
  if (!queueUrl || !table) {
    throw new InputError(`the stack ${stackName} in ${region} has no backfill worker`, {
      where: '--on lambda',
      hint: `deploy it with the worker: npx sls deploy --region ${region}${stackName.endsWith('-dev') ? '' : ' --stage STAGE'} --param backfillWorker=true (or run backfill here, without --on lambda)`,
    });
  }
  return {
    stackName,
    region,
    account: stack.StackId?.split(':')[4] ?? '',
    queueUrl,
    deadLetterQueueUrl: outputs.get(WORKER_OUTPUTS.deadLetterQueueUrl) ?? '',
    table,
    accounts: parseAccountScope(outputs.get(WORKER_OUTPUTS.accounts) ?? '', `the stack's output ${WORKER_OUTPUTS.accounts}`),
    memberRoleName: outputs.get(WORKER_OUTPUTS.memberRoleName) ?? '',
  };
}
