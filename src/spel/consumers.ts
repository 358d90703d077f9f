import { PIPELINE_FIELDS, SECRET_HEADER } from '../contract/direct-payload';
import { InputError } from '../errors';
import { spelStringLiteral } from './escape';
import { assertExpressionLength, type VariablePlan } from './generate';
import type { JsonObject, JsonValue } from './json';

/**
 * The stage that uses the variables and sends them to ami-tagger's direct path: a Webhook, an
 * AWS Lambda invoke, or a Kubernetes Run Job (spinnaker-facts.md, "Stages that consume the
 * values"). Each sends the payload that `parseSpinnakerPayload` (src/events/spinnaker-payload.ts)
 * accepts, plus what only Spinnaker knows: application, pipeline, execution and user.
 *
 * Generated SpEL never puts two braces side by side (`{ {` and `} }`), so that the output also
 * survives Go templates (dinghy), whose delimiters are `{{` and `}}`.
 */

export type ConsumerKind = 'webhook' | 'lambda' | 'runjob';
export const CONSUMER_KINDS: readonly ConsumerKind[] = ['webhook', 'lambda', 'runjob'];

export type ConsumerOptions =
  | { kind: 'webhook'; url: string; secretHeaderValue?: string }
  | { kind: 'lambda'; functionName: string; account: string; region: string; aliasName?: string }
  | { kind: 'runjob'; image: string; account: string; namespace: string };

export interface ConsumerStageOptions {
  consumer: ConsumerOptions;
  refId: string;
  name: string;
  /** The Evaluate Variables stage's refId. */
  variablesRefId: string;
  plan: VariablePlan;
}

export const DEFAULT_CONSUMER_REF_ID = 'ami-tagger-send';
export const DEFAULT_CONSUMER_NAMES: Record<ConsumerKind, string> = {
  webhook: 'Tag images (ami-tagger webhook)',
  lambda: 'Tag images (ami-tagger Lambda)',
  runjob: 'Tag images (ami-tagger job)',
};
/** The Run Job container reads the payload from this variable. */
export const PAYLOAD_ENV_VAR = 'AMI_TAGGER_PAYLOAD';
/** What the Run Job container runs: `ami-tagger tag --payload-env AMI_TAGGER_PAYLOAD`. */
export const RUN_JOB_ARGS = ['tag', '--payload-env', PAYLOAD_ENV_VAR] as const;
/**
 * What `ami-tagger spel` cannot know writes a placeholder that starts with this, so that the output
 * is complete JSON to paste, `spel` lists what to replace, and `lint` refuses it until replaced.
 */
export const PLACEHOLDER_PREFIX = 'REPLACE-ME';
/**
 * The webhook's shared-secret header (the direct-path function checks it: src/direct/webhook-secret.ts).
 * No secret belongs in pipeline JSON by default; docs/direct-path.md shows how to supply it.
 */
export const SECRET_HEADER_PLACEHOLDER = `${PLACEHOLDER_PREFIX}: see docs/direct-path.md, "The webhook secret"`;
/** The Spinnaker account (AWS for Lambda, Kubernetes for Run Job) when --account is not given. */
export const ACCOUNT_PLACEHOLDER = `${PLACEHOLDER_PREFIX}: the Spinnaker account (--account)`;

/** The placeholders left in generated stages, as JSON paths and texts. */
export function placeholdersIn(value: JsonValue, path = ''): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return value.startsWith(PLACEHOLDER_PREFIX) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => placeholdersIn(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => placeholdersIn(item, path === '' ? key : `${path}.${key}`));
  return [];
}
export const EMBEDDED_ARTIFACT_ACCOUNT = 'embedded-artifact';
export const EMBEDDED_BASE64_TYPE = 'embedded/base64';

/** What only Spinnaker knows, as SpEL (spinnaker-facts.md, "What only Spinnaker knows"). */
const PIPELINE_FACTS: ReadonlyArray<[string, string]> = Object.entries(PIPELINE_FIELDS);

/** The payload as a JSON object whose string fields are whole-field expressions (types are kept). */
export function payloadObject(plan: VariablePlan): JsonObject {
  const payload: JsonObject = {};
  for (const [field, expression] of PIPELINE_FACTS) payload[field] = `\${${expression}}`;
  payload.images = imagesAsFields(plan);
  return payload;
}

