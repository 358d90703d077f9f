/**
 * The direct path's contract, defined once: what the generated Spinnaker stage sends and what the
 * direct-path function accepts. `ami-tagger spel` builds the stage's payload from it, the payload
 * parser (src/events/spinnaker-payload.ts) builds its schema from it, and the function checks the
 * header it names. Change a field here and both sides follow.
 */

/** The header the Webhook stage sends the shared secret in. */
export const SECRET_HEADER = 'x-ami-tagger-secret';

/** A bake per region; AWS has fewer than 50 regions. */
export const MAX_IMAGES_PER_PAYLOAD = 100;

/**
 * The longest text a payload field may hold. Spinnaker's values (names, ids, users) are short; a
 * tag value can hold 256 characters (EC2), so anything far longer is a mistake or an attack, and
 * refusing it bounds the work one request can cause.
 */
export const MAX_PAYLOAD_TEXT_LENGTH = 1024;

/**
 * What only Spinnaker knows: each payload field and the SpEL that fills it in the generated stage
 * (spinnaker-facts.md, "What only Spinnaker knows"). The tagger reads them as {spinnaker.FIELD}.
 */
export const PIPELINE_FIELDS = {
  application: 'execution.application',
  pipeline: 'execution.name',
  executionId: 'execution.id',
  user: 'trigger.user',
} as const;
export type PipelineField = keyof typeof PIPELINE_FIELDS;

/**
 * The keys of a bake's deploymentDetails entry that the tagger reads ({spinnaker.package}, ...);
 * `imageId` and `region` are required, the rest optional. Other keys of the entry are allowed and
 * ignored: the stage may pass whole entries.
 */
export const IMAGE_FIELDS = {
  required: ['imageId', 'region'],
  optional: ['imageName', 'amiName', 'package', 'baseAmiId', 'baseOs', 'baseLabel'],
} as const;
