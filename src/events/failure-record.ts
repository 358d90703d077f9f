/**
 * A message from the failed-events queue is Lambda's on-failure destination record: the event
 * sits in `requestPayload`, next to the error (`responsePayload`) and the attempt count
 * (`requestContext`). Unwrapping it lets `ami-tagger tag --event` replay such a message as it is.
 * Anything else (an event, or a rule dead-letter queue message, which is the event itself) is
 * returned unchanged.
 */
export function unwrapFailureRecord(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  if (!('requestPayload' in input) || !('requestContext' in input)) return input;
  return input.requestPayload;
}
