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
import { readFileSync } from 'node:fs';
import { loadRulesFile } from '../../src/rules/load';
import { GUESSES_TAG_KEY } from '../../src/tagger/guesses';
import { EVENTS_METRIC, METRIC_NAMESPACE } from '../../src/tagger/metrics';
import { IMAGE_OUTCOMES, INPUT_OUTCOMES } from '../../src/tagger/outcome';
import { allRoleStatements, arnText, field, isRecord, onlyResourceOfType, resourceNamed, resourcesOfType, roleStatements, type PolicyStatement, type Template } from './cloudformation';
import { scanCode } from './code-actions';
import { IMAGE_AVAILABLE_PATTERN, IMAGE_CREATED_PATTERN } from './event-patterns';
import { readmeIamTables, type Applies } from './readme-iam';
import { specificationProblems } from './resource-spec';
import { PACKAGING_TIMEOUT_MS, packagedTemplate, SERVICE_DIR, SLS, slsPackage as packageStack, templateFile, type Packaging } from './packaging';
import { readZipEntries, type ZipEntry } from './zip-archive';
import { startFakeAws, TEST_CREDENTIALS, type FakeAws } from '../support/fake-aws';


const MEMBER_ROLE = 'ami-tagger-member';
const MEMBER_ACCOUNTS = ['444455556666', '555566667777'];
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ami-tagger-alarms';
const SECRET_PARAMETER = '/ami-tagger/test/webhook-secret';

