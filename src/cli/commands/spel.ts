import { InputError } from '../../errors';
import { ACCOUNT_PLACEHOLDER, CONSUMER_KINDS, placeholdersIn, type ConsumerKind, type ConsumerOptions, DEFAULT_CONSUMER_NAMES, DEFAULT_CONSUMER_REF_ID, generateConsumerStage } from '../../spel/consumers';
import { type BakeReference, DEFAULT_VARIABLES_NAME, DEFAULT_VARIABLES_REF_ID, generateVariables, parseFieldList, VARIABLE_MODES, type VariableMode } from '../../spel/generate';
import { normalizePrefix } from '../../spel/keys';
import type { JsonObject, JsonValue } from '../../spel/json';
import { OUTPUT_FORMATS, type OutputFormat, renderGenerated } from '../../spel/output-format';
import { assertRegion, parseRegionList } from '../../spel/regions';
import { newCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { helpAfter } from '../help';
import { runAction } from '../run';
import { bakeRegions, isBakeStage, PipelineGraph } from '../../spel/pipeline-graph';
import { stringField } from '../../spel/json';
import { readJsonFile } from '../read-json';

interface SpelOptions {
  bakeStage?: string;
  bakeRefId?: string;
  bakeStageRefId?: string;
  regions?: string;
  mode: string;
  fields: string;
  prefix: string;
  refId: string;
  name: string;
  consumer?: string;
  consumerRefId: string;
  consumerName?: string;
  url?: string;
  secretHeader?: string;
  function?: string;
  account?: string;
  lambdaRegion?: string;
  alias?: string;
  image?: string;
  namespace: string;
  format: string;
  pipelineName?: string;
  pipeline?: string;
  application?: string;
}

/** Lambda function names: letters, digits, - and _, at most 64 (AWS Lambda quotas); a full ARN or name:alias is accepted too. */
const LAMBDA_FUNCTION_PATTERN = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;
/** Kubernetes namespace names are DNS labels (RFC 1123): lower case, digits, -, at most 63. */
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined) throw new InputError(`${flag} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`, { where: flag, hint: `use ${flag} ${allowed[0] ?? ''}` });
  return found;
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === '') throw new InputError(`${what} is missing`, { where: flag, hint: `add ${flag}` });
  return value;
}

/**
 * Fills in what a pipeline JSON (`--pipeline FILE`) says about the bake: its refId, when the bake
 * is given by name, and its regions, when --regions is not given.
 */
export function completeFromPipeline(options: SpelOptions, pipeline: unknown, file: string): SpelOptions {
  const graph = PipelineGraph.of(pipeline);
  if (graph.stages.length === 0) throw new InputError('the pipeline has no stages', { where: file, hint: 'pass the pipeline JSON ("Edit as JSON" in Deck, or `spin pipeline get`)' });
  let bake: Record<string, unknown> | undefined;
  if (options.bakeRefId !== undefined) {
    bake = graph.byRefId(options.bakeRefId);
    if (!bake) throw new InputError(`no stage with refId ${JSON.stringify(options.bakeRefId)} in the pipeline`, { where: `${file}: stages`, hint: 'check --bake-ref-id' });
  } else if (options.bakeStage !== undefined) {
    const named = graph.stages.filter((stage) => stringField(stage, 'name') === options.bakeStage);
    if (named.length !== 1) {
      throw new InputError(`${named.length === 0 ? 'no' : named.length} stage(s) named ${JSON.stringify(options.bakeStage)} in the pipeline`, { where: `${file}: stages`, hint: 'names are case sensitive and must be unique; or use --bake-ref-id' });
    }
    bake = named[0];
  } else {
    bake = theOnlyBake(graph, file);
  }
  if (!bake) return options;
  const refId = stringField(bake, 'refId');
  const regions = bakeRegions(bake);
  return {
    ...options,
    // Neither --bake-ref-id nor --bake-stage: the pipeline's one bake stage, by refId (it survives renames).
    ...(options.bakeRefId === undefined && options.bakeStage === undefined && refId !== undefined ? { bakeRefId: refId } : {}),
    ...(options.bakeStage !== undefined && options.bakeStageRefId === undefined && refId !== undefined ? { bakeStageRefId: refId } : {}),
    ...(options.regions === undefined && regions !== undefined && regions.length > 0 ? { regions: regions.join(',') } : {}),
  };
}

/** The pipeline's bake stage when it has exactly one; otherwise which to choose from. */
function theOnlyBake(graph: PipelineGraph, file: string): Record<string, unknown> {
  const bakes = graph.stages.filter(isBakeStage);
  const [only] = bakes;
  if (only !== undefined && bakes.length === 1) return only;
  if (bakes.length === 0) {
    throw new InputError('the pipeline has no bake stage (type "bake")', { where: `${file}: stages`, hint: 'name the stage whose images to carry with --bake-ref-id ID or --bake-stage NAME' });
  }
  const listed = bakes.map((stage) => `${JSON.stringify(stringField(stage, 'name') ?? '(unnamed)')} (refId ${stringField(stage, 'refId') ?? '?'})`).join(', ');
  throw new InputError(`the pipeline has ${bakes.length} bake stages: ${listed}`, { where: `${file}: stages`, hint: 'choose one with --bake-ref-id ID' });
}