function imagesAsFields(plan: VariablePlan): JsonValue {
  switch (plan.mode) {
    case 'fields':
      return plan.images.map((image) => {
        const entry: JsonObject = { imageId: `\${${keyFor(image.keys, 'imageId')}}`, region: image.region };
        for (const { field, key } of image.keys) if (field !== 'imageId' && field !== 'region') entry[field] = `\${${key}}`;
        return entry;
      });
    case 'image':
      return plan.images.map((image) => `\${${image.key}}`);
    case 'payload':
      return `\${${plan.key}}`;
  }
}

function keyFor(keys: ReadonlyArray<{ field: string; key: string }>, field: string): string {
  const found = keys.find((entry) => entry.field === field);
  if (found === undefined) throw new InputError(`the consumer needs the ${field} variable`, { where: '--fields', hint: `add ${field} to --fields` });
  return found.key;
}

/** The payload as one SpEL inline map, for `#toJson(...)`: `{ 'application': execution.application, ... }`. */
export function payloadSpelMap(plan: VariablePlan): string {
  const entries = PIPELINE_FACTS.map(([field, expression]) => `${spelStringLiteral(field)}: ${expression}`);
  entries.push(`'images': ${imagesAsSpel(plan)}`);
  return `{ ${entries.join(', ')} }`;
}

function imagesAsSpel(plan: VariablePlan): string {
  switch (plan.mode) {
    case 'fields': {
      const maps = plan.images.map((image) => {
        const entries = [`'imageId': ${keyFor(image.keys, 'imageId')}`, `'region': ${spelStringLiteral(image.region)}`];
        for (const { field, key } of image.keys) if (field !== 'imageId' && field !== 'region') entries.push(`${spelStringLiteral(field)}: ${key}`);
        return `{ ${entries.join(', ')} }`;
      });
      return `{ ${maps.join(', ')} }`;
    }
    case 'image':
      return `{ ${plan.images.map((image) => image.key).join(', ')} }`;
    case 'payload':
      return plan.key;
  }
}

/** The payload as one expression that yields its JSON; Orca refuses one over 10,000 characters. */
function payloadJsonExpression(plan: VariablePlan, wrap: (json: string) => string): string {
  const body = wrap(`#toJson(${payloadSpelMap(plan)})`);
  assertExpressionLength(body, '--regions/--fields/--prefix');
  return `\${${body}}`;
}

export function generateConsumerStage(options: ConsumerStageOptions): JsonObject {
  if (options.name.trim() === '') throw new InputError('the consumer stage name is empty', { where: '--consumer-name' });
  const common: JsonObject = {
    name: options.name,
    refId: options.refId,
    requisiteStageRefIds: [options.variablesRefId],
    failOnFailedExpressions: true,
  };
  const consumer = options.consumer;
  switch (consumer.kind) {
    case 'webhook':
      return {
        type: 'webhook',
        ...common,
        url: consumer.url,
        method: 'POST',
        customHeaders: { 'Content-Type': 'application/json', [SECRET_HEADER]: consumer.secretHeaderValue ?? SECRET_HEADER_PLACEHOLDER },
        payload: payloadObject(options.plan),
        waitForCompletion: false,
        statusUrlResolution: 'getMethod',
      };
    case 'lambda':
      return {
        type: 'Aws.LambdaInvokeStage',
        ...common,
        account: consumer.account,
        region: consumer.region,
        functionName: consumer.functionName,
        ...(consumer.aliasName !== undefined ? { aliasName: consumer.aliasName } : {}),
        payloadArtifact: {
          artifactAccount: EMBEDDED_ARTIFACT_ACCOUNT,
          id: 'ami-tagger-payload',
          name: 'ami-tagger-payload',
          type: EMBEDDED_BASE64_TYPE,
          reference: payloadJsonExpression(options.plan, (json) => `#toBase64(${json})`),
        },
      };
    case 'runjob':
      return {
        type: 'runJobManifest',
        ...common,
        account: consumer.account,
        cloudProvider: 'kubernetes',
        source: 'text',
        consumeArtifactSource: 'none',
        manifest: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { generateName: 'ami-tagger-', namespace: consumer.namespace },
          spec: {
            backoffLimit: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'ami-tagger',
                    image: consumer.image,
                    // The image's entrypoint is the ami-tagger command (README, "Command line").
                    args: [...RUN_JOB_ARGS],
                    env: [{ name: PAYLOAD_ENV_VAR, value: payloadJsonExpression(options.plan, (json) => json) }],
                  },
                ],
              },
            },
          },
        },
      };
  }
}
