/** What every action handler gets: the server's state, who is calling, where, and what they sent. */
import { AwsApiError } from './api-error';
import type { Principal } from './principals';
import { flag, type QueryParams } from './query';
import type { FakeAwsState } from './state';

export interface ActionContext {
  state: FakeAwsState;
  caller: Principal;
  region: string;
  params: QueryParams;
}

/** An action handler returns the XML inside its response element (EC2) or result element (STS). */
export type ActionHandler = (context: ActionContext) => string;

/** EC2 answers a DryRun request, once it is well-formed, with this error instead of acting. */
export function refuseDryRun(params: QueryParams): void {
  if (flag(params, 'DryRun')) throw new AwsApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}