export function bakeReference(options: Pick<SpelOptions, 'bakeStage' | 'bakeRefId' | 'bakeStageRefId'>): BakeReference {
  if (options.bakeStage !== undefined && options.bakeRefId !== undefined) {
    throw new InputError('give the bake stage either by name or by refId, not both', { where: '--bake-stage/--bake-ref-id', hint: '--bake-ref-id is safer: refIds do not change when the stage is renamed' });
  }
  if (options.bakeRefId !== undefined) return { by: 'refId', refId: required(options.bakeRefId, '--bake-ref-id', 'the bake stage refId') };
  if (options.bakeStage !== undefined) {
    if (options.bakeStage.trim() === '') throw new InputError('the bake stage name is empty', { where: '--bake-stage', hint: 'give the exact name of the Bake stage (case sensitive)' });
    const refId = options.bakeStageRefId;
    if (refId === undefined || refId.trim() === '') return { by: 'name', name: options.bakeStage };
    return { by: 'name', name: options.bakeStage, refId };
  }
  throw new InputError('which bake stage? none given', { where: '--bake-ref-id/--bake-stage', hint: 'add --bake-ref-id ID (or --bake-stage NAME --bake-stage-ref-id ID)' });
}

function consumerOptions(kind: ConsumerKind, options: SpelOptions): ConsumerOptions {
  switch (kind) {
    case 'webhook': {
      const url = required(options.url, '--url', 'the webhook URL');
      if (!/^https?:\/\/\S+$/.test(url)) throw new InputError(`${JSON.stringify(url)} is not an http(s) URL`, { where: '--url', hint: 'e.g. --url https://ami-tagger.example.com/spinnaker' });
      return { kind, url, ...(options.secretHeader !== undefined ? { secretHeaderValue: options.secretHeader } : {}) };
    }
    case 'lambda': {
      const functionName = required(options.function, '--function', 'the Lambda function');
      if (!LAMBDA_FUNCTION_PATTERN.test(functionName)) throw new InputError(`${JSON.stringify(functionName)} is not a Lambda function name or ARN`, { where: '--function', hint: 'e.g. --function ami-tagger-prod-direct-tag (what `sls deploy --stage prod --param directPath=true` creates)' });
      // The function's region: as given, or the first bake region (one stack per region, so any region's function will do).
      const lambdaRegion = options.lambdaRegion ?? (options.regions === undefined ? undefined : parseRegionList(options.regions)[0]);
      return {
        kind,
        functionName,
        account: options.account ?? ACCOUNT_PLACEHOLDER,
        region: assertRegion(required(lambdaRegion, '--lambda-region', 'the region of the Lambda function'), '--lambda-region'),
        ...(options.alias !== undefined ? { aliasName: options.alias } : {}),
      };
    }
    case 'runjob': {
      if (!NAMESPACE_PATTERN.test(options.namespace)) throw new InputError(`${JSON.stringify(options.namespace)} is not a Kubernetes namespace name`, { where: '--namespace' });
      return { kind, image: required(options.image, '--image', 'the container image'), account: options.account ?? ACCOUNT_PLACEHOLDER, namespace: options.namespace };
    }
  }
}

/** Everything `spel` prints, from its options; throws InputError for bad input. */
export function generateFromOptions(options: SpelOptions): string {
  const mode: VariableMode = oneOf(options.mode, VARIABLE_MODES, '--mode');
  const format: OutputFormat = oneOf(options.format, OUTPUT_FORMATS, '--format');
  const consumerKind = options.consumer === undefined ? undefined : oneOf(options.consumer, CONSUMER_KINDS, '--consumer');
  const bake = bakeReference(options);
  const regions = options.regions === undefined ? [] : parseRegionList(options.regions);
  let fields = parseFieldList(options.fields);
  // The payload needs each image's id: a consumer always carries imageId.
  if (consumerKind !== undefined && mode === 'fields' && !fields.includes('imageId')) fields = ['imageId', ...fields];
  const generated = generateVariables({ bake, regions, mode, fields, prefix: normalizePrefix(options.prefix), refId: options.refId, name: options.name });
  const stages: JsonObject[] = [generated.stage];
  if (consumerKind !== undefined) {
    if (options.consumerRefId === options.refId) throw new InputError('the consumer stage needs its own refId', { where: '--consumer-ref-id' });
    stages.push(
      generateConsumerStage({
        consumer: consumerOptions(consumerKind, options),
        refId: options.consumerRefId,
        name: options.consumerName ?? DEFAULT_CONSUMER_NAMES[consumerKind],
        variablesRefId: options.refId,
        plan: generated.plan,
      }),
    );
  }
  return renderGenerated({
    format,
    stages,
    variables: generated.variables,
    ...(options.pipelineName !== undefined ? { pipelineName: options.pipelineName } : {}),
    ...(options.application !== undefined ? { application: options.application } : {}),
  });
}

