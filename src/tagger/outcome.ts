/**
 * The one vocabulary for what happened, on every entry path: the event function's log line and
 * metric, the direct path's answer, the CLI's table and exit code, backfill's summary. Each entry
 * path only translates it (an HTTP status, an exit code); none spells its own.
 */

/** What happened to one image. */
export const IMAGE_OUTCOMES = {
  tagged: 'tags written',
  'up-to-date': 'every tag already there, nothing written',
  'dry-run': 'dry run: nothing written',
  'image-not-found': 'image not found (deregistered, or not visible to these credentials)',
  failed: 'failed after the retries',
} as const;

/** What happened to an input before any image was looked at. */
export const INPUT_OUTCOMES = {
  ignored: 'not an image to tag (a failed or dry-run call)',
  'image-failed': 'the image itself failed (EC2 AMI State Change "failed")',
  rejected: 'malformed input, nothing done',
} as const;

export type ImageOutcome = keyof typeof IMAGE_OUTCOMES;
export type InputOutcome = keyof typeof INPUT_OUTCOMES;
export type Outcome = ImageOutcome | InputOutcome;

export function describeOutcome(outcome: Outcome): string {
  return Object.hasOwn(IMAGE_OUTCOMES, outcome) ? IMAGE_OUTCOMES[outcome as ImageOutcome] : INPUT_OUTCOMES[outcome as InputOutcome];
}
