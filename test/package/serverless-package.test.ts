/**
 * Packages the stack with osls, offline, and checks the CloudFormation template and the zips it
 * would deploy: the event patterns, where failed events end, least-privilege IAM, the parts that
 * exist only when their parameter is set, and that a bad rules file stops the packaging.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRulesFile } from '../../src/rules/load';
import { allRoleStatements, arnText, field, onlyResourceOfType, readTemplate, resourceNamed, resourcesOfType, roleStatements, type Template } from './cloudformation';
import { IMAGE_AVAILABLE_PATTERN, IMAGE_CREATED_PATTERN } from './event-patterns';
import { readZipEntries, type ZipEntry } from './zip-archive';
import { startFakeAws, TEST_CREDENTIALS, type FakeAws } from '../support/fake-aws';

const SERVICE_DIR = path.resolve(__dirname, '..', '..');
const SLS = path.join(SERVICE_DIR, 'node_modules', '.bin', 'sls');
/** One packaging takes about 10 s on 2 cores; this leaves room on a loaded machine. */
const PACKAGING_TIMEOUT_MS = 180_000;

const MEMBER_ROLE = 'ami-tagger-member';
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ami-tagger-alarms';
const SECRET_PARAMETER = '/ami-tagger/test/webhook-secret';

interface Packaging {
  status: number | null;
  output: string;
  directory: string;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'ami-tagger-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function slsPackage(name: string, params: string[]): Packaging {
  const directory = path.join(scratch, name);
  const result = spawnSync(SLS, ['package', '--region', 'eu-west-1', '--stage', 'test', '--package', directory, ...params.flatMap((param) => ['--param', param])], {
    cwd: SERVICE_DIR,
    encoding: 'utf8',
    timeout: PACKAGING_TIMEOUT_MS,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAAMITAGGERPACKAGE',
      AWS_SECRET_ACCESS_KEY: 'ami-tagger-package-test',
      AWS_PROFILE: '',
      FORCE_COLOR: '0',
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, directory };
}

function packagedTemplate(packaging: Packaging): Template {
  if (packaging.status !== 0) throw new Error(`sls package failed (${packaging.status}):\n${packaging.output}`);
  return readTemplate(path.join(packaging.directory, 'cloudformation-template-update-stack.json'));
}

function entryNamed(entries: ZipEntry[], name: string): ZipEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no ${name} in the zip; it has ${entries.map((candidate) => candidate.name).join(', ')}`);
  return entry;
}

function environmentOf(template: Template, logicalId: string): Record<string, unknown> {
  const variables = field(resourceNamed(template, logicalId).Properties, 'Environment', 'Variables');
  if (typeof variables !== 'object' || variables === null) throw new Error(`${logicalId} has no environment`);
  return { ...variables };
}

function ruleNamed(template: Template, suffix: string): Record<string, unknown> {
  const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) => String(rule.Properties.Name).endsWith(suffix));
  if (rules.length !== 1 || !rules[0]) throw new Error(`expected one rule named *${suffix}, found ${rules.length}`);
  return rules[0][1].Properties;
}

/**
 * Packages the SDK only tries to load, inside try/catch, and works without: the CRT signer is for
 * SigV4a (multi-region access points), which EC2 and STS do not use.
 */
const OPTIONAL_SDK_PACKAGES = new Set(['@aws-sdk/signature-v4-crt']);

/** Every `require("x")` of a bundle that is not a Node.js built-in: what the zip would have to carry. */
function externalRequires(bundle: string): string[] {
  const builtins = new Set(builtinModules);
  return [...bundle.matchAll(/require\("([^"]+)"\)/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !name.startsWith('node:') && !builtins.has(name) && !OPTIONAL_SDK_PACKAGES.has(name));
}

/** Loads a bundle in a fresh Node.js process and tells whether it exports a `handler` function. */
function exportsHandler(bundle: Buffer): boolean {
  const file = path.join(scratch, `bundle-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, bundle);
  const result = spawnSync(process.execPath, ['-e', 'process.exit(typeof require(process.argv[1]).handler === "function" ? 0 : 3)', file], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  if (result.status !== 0 && result.status !== 3) throw new Error(`loading ${file} failed:\n${result.stderr}`);
  return result.status === 0;
}

