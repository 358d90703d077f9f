import { Logger } from '@aws-lambda-powertools/logger';
import { SdkTrailGateway } from '../src/aws/cloudtrail';
import { estateAws } from '../src/aws/estate';
import { accountOfFunctionArn, settingsFromEnv } from '../src/config';
import { runBackfill } from '../src/estate/backfill';
import { parseSince } from '../src/estate/filters';
import { hasFailures } from '../src/estate/summary';
import { loadCompiledRules } from '../src/rules/compiled';
import { METRIC_NAMESPACE } from '../src/tagger/metrics';

const logger = new Logger({ serviceName: 'ami-tagger-reconcile' });

/**
 * The window reconcile looks at: images made in the last 7 days. Longer than any schedule it is
 * likely to run on and than the event path's own retries (six hours), inside CloudTrail's 90 days.
 * AMI_TAGGER_RECONCILE_SINCE changes it (an age such as 2d or 12h).
 */
export const DEFAULT_RECONCILE_SINCE = '7d';
/** Stop starting new work this long before the function's timeout, so that the summary is always logged. */
export const RECONCILE_STOP_MARGIN_MS = 60_000;

interface ScheduledContext {
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

/**
 * The scheduled reconcile (`--param reconcile="rate(6 hours)"`): a backfill of its own account and
 * region over a recent window, with the creator from CloudTrail's history, to catch the images whose
 * events were lost. Logs one line with the summary and its metrics; fails the invocation (and so
 * the alarm on its errors) when an image or the region failed. Thin: the work is in src/estate.
 */
export async function handler(_event: unknown, context: ScheduledContext = {}): Promise<{ scanned: number; tagged: number; failed: number }> {
  const account = accountOfFunctionArn(context.invokedFunctionArn);
  const region = process.env.AWS_REGION;
  if (!account || !region) throw new Error('reconcile needs its own account (from the function ARN) and AWS_REGION');
  const settings = settingsFromEnv(process.env);
  const since = parseSince(process.env.AMI_TAGGER_RECONCILE_SINCE || DEFAULT_RECONCILE_SINCE, Date.now(), 'AMI_TAGGER_RECONCILE_SINCE');
  // Its own account only: no member role, whatever the tagger's central mode says.
  const aws = estateAws({ ownAccount: account });
  const controller = new AbortController();
  const remaining = context.getRemainingTimeInMillis?.();
  const timer = remaining !== undefined ? setTimeout(() => controller.abort(), Math.max(0, remaining - RECONCILE_STOP_MARGIN_MS)) : undefined;
  try {
    const report = await runBackfill(
      {
        rules: loadCompiledRules(settings.rulesFile),
        accounts: [account],
        regions: [region],
        filter: { since },
        dryRun: settings.dryRun,
        lookup: true,
        shareTargets: false,
        signal: controller.signal,
      },
      { ec2: aws.ec2, estate: aws.estate, trail: new SdkTrailGateway(aws.clients, {}, aws.meter), meter: aws.meter },
    );
    const { summary } = report;
    const failedImages = report.results.filter((result) => result.status === 'failed').map((result) => ({ imageId: result.imageId, error: result.error }));
    const fields = {
      since: since.toISOString(),
      ...summary,
      failedImages,
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: 'ReconciledImages', Unit: 'Count' }, { Name: 'ReconcileFailures', Unit: 'Count' }] }],
      },
      ReconciledImages: summary.tagged,
      ReconcileFailures: summary.failed + summary.failedTargets.length,
    };
    if (hasFailures(summary)) {
      logger.error('reconcile failed', fields);
      throw new Error(`reconcile: ${summary.failed} image(s) and ${summary.failedTargets.length} region(s) failed; see the log line "reconcile failed"`);
    }
    logger.info('reconcile done', fields);
    return { scanned: summary.scanned, tagged: summary.tagged, failed: 0 };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
