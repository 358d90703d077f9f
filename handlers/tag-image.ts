import { Logger } from '@aws-lambda-powertools/logger';
import { accountOfFunctionArn } from '../src/config';
import { engineFromEnv } from '../src/runtime';
import { handleImageEvent, type EventResult } from '../src/tagger/event-service';
import type { EngineOptions } from '../src/tagger/engine';

const logger = new Logger({ serviceName: 'ami-tagger' });
let engine: EngineOptions | undefined;

/** EventBridge -> tag the AMI and its snapshots. Thin: the work is in src/tagger. */
export async function handler(event: unknown, context?: { invokedFunctionArn?: string }): Promise<EventResult> {
  engine ??= engineFromEnv(process.env, accountOfFunctionArn(context?.invokedFunctionArn));
  return handleImageEvent(event, engine, logger);
}
