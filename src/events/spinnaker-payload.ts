import * as v from 'valibot';
import { accountAllowed, accountRefused, type AccountScope } from '../account-scope';
import { parseOrThrow } from '../validation/parse';
import type { ImageRef, PipelineFacts } from '../model/image-ref';
import { ACCOUNT_ID_PATTERN, IMAGE_ID_PATTERN, REGION_PATTERN } from '../contract/aws-ids';
import { IMAGE_FIELDS, MAX_IMAGES_PER_PAYLOAD, MAX_PAYLOAD_TEXT_LENGTH, PIPELINE_FIELDS, type PipelineField } from '../contract/direct-payload';

/**
 * The direct-path payload: what the generated Spinnaker stage (AWS Lambda invoke or Webhook)
 * sends, and what the direct-path handler accepts. `images` holds deploymentDetails entries
 * (whole maps, or just `imageId` and `region`); the rest is what only Spinnaker knows.
 *
 * {
 *   "application": "${execution.application}", "pipeline": "${execution.name}",
 *   "executionId": "${execution.id}", "user": "${trigger.user}",
 *   "images": [{ "imageId": "ami-...", "region": "us-east-1", "package": "orders-api", ... }]
 * }
 */
const optionalText = v.optional(v.nullable(v.pipe(v.string(), v.maxLength(MAX_PAYLOAD_TEXT_LENGTH, `longer than ${MAX_PAYLOAD_TEXT_LENGTH} characters`))));
type OptionalText = typeof optionalText;

/** An optional text entry for each of `names`: the schema follows the contract's field lists. */
function optionalTexts<Name extends string>(names: readonly Name[]): Record<Name, OptionalText> {
  return Object.fromEntries(names.map((name) => [name, optionalText])) as Record<Name, OptionalText>;
}

export const DeploymentDetailSchema = v.looseObject({
  imageId: v.pipe(v.string('imageId must be a string like "ami-0123456789abcdef0"'), v.regex(IMAGE_ID_PATTERN, 'imageId must look like "ami-0123456789abcdef0"')),
  region: v.pipe(v.string('region must be a string like "us-east-1"'), v.regex(REGION_PATTERN, 'region must look like "us-east-1"')),
  ...optionalTexts(IMAGE_FIELDS.optional),
});

/** Unknown keys are refused (with "did you mean"): a typo like `dryrun` must not run for real. */
export const SpinnakerPayloadSchema = v.strictObject({
  ...optionalTexts(Object.keys(PIPELINE_FIELDS) as PipelineField[]),
  /** The account that owns the images; the handler's own account when absent. */
  account: v.optional(v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN, 'account must be a 12-digit AWS account id'))),
  dryRun: v.optional(v.boolean()),
  images: v.pipe(
    v.array(DeploymentDetailSchema, 'images must be a list of deploymentDetails entries'),
    v.minLength(1, 'images is empty: the bake produced no image, or the expression that fills it yielded nothing'),
    v.maxLength(MAX_IMAGES_PER_PAYLOAD, `images has more than ${MAX_IMAGES_PER_PAYLOAD} entries`),
  ),
});

export type SpinnakerPayload = v.InferOutput<typeof SpinnakerPayloadSchema>;

export function parseSpinnakerPayload(input: unknown): SpinnakerPayload {
  return parseOrThrow(
    SpinnakerPayloadSchema,
    input,
    'Spinnaker payload',
    'send the payload that `ami-tagger spel --mode payload` generates: {"images": [{"imageId": "ami-...", "region": "..."}], ...}',
  );
}

/**
 * The payload's `account` decides where ami-tagger acts (and which member role it assumes), so it
 * must be one of the accounts ami-tagger may act in: checked before any AWS call, and refused as
 * bad input. Without `account` the images are in `ownAccount`, which is always allowed.
 */
export function checkPayloadAccount(payload: SpinnakerPayload, accounts: AccountScope, ownAccount: string | undefined, accountsSetting: string): void {
  if (payload.account === undefined || accountAllowed(accounts, payload.account, ownAccount || undefined)) return;
  throw accountRefused(accounts, payload.account, { accounts: accountsSetting, source: 'the payload\'s "account"' });
}

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** One ImageRef per baked image, carrying the pipeline facts that only Spinnaker knows. */
export function imageRefsFromPayload(payload: SpinnakerPayload, defaultAccount: string): ImageRef[] {
  return payload.images.map((image) => {
    const pipeline: PipelineFacts = {};
    const facts: Array<[keyof PipelineFacts, string | null | undefined]> = [
      ...(Object.keys(PIPELINE_FIELDS) as PipelineField[]).map((field): [keyof PipelineFacts, string | null | undefined] => [field, payload[field]]),
      ['package', image.package],
      ['baseAmiId', image.baseAmiId],
      ['baseOs', image.baseOs],
      ['baseLabel', image.baseLabel],
    ];
    for (const [key, value] of facts) {
      const text = present(value);
      if (text !== undefined) pipeline[key] = text;
    }
    const name = present(image.imageName) ?? present(image.amiName);
    return {
      account: payload.account ?? defaultAccount,
      region: image.region,
      imageId: image.imageId,
      trigger: 'Spinnaker' as const,
      ...(name !== undefined ? { name } : {}),
      pipeline,
    };
  });
}