describe('sls package with the default parameters', () => {
  let packaging: Packaging;
  let template: Template;
  beforeAll(() => {
    packaging = slsPackage('default', []);
    template = packagedTemplate(packaging);
  }, PACKAGING_TIMEOUT_MS);

  it('runs one function on nodejs22.x, arm64, with the environment the code reads', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions.map(([logicalId]) => logicalId)).toEqual(['TagImageLambdaFunction']);
    const tagImage = resourceNamed(template, 'TagImageLambdaFunction').Properties;
    expect(tagImage.Runtime).toBe('nodejs22.x');
    expect(tagImage.Architectures).toEqual(['arm64']);
    expect(tagImage.Handler).toBe('handlers/tag-image.handler');
    expect(field(template.Outputs, 'TaggerRoleArn', 'Value')).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    expect(environmentOf(template, 'TagImageLambdaFunction')).toEqual({
      AMI_TAGGER_RULES_FILE: '.build/ami-tagger.rules.json',
      AMI_TAGGER_DRY_RUN: 'false',
      AMI_TAGGER_ROLE_NAME: '',
      AMI_TAGGER_EXTERNAL_ID: '',
      POWERTOOLS_SERVICE_NAME: 'ami-tagger',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('subscribes to successful CreateImage/CopyImage/RegisterImage calls and to AMIs becoming available', () => {
    expect(resourcesOfType(template, 'AWS::Events::Rule')).toHaveLength(2);
    expect(ruleNamed(template, '-image-created').EventPattern).toEqual(IMAGE_CREATED_PATTERN);
    expect(ruleNamed(template, '-image-available').EventPattern).toEqual(IMAGE_AVAILABLE_PATTERN);
    for (const rule of [ruleNamed(template, '-image-created'), ruleNamed(template, '-image-available')]) {
      expect(rule.EventBusName).toBeUndefined(); // the default bus
      expect(rule.State).toBe('ENABLED');
    }
  });

  it('gives each rule target a retry policy and the rule dead-letter queue', () => {
    for (const suffix of ['-image-created', '-image-available']) {
      const targets = field(ruleNamed(template, suffix), 'Targets');
      expect(targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': ['TagImageLambdaFunction', 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } },
        }),
      ]);
    }
  });

  it('lets only these two rules send to the rule dead-letter queue', () => {
    const ruleNames = ['-image-created', '-image-available'].map((suffix) => String(ruleNamed(template, suffix).Name));
    const policy = onlyResourceOfType(template, 'AWS::SQS::QueuePolicy');
    expect(policy.Properties.Queues).toEqual([{ Ref: 'RuleDeadLetterQueue' }]);
    expect(field(policy.Properties, 'PolicyDocument', 'Statement')).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] },
        Condition: {
          ArnEquals: {
            'aws:SourceArn': ruleNames.map((name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}` })),
          },
        },
      }),
    ]);
  });

  it('sends events the function failed on, after its retries, to a queue of their own', () => {
    const invokeConfig = resourceNamed(template, 'TagImageLambdaEvConf').Properties;
    expect(invokeConfig.MaximumRetryAttempts).toBe(2);
    expect(field(invokeConfig, 'DestinationConfig', 'OnFailure', 'Destination')).toEqual({ 'Fn::GetAtt': ['InvocationFailureQueue', 'Arn'] });
    const sendStatements = roleStatements(resourceNamed(template, 'IamRoleLambdaExecution')).filter((statement) => statement.Action.includes('sqs:SendMessage'));
    expect(sendStatements).toEqual([expect.objectContaining({ Resource: [{ 'Fn::GetAtt': ['InvocationFailureQueue', 'Arn'] }] })]);
  });

  it('keeps failed events 14 days in encrypted queues, and alarms as soon as one waits there', () => {
    for (const queue of ['RuleDeadLetterQueue', 'InvocationFailureQueue']) {
      expect(resourceNamed(template, queue).Properties).toEqual(expect.objectContaining({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true }));
    }
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.map((alarm) => field(alarm, 'Dimensions', 0, 'Value'))).toEqual([
      { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'QueueName'] },
      { 'Fn::GetAtt': ['InvocationFailureQueue', 'QueueName'] },
    ]);
    for (const alarm of alarms) {
      expect(alarm).toEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [],
        }),
      );
    }
  });

  it('grants no wildcard action, CreateTags only on images and snapshots, "*" only to Describe actions', () => {
    const statements = allRoleStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (statement.Resource.includes('*')) expect(statement.Action.every((action) => action.startsWith('ec2:Describe'))).toBe(true);
    }
    const createTags = statements.filter((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(createTags).toHaveLength(1);
    expect(createTags[0]?.Resource.map(arnText)).toEqual(['arn:${AWS::Partition}:ec2:*::image/*', 'arn:${AWS::Partition}:ec2:*::snapshot/*']);
  });

  it('has no central-mode or direct-path parts when their parameters are not set', () => {
    const actions = allRoleStatements(template).flatMap((statement) => statement.Action);
    expect(actions).not.toContain('sts:AssumeRole');
    expect(actions.filter((action) => action.startsWith('ssm:') || action.startsWith('kms:'))).toEqual([]);
    expect(resourcesOfType(template, 'AWS::Events::EventBusPolicy')).toEqual([]);
    expect(resourcesOfType(template, 'AWS::Lambda::Url')).toEqual([]);
  });

  it('zips the bundled handler and the rules as JSON, and no node_modules', () => {
    const entries = readZipEntries(path.join(packaging.directory, 'tagImage.zip'));
    expect(entries.map((entry) => entry.name).sort()).toEqual(['.build/ami-tagger.rules.json', 'handlers/tag-image.js']);
    // Relative to the package root, the working directory in Lambda and in `sls invoke local`.
    const rulesPath = String(environmentOf(template, 'TagImageLambdaFunction').AMI_TAGGER_RULES_FILE);
    const shipped: unknown = JSON.parse(entryNamed(entries, rulesPath).read().toString('utf8'));
    expect(shipped).toEqual(loadRulesFile(path.join(SERVICE_DIR, 'ami-tagger.yml')));
    const bundle = entryNamed(entries, 'handlers/tag-image.js').read();
    expect(externalRequires(bundle.toString('utf8'))).toEqual([]);
    expect(exportsHandler(bundle)).toBe(true);
  });
});

describe('sls package with the direct path and central mode switched on', () => {
  let packaging: Packaging;
  let template: Template;
  beforeAll(() => {
    packaging = slsPackage('direct-central', [
      'directPath=true',
      `webhookSecretParameter=${SECRET_PARAMETER}`,
      `memberRoleName=${MEMBER_ROLE}`,
      'externalId=ami-tagger-external-id',
      `organizationId=${ORGANIZATION_ID}`,
      `alarmTopicArn=${ALARM_TOPIC}`,
    ]);
    template = packagedTemplate(packaging);
  }, PACKAGING_TIMEOUT_MS);

  it('adds the direct-path function with a Function URL and the name of its secret', () => {
    const directTag = resourceNamed(template, 'DirectTagLambdaFunction').Properties;
    expect(directTag.Handler).toBe('handlers/direct-tag.handler');
    expect(directTag.Runtime).toBe('nodejs22.x');
    expect(directTag.Role).toEqual({ 'Fn::GetAtt': ['DirectTagRole', 'Arn'] });
    expect(environmentOf(template, 'DirectTagLambdaFunction')).toEqual(expect.objectContaining({ AMI_TAGGER_WEBHOOK_SECRET_PARAMETER: SECRET_PARAMETER }));
    expect(resourcesOfType(template, 'AWS::Lambda::Url').map(([, url]) => url.Properties.AuthType)).toEqual(['NONE']);
    expect(field(template.Outputs, 'DirectTagRoleArn', 'Value')).toEqual({ 'Fn::GetAtt': ['DirectTagRole', 'Arn'] });
    const entries = readZipEntries(path.join(packaging.directory, 'directTag.zip'));
    expect(entries.map((entry) => entry.name).sort()).toEqual(['.build/ami-tagger.rules.json', 'handlers/direct-tag.js']);
    expect(exportsHandler(entryNamed(entries, 'handlers/direct-tag.js').read())).toBe(true);
  });

  it('lets only the direct path read and decrypt its one secret parameter', () => {
    const directStatements = roleStatements(resourceNamed(template, 'DirectTagRole'));
    const parameterArn = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ami-tagger/test/webhook-secret';
    expect(directStatements.filter((statement) => statement.Action.some((action) => action.startsWith('ssm:')))).toEqual([
      expect.objectContaining({ Action: ['ssm:GetParameter'], Resource: [{ 'Fn::Sub': parameterArn }] }),
    ]);
    const decrypt = directStatements.filter((statement) => statement.Action.includes('kms:Decrypt'));
    expect(decrypt).toHaveLength(1);
    expect(field(decrypt[0]?.Condition, 'StringEquals', 'kms:EncryptionContext:PARAMETER_ARN')).toEqual({ 'Fn::Sub': parameterArn });
    expect(field(decrypt[0]?.Condition, 'StringEquals', 'kms:ViaService')).toEqual({ 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' });
    const eventPathActions = roleStatements(resourceNamed(template, 'IamRoleLambdaExecution')).flatMap((statement) => statement.Action);
    expect(eventPathActions.filter((action) => action.startsWith('ssm:') || action.startsWith('kms:'))).toEqual([]);
  });

  it('lets both functions assume only the member role, and tells them its name', () => {
    for (const role of ['IamRoleLambdaExecution', 'DirectTagRole']) {
      const assume = roleStatements(resourceNamed(template, role)).filter((statement) => statement.Action.includes('sts:AssumeRole'));
      expect(assume.map((statement) => statement.Resource.map(arnText))).toEqual([[`arn:\${AWS::Partition}:iam::*:role/${MEMBER_ROLE}`]]);
    }
    for (const fn of ['TagImageLambdaFunction', 'DirectTagLambdaFunction']) {
      expect(environmentOf(template, fn)).toEqual(expect.objectContaining({ AMI_TAGGER_ROLE_NAME: MEMBER_ROLE, AMI_TAGGER_EXTERNAL_ID: 'ami-tagger-external-id' }));
    }
    for (const statement of allRoleStatements(template)) {
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  it('lets the accounts of the organization put events on the default bus', () => {
    const policy = onlyResourceOfType(template, 'AWS::Events::EventBusPolicy');
    expect(policy.Properties.EventBusName).toBe('default');
    expect(policy.Properties.Statement).toEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
      }),
    );
  });

  it('tells the SNS topic when an event waits in a dead-letter queue', () => {
    const actions = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.AlarmActions);
    expect(actions).toEqual([[ALARM_TOPIC], [ALARM_TOPIC]]);
  });
});

describe('sls package refuses bad input before building anything', () => {
  it('fails on a rules file that does not validate, naming the file and the field', () => {
    const rulesFile = path.join(scratch, 'bad-rules.yml');
    writeFileSync(rulesFile, 'tags:\n  ManagedBy: ami-tagger\noverwrite: sometimes\n');
    const packaging = slsPackage('bad-rules', [`rulesFile=${rulesFile}`]);
    expect(packaging.status).not.toBe(0);
    expect(packaging.output).toContain(`The tag rules file ${rulesFile} is not valid`);
    expect(packaging.output).toMatch(/overwrite: /);
    expect(packaging.output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m); // no stack trace for bad input
  }, PACKAGING_TIMEOUT_MS);

  it('fails on a switch that is neither true nor false, naming it', () => {
    const packaging = slsPackage('bad-switch', ['directPath=yes']);
    expect(packaging.status).not.toBe(0);
    expect(packaging.output).toContain('Parameter "directPath" is "yes": expected true or false');
  }, PACKAGING_TIMEOUT_MS);
});

describe('sls invoke local against the local EC2 endpoint', () => {
  // In this file, not one of its own: sls builds in the one .esbuild folder of the checkout, so
  // two sls runs must not overlap, and the tests of one file run one after the other.
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await startFakeAws();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('runs the bundled function on an example event, reaching EC2 only through AWS_ENDPOINT_URL_EC2', async () => {
    const image = fake.seedImage({ imageId: 'ami-0a1b2c3d4e5f60001', region: 'us-east-1', name: 'checkout-web-2.7.0-h311.9be41c0-x86_64-20261124100000-noble', snapshotCount: 1 });
    // Asynchronously: the stand-in answers from this process, which must not block while sls runs.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        SLS,
        ['invoke', 'local', '-f', 'tagImage', '--region', 'us-east-1', '--stage', 'test', '--path', 'examples/events/create-image.json'],
        {
          cwd: SERVICE_DIR,
          encoding: 'utf8',
          timeout: PACKAGING_TIMEOUT_MS,
          env: {
            ...process.env,
            ...fake.endpointEnvironment(),
            SLS_TELEMETRY_DISABLED: '1',
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
            AWS_PROFILE: '',
            FORCE_COLOR: '0',
          },
        },
        (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : `${result.stdout}${result.stderr}` }).toEqual({ status: 0, stderr: '' });
    const snapshotId = image.blockDeviceMappings[0]?.snapshotId ?? '';
    expect(fake.tagsOf(fake.defaultAccount, 'us-east-1', image.imageId)).toMatchObject({ ManagedBy: 'ami-tagger', CreatedBy: 'rosco-bakery', CreatedVia: 'CreateImage' });
    expect(fake.tagsOf(fake.defaultAccount, 'us-east-1', snapshotId)).toMatchObject({ ManagedBy: 'ami-tagger', CreatedBy: 'rosco-bakery' });
    expect(fake.countCalls('CreateTags')).toBe(1);
  });
});