/** `ami-tagger spel`: prints the Evaluate Variables stage (and the stage that sends the images to ami-tagger). */
export function spelCommand() {
  return newCommand('spel')
    .description("Print a Spinnaker Evaluate Variables stage that reads a bake's images by region (and, with --consumer, the stage that sends them to ami-tagger).")
    .option('--bake-ref-id <id>', "the bake stage's refId; expressions use #stageByRefId (recommended)")
    .option('--bake-stage <name>', "the bake stage's exact name; expressions use #stage")
    .option('--bake-stage-ref-id <id>', 'with --bake-stage: the refId the new stage waits for (else taken from --pipeline, or left for you to set)')
    .option('--pipeline <file>', "pipeline JSON to take the bake's refId and regions from (its one bake stage when neither --bake-ref-id nor --bake-stage is given)")
    .option('--regions <list>', 'regions the bake bakes in, comma separated (us-east-1,eu-west-1)')
    .option('--mode <mode>', `fields: one variable per region and field; image: one per region with the whole entry; payload: one with the whole list (${VARIABLE_MODES.join('|')})`, 'fields')
    .option('--fields <list>', 'fields mode: deploymentDetails keys to carry, comma separated', 'imageId')
    .option('--prefix <prefix>', 'prefix for the variable keys', '')
    .option('--ref-id <id>', 'refId of the Evaluate Variables stage', DEFAULT_VARIABLES_REF_ID)
    .option('--name <name>', 'name of the Evaluate Variables stage', DEFAULT_VARIABLES_NAME)
    .option('--consumer <kind>', `add the stage that sends the images to ami-tagger (${CONSUMER_KINDS.join('|')})`)
    .option('--consumer-ref-id <id>', 'refId of that stage', DEFAULT_CONSUMER_REF_ID)
    .option('--consumer-name <name>', 'name of that stage')
    .option('--url <url>', 'webhook: the URL of the ami-tagger direct-path endpoint')
    .option('--secret-header <value>', 'webhook: value of the x-ami-tagger-secret header, e.g. an expression such as ${trigger.parameters.taggerSecret} (default: a placeholder to replace; see docs/direct-path.md)')
    .option('--function <name>', 'lambda: the direct-path function (name or ARN)')
    .option('--account <name>', 'lambda: the Spinnaker AWS account; runjob: the Spinnaker Kubernetes account (default: a placeholder to replace)')
    .option('--lambda-region <region>', 'lambda: the region of the function (default: the first of --regions)')
    .option('--alias <name>', 'lambda: function alias')
    .option('--image <image>', 'runjob: container image that runs ami-tagger (reads the payload from $AMI_TAGGER_PAYLOAD)')
    .option('--namespace <namespace>', 'runjob: Kubernetes namespace', 'default')
    .option('--format <format>', `stage: the stage(s) as JSON; pipeline: {name, application, stages}; dinghy: JSON safe in Go templates; text: "key = value" lines (${OUTPUT_FORMATS.join('|')})`, 'stage')
    .option('--pipeline-name <name>', 'pipeline format: the pipeline name')
    .option('--application <name>', 'pipeline format: the Spinnaker application')
    .addHelpText(
      'after',
      helpAfter(
        [
          { command: 'spel --bake-ref-id 1 --regions us-east-1,eu-west-1', what: 'an Evaluate Variables stage with each region\'s imageId' },
          { command: 'spel --pipeline pipeline.json --consumer lambda --function ami-tagger-prod-direct-tag --account prod-aws', what: "the pipeline's one bake stage and its regions, and the AWS Lambda stage that sends the images to the direct path" },
          { command: 'spel --bake-ref-id 1 --regions us-east-1 --fields imageId,imageName --consumer webhook --url https://tagger.example.com/spinnaker', what: 'the same for a Webhook stage' },
        ],
        ['The stages go to standard output (JSON unless --format text); warnings, and what is left to fill in, to standard error.'],
      ),
    )
    .action((given: SpelOptions) =>
      runAction(() => {
        const options = given.pipeline === undefined ? given : completeFromPipeline(given, readJsonFile(given.pipeline, 'pipeline', '--pipeline'), given.pipeline);
        const output = generateFromOptions(options);
        const warnings: string[] = [];
        if (options.bakeStage !== undefined && options.bakeStageRefId === undefined) {
          warnings.push("the new stage does not wait for the bake yet (requisiteStageRefIds is empty): add --bake-stage-ref-id ID or --pipeline FILE, or set it to the bake's refId when you paste it");
        }
        if (options.format !== 'text') {
          for (const { path, text } of placeholdersIn(JSON.parse(output) as JsonValue)) warnings.push(`replace ${path}: ${text}`);
        }
        for (const warning of warnings) process.stderr.write(`ami-tagger: warning: ${warning}\n`);
        process.stdout.write(output);
        return ExitCode.Ok;
      }),
    );
}