const scratch = mkdtempSync(path.join(tmpdir(), 'ami-tagger-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const slsPackage = (name: string, params: string[]): Packaging => packageStack(scratch, name, params);

/** What CloudFormation's resource specification finds wrong in a packaged template (nothing, one hopes). */
function specProblemsOf(packaging: Packaging): string[] {
  return specificationProblems(JSON.parse(readFileSync(templateFile(packaging), 'utf8')), path.basename(packaging.directory));
}

/** The condition keys of a statement: `{ StringEquals: { 'aws:ResourceOrgID': ... } }` -> ['aws:ResourceOrgID']. */
function conditionKeys(statement: PolicyStatement): string[] {
  const condition = statement.Condition;
  if (!isRecord(condition)) return [];
  return Object.values(condition).flatMap((byKey) => (isRecord(byKey) ? Object.keys(byKey) : []));
}

const unique = (items: string[]): string[] => [...new Set(items)].sort();

/**
 * The README's table for `role`, restricted to the rows that apply in this packaging, says exactly
 * what the role grants: the same actions, `*` resources where it says so, and no condition key it
 * does not name. Returns the condition keys seen, for the check that each named key is used somewhere.
 */
function expectReadmeToDescribe(template: Template, role: string, applies: Applies[]): string[] {
  const rows = (readmeIamTables().get(role) ?? []).filter((row) => applies.includes(row.applies));
  const statements = roleStatements(resourceNamed(template, role));
  expect({ role, actions: unique(statements.flatMap((statement) => statement.Action)) }).toEqual({ role, actions: unique(rows.flatMap((row) => row.actions)) });
  const seen: string[] = [];
  for (const row of rows) {
    const granting = statements.filter((statement) => statement.Action.some((action) => row.actions.includes(action)));
    expect({ role, actions: row.actions, anyResource: granting.some((statement) => statement.Resource.includes('*')) }).toEqual({ role, actions: row.actions, anyResource: row.anyResource });
    const keys = unique(granting.flatMap(conditionKeys));
    expect({ role, actions: row.actions, unlisted: keys.filter((key) => !row.conditionKeys.includes(key)) }).toEqual({ role, actions: row.actions, unlisted: [] });
    seen.push(...keys);
  }
  return seen;
}

/** Condition keys the README names, each of which some packaging below must show (collected as they run). */
const conditionKeysSeen = new Set<string>();

/**
 * Actions the roles grant that no code of ami-tagger sends, each for a reason: AWS sends them
 * with the function's role on its behalf.
 */
const GRANTED_FOR_AWS: ReadonlyMap<string, string> = new Map([
  // Lambda writes the function's logs with its role (osls's logging statement and WriteOwnLogs).
  ['logs:CreateLogGroup', 'Lambda, should the log group be missing'],
  ['logs:CreateLogStream', 'Lambda, for each new container'],
  ['logs:PutLogEvents', "Lambda, for the function's log lines"],
  ['logs:TagResource', "Lambda, tagging a log group it creates (osls's default)"],
  // Lambda sends an event that failed after its retries to the on-failure destination with the role.
  ['sqs:SendMessage', "Lambda, to the failed-events queue (the tagImage function's on-failure destination)"],
  // Lambda's event source mapping takes the backfill worker's pages from its queue with the worker's role.
  ['sqs:ReceiveMessage', "Lambda, polling the backfill worker's queue"],
  ['sqs:DeleteMessage', "Lambda, deleting a page the backfill worker did"],
  ['sqs:GetQueueAttributes', "Lambda, reading the backfill worker's queue"],
  // SSM decrypts the SecureString (GetParameter WithDecryption) with the caller's permission.
  ['kms:Decrypt', 'SSM, decrypting the webhook secret for the direct path'],
]);

/** Calls the code makes that need no permission. */
const NEEDS_NO_PERMISSION: ReadonlyMap<string, string> = new Map([
  // STS API reference: "No permissions are required to perform this operation." Only the CLI asks.
  ['sts:GetCallerIdentity', 'who the CLI runs as'],
]);

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
      AMI_TAGGER_ACCOUNTS: '',
      AMI_TAGGER_EXTERNAL_ID: '',
      POWERTOOLS_SERVICE_NAME: 'ami-tagger',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('alarms on the tagger\'s own failure metric (Outcome failed), not only on queue depth; no dashboard unless asked', () => {
    const alarm = resourceNamed(template, 'TaggingFailureAlarm').Properties;
    expect(alarm).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: EVENTS_METRIC, Dimensions: [{ Name: 'Outcome', Value: 'failed' }], Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(resourcesOfType(template, 'AWS::CloudWatch::Dashboard')).toEqual([]);
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
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties).filter((alarm) => alarm.Namespace === 'AWS/SQS');
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

  it('grants the event path exactly what the README lists for it, and with the default rules no tag-key condition', () => {
    expectReadmeToDescribe(template, 'IamRoleLambdaExecution', ['always']);
    const createTags = allRoleStatements(template).filter((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(createTags.map((statement) => statement.Condition)).toEqual([undefined]);
    expect(template.Outputs.CreateTagsKeys).toBeUndefined();
  });

  it('fits CloudFormation\'s resource specification', () => {
    expect(specProblemsOf(packaging)).toEqual([]);
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

describe('sls package with the direct path, its Function URL and central mode for two accounts', () => {
  let packaging: Packaging;
  let template: Template;
  beforeAll(() => {
    packaging = slsPackage('direct-central', [
      'directPath=true',
      'directPathUrl=true',
      `webhookSecretParameter=${SECRET_PARAMETER}`,
      `memberRoleName=${MEMBER_ROLE}`,
      `accounts=${MEMBER_ACCOUNTS[1]},${MEMBER_ACCOUNTS[0]}`,
      'externalId=ami-tagger-external-id',
      `organizationId=${ORGANIZATION_ID}`,
      `alarmTopicArn=${ALARM_TOPIC}`,
      'dashboard=true',
      'reconcile=rate(6 hours)',
      'backfillWorker=true',
    ]);
    template = packagedTemplate(packaging);
  }, PACKAGING_TIMEOUT_MS);

  it('adds a dashboard of images by every outcome and both dead-letter queues, with their names resolved at deploy time', () => {
    const dashboard = onlyResourceOfType(template, 'AWS::CloudWatch::Dashboard').Properties;
    const parts = field(dashboard, 'DashboardBody', 'Fn::Join', 1);
    expect(Array.isArray(parts)).toBe(true);
    // Put the intrinsics back as markers, and the body must be valid JSON.
    const body = JSON.parse((parts as unknown[]).map((part) => (typeof part === 'string' ? part : `INTRINSIC:${JSON.stringify(part).replace(/"/g, "'")}`)).join('')) as { widgets: Array<{ properties: { metrics: unknown[][] } }> };
    const [outcomes, queues] = body.widgets;
    expect(outcomes?.properties.metrics.map((metric) => metric[3])).toEqual([...Object.keys(IMAGE_OUTCOMES), ...Object.keys(INPUT_OUTCOMES)]);
    expect(outcomes?.properties.metrics.every((metric) => metric[0] === METRIC_NAMESPACE && metric[1] === EVENTS_METRIC)).toBe(true);
    expect(queues?.properties.metrics.map((metric) => metric[3])).toEqual([
      `INTRINSIC:{'Fn::GetAtt':['RuleDeadLetterQueue','QueueName']}`,
      `INTRINSIC:{'Fn::GetAtt':['InvocationFailureQueue','QueueName']}`,
    ]);
  });

  it('adds the direct-path function with a Function URL, the name of its secret, and 5 reserved copies', () => {
    const directTag = resourceNamed(template, 'DirectTagLambdaFunction').Properties;
    expect(directTag.Handler).toBe('handlers/direct-tag.handler');
    expect(directTag.Runtime).toBe('nodejs22.x');
    expect(directTag.Role).toEqual({ 'Fn::GetAtt': ['DirectTagRole', 'Arn'] });
    expect(directTag.ReservedConcurrentExecutions).toBe(5);
    expect(resourceNamed(template, 'TagImageLambdaFunction').Properties.ReservedConcurrentExecutions).toBeUndefined();
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

  it('lets both functions assume the member role in exactly the listed accounts, and tells them the list', () => {
    for (const role of ['IamRoleLambdaExecution', 'DirectTagRole']) {
      const assume = roleStatements(resourceNamed(template, role)).filter((statement) => statement.Action.includes('sts:AssumeRole'));
      expect(assume.map((statement) => ({ resources: statement.Resource.map(arnText), condition: statement.Condition }))).toEqual([
        { resources: MEMBER_ACCOUNTS.map((account) => `arn:\${AWS::Partition}:iam::${account}:role/${MEMBER_ROLE}`), condition: undefined },
      ]);
    }
    for (const fn of ['TagImageLambdaFunction', 'DirectTagLambdaFunction']) {
      expect(environmentOf(template, fn)).toEqual(
        expect.objectContaining({ AMI_TAGGER_ROLE_NAME: MEMBER_ROLE, AMI_TAGGER_ACCOUNTS: MEMBER_ACCOUNTS.join(','), AMI_TAGGER_EXTERNAL_ID: 'ami-tagger-external-id' }),
      );
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

  it('tells the SNS topic when an event waits in a dead-letter queue, tagging fails, reconcile fails, or a backfill page fails or waits in its dead-letter queue', () => {
    const actions = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.AlarmActions);
    expect(actions).toEqual([[ALARM_TOPIC], [ALARM_TOPIC], [ALARM_TOPIC], [ALARM_TOPIC], [ALARM_TOPIC], [ALARM_TOPIC]]);
  });

  it('grants both roles exactly what the README lists for them', () => {
    for (const role of ['IamRoleLambdaExecution', 'DirectTagRole']) {
      for (const key of expectReadmeToDescribe(template, role, ['always', 'central mode', 'directPathUrl'])) conditionKeysSeen.add(key);
    }
  });

  it('grants every action the functions\' code can send, and beyond those only what AWS sends for it; no "*" action', () => {
    const scan = scanCode();
    expect(scan.unknown).toEqual([]);
    // What a handler reaches through its imports; the CLI's own calls use the caller's credentials.
    const sent = unique(scan.commands.filter((command) => command.inFunctions).map((command) => command.action));
    const granted = unique(allRoleStatements(template).flatMap((statement) => statement.Action));
    expect(granted.filter((action) => !/^[a-z0-9-]+:[A-Za-z]+$/.test(action))).toEqual([]);
    expect(sent.filter((action) => !granted.includes(action) && !NEEDS_NO_PERMISSION.has(action))).toEqual([]);
    expect(granted.filter((action) => !sent.includes(action) && !GRANTED_FOR_AWS.has(action))).toEqual([]);
    // The allow-lists hold nothing stale either.
    expect([...GRANTED_FOR_AWS.keys()].filter((action) => !granted.includes(action))).toEqual([]);
    expect([...NEEDS_NO_PERMISSION.keys()].filter((action) => !sent.includes(action))).toEqual([]);
  });

  it('fits CloudFormation\'s resource specification', () => {
    expect(specProblemsOf(packaging)).toEqual([]);
  });
});

describe('sls package with the direct path for the AWS Lambda stage only, central mode for an organization, rules with fixed keys', () => {
  let packaging: Packaging;
  let template: Template;
  const rulesFile = path.join(scratch, 'fixed-keys.yml');
  const RULE_KEYS = ['ManagedBy', 'CreatedBy', 'Application'];
  beforeAll(() => {
    writeFileSync(
      rulesFile,
      [
        'tags:',
        '  ManagedBy: ami-tagger',
        '  CreatedBy: "{creator.principal}"',
        '  Application: "{appversion.package|name.app}"',
        "nameMatch: '^(?<app>[a-z][a-z0-9-]*?)-'",
        'copySourceTags: false',
        'snapshots:',
        '  copyImageTags: false',
        '',
      ].join('\n'),
    );
    packaging = slsPackage('direct-organization', [
      'directPath=true',
      'directPathConcurrency=none',
      `memberRoleName=${MEMBER_ROLE}`,
      `accounts=${ORGANIZATION_ID}`,
      `rulesFile=${rulesFile}`,
    ]);
    template = packagedTemplate(packaging);
  }, PACKAGING_TIMEOUT_MS);

  it('has no Function URL, no public permission, no secret and no reserved concurrency', () => {
    expect(resourcesOfType(template, 'AWS::Lambda::Url')).toEqual([]);
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(([, permission]) => permission.Properties);
    expect(permissions.filter((permission) => JSON.stringify(permission.FunctionName).includes('DirectTag'))).toEqual([]);
    expect(permissions.map((permission) => permission.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
    expect(environmentOf(template, 'DirectTagLambdaFunction')).not.toHaveProperty('AMI_TAGGER_WEBHOOK_SECRET_PARAMETER');
    expect(resourceNamed(template, 'DirectTagLambdaFunction').Properties.ReservedConcurrentExecutions).toBeUndefined();
    const actions = allRoleStatements(template).flatMap((statement) => statement.Action);
    expect(actions.filter((action) => action.startsWith('ssm:') || action.startsWith('kms:'))).toEqual([]);
    expect(template.Outputs.DirectTagLambdaFunctionUrl).toBeUndefined();
  });

  it('lets both roles assume the member role only in accounts of the organization', () => {
    for (const role of ['IamRoleLambdaExecution', 'DirectTagRole']) {
      const assume = roleStatements(resourceNamed(template, role)).filter((statement) => statement.Action.includes('sts:AssumeRole'));
      expect(assume.map((statement) => ({ resources: statement.Resource.map(arnText), condition: statement.Condition }))).toEqual([
        { resources: [`arn:\${AWS::Partition}:iam::*:role/${MEMBER_ROLE}`], condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } } },
      ]);
    }
    expect(environmentOf(template, 'TagImageLambdaFunction')).toEqual(expect.objectContaining({ AMI_TAGGER_ACCOUNTS: ORGANIZATION_ID }));
  });

  it('lets CreateTags write only the rules\' keys and ami-tagger\'s own, and lists them for the member roles', () => {
    const createTags = allRoleStatements(template).filter((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(createTags).toHaveLength(2);
    for (const statement of createTags) {
      expect(statement.Condition).toEqual({ 'ForAllValues:StringEquals': { 'aws:TagKeys': [...RULE_KEYS, GUESSES_TAG_KEY] } });
    }
    expect(field(template.Outputs, 'CreateTagsKeys', 'Value')).toBe([...RULE_KEYS, GUESSES_TAG_KEY].join(','));
  });

  it('grants both roles exactly what the README lists for this set-up', () => {
    for (const role of ['IamRoleLambdaExecution', 'DirectTagRole']) {
      for (const key of expectReadmeToDescribe(template, role, ['always', 'central mode'])) conditionKeysSeen.add(key);
    }
  });

  it('fits CloudFormation\'s resource specification', () => {
    expect(specProblemsOf(packaging)).toEqual([]);
  });
});

describe('the README\'s IAM tables', () => {
  it('name no condition key that the packagings above did not show', () => {
    const named = unique([...readmeIamTables().values()].flatMap((rows) => rows.flatMap((row) => row.conditionKeys)));
    expect(named.filter((key) => !conditionKeysSeen.has(key))).toEqual([]);
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

  it('fails on central mode without the accounts it may act in, and on accounts without central mode', () => {
    const withoutAccounts = slsPackage('role-without-accounts', [`memberRoleName=${MEMBER_ROLE}`]);
    expect(withoutAccounts.status).not.toBe(0);
    expect(withoutAccounts.output).toContain('Parameter "memberRoleName" is set, but parameter "accounts" is empty');
    const withoutRole = slsPackage('accounts-without-role', [`accounts=${MEMBER_ACCOUNTS[0]}`]);
    expect(withoutRole.status).not.toBe(0);
    expect(withoutRole.output).toContain('Parameter "accounts" is set, but parameter "memberRoleName" is empty');
    const malformed = slsPackage('bad-accounts', [`memberRoleName=${MEMBER_ROLE}`, 'accounts=4444-5555-6666']);
    expect(malformed.status).not.toBe(0);
    expect(malformed.output).toContain('"4444-5555-6666" is not an account id');
  }, 3 * PACKAGING_TIMEOUT_MS);

  it('fails on a reserved concurrency of 0 or not a number, and on a Function URL without the direct path', () => {
    const zero = slsPackage('concurrency-zero', ['directPath=true', 'directPathConcurrency=0']);
    expect(zero.status).not.toBe(0);
    expect(zero.output).toContain('Parameter "directPathConcurrency" is "0": Lambda would throttle every call');
    const word = slsPackage('concurrency-word', ['directPath=true', 'directPathConcurrency=many']);
    expect(word.status).not.toBe(0);
    expect(word.output).toContain('Parameter "directPathConcurrency" is "many": expected a whole number from 1 to 1000');
    const urlAlone = slsPackage('url-without-direct-path', ['directPathUrl=true']);
    expect(urlAlone.status).not.toBe(0);
    expect(urlAlone.output).toContain('Parameter "directPathUrl" is true, but "directPath" is false');
  }, 3 * PACKAGING_TIMEOUT_MS);
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
