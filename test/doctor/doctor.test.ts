/**
 * `ami-tagger doctor` against recorded AWS answers (aws-sdk-client-mock behind the real SDK
 * clients and the real adapter): three regions, one broken in every way a deployed stack can be
 * at once; each remaining fault alone; central mode with its forwarding regions, bus policy and
 * member roles. Every fault must be found, the healthy regions must raise no alarm, and the calls
 * each region costs are counted.
 */
import { SdkDoctorReads } from '../../src/aws/doctor-reads';
import { runDoctor, type DoctorReport } from '../../src/doctor/doctor';
import type { Finding } from '../../src/doctor/findings';
import { VERSION_OUTPUT } from '../../src/doctor/names';
import { renderDoctorReport } from '../../src/doctor/render';
import { runCli } from '../support/cli';
import {
  ACCOUNT,
  failedEventsUrl,
  functionArn,
  healthyRegion,
  NAMES,
  ruleDlqUrl,
  serveRecordedAws,
  STAGE,
  total,
  VERSION,
  type RecordedAws,
  type RecordedRegion,
  type RecordedWorld,
} from './recorded-aws';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const CREATED = NAMES.rules['image-created'];
const AVAILABLE = NAMES.rules['image-available'];

let served: RecordedAws | undefined;
afterEach(() => served?.restore());

async function doctor(world: RecordedWorld, options: { centralBus?: string; memberAccounts?: string[] } = {}): Promise<DoctorReport> {
  served = serveRecordedAws(world);
  return runDoctor(new SdkDoctorReads({}, () => NOW), { regions: Object.keys(world.regions), stage: STAGE, version: VERSION, now: () => NOW, ...options });
}

const of = (report: DoctorReport, region: string): Finding[] => report.findings.filter((finding) => finding.region === region);
const statuses = (findings: Finding[]): Record<string, string> => Object.fromEntries(findings.map((finding) => [finding.check, finding.status]));
const finding = (report: DoctorReport, region: string, check: string): Finding => {
  const found = report.findings.find((candidate) => candidate.region === region && candidate.check === check);
  if (!found) throw new Error(`no finding ${region} ${check}: ${JSON.stringify(statuses(of(report, region)))}`);
  return found;
};

/** The checks of a region that has the stack, all healthy. */
const HEALTHY_CHECKS = {
  stack: 'ok',
  version: 'ok',
  'rule image-created': 'ok',
  'rule image-available': 'ok',
  'queue rule-dlq': 'ok',
  'queue failed-events': 'ok',
  function: 'ok',
  trail: 'ok',
};

/** One region broken in each way a deployed stack can be broken at the same time. */
function brokenRegion(region: string): RecordedRegion {
  const broken = healthyRegion(region);
  if (!broken.stack) throw new Error('healthy regions have a stack');
  broken.stack.outputs[VERSION_OUTPUT] = '0.0.9';
  (broken.rules[CREATED] as { state: string }).state = 'DISABLED';
  const available = broken.rules[AVAILABLE];
  if (!available) throw new Error('no rule');
  available.pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 AMI State Change'], detail: { State: ['pending'] } };
  available.targets = [{ Id: 'no-dlq', Arn: functionArn(region) }];
  (broken.queues[ruleDlqUrl(region)] as { visible: number }).visible = 3;
  broken.metrics.ages[NAMES.queues['rule-dlq']] = [7260];
  (broken.queues[failedEventsUrl(region)] as { inFlight: number }).inFlight = 1;
  (broken.trails[0] as { logging: boolean }).logging = false;
  return broken;
}

/** The faults brokenRegion carries, each as the finding that must report it and a text it must say. */
const BROKEN_FAULTS: Array<[string, RegExp]> = [
  ['version', /deployed from ami-tagger 0\.0\.9/],
  ['rule image-created', /is DISABLED/],
  ['rule image-available', /its pattern is .*"pending"/],
  ['rule image-available', /no dead-letter queue/],
  ['queue rule-dlq', /3 message\(s\) wait .* the oldest 2 h 01 min old/],
  ['queue failed-events', /1 message\(s\) wait .*1 being read/],
  ['trail', /management-events is not logging/],
];

describe('doctor: three regions, one broken in every way at once', () => {
  it('finds every fault in the broken region, none in the healthy ones, and counts the calls per region', async () => {
    const report = await doctor({ regions: { 'eu-west-1': healthyRegion('eu-west-1'), 'us-east-1': healthyRegion('us-east-1'), 'ap-southeast-2': brokenRegion('ap-southeast-2') }, assumable: [] });

    expect(statuses(of(report, 'eu-west-1'))).toEqual(HEALTHY_CHECKS);
    expect(statuses(of(report, 'us-east-1'))).toEqual(HEALTHY_CHECKS);
    const found = BROKEN_FAULTS.filter(([check, text]) => {
      const result = finding(report, 'ap-southeast-2', check);
      return result.status === 'fail' && text.test(result.detail) && (result.fix ?? '') !== '';
    });
    expect(found.map(([check]) => check)).toEqual(BROKEN_FAULTS.map(([check]) => check));
    expect(statuses(of(report, 'ap-southeast-2'))).toEqual({ ...HEALTHY_CHECKS, version: 'fail', 'rule image-created': 'fail', 'rule image-available': 'fail', 'queue rule-dlq': 'fail', 'queue failed-events': 'fail', trail: 'fail' });
    expect(report.counts).toEqual({ ok: 18, fail: 6, error: 0, skip: 0 });

    // The fixes are commands: the replay of the queue, the rule to enable, the trail to start.
    expect(finding(report, 'ap-southeast-2', 'queue rule-dlq').fix).toContain(`npx ami-tagger replay --queue ${ruleDlqUrl('ap-southeast-2')}`);
    expect(finding(report, 'ap-southeast-2', 'rule image-created').fix).toContain(`aws events enable-rule --name ${CREATED} --region ap-southeast-2`);
    expect(finding(report, 'ap-southeast-2', 'trail').fix).toMatch(/aws cloudtrail start-logging .*reconcile/);
    expect(finding(report, 'ap-southeast-2', 'trail').detail).toMatch(/CreatedBy and CreatedVia stay unset/);

    // Calls per region: the same 13 reads in every region, broken or not; nothing global.
    const perAction = { DescribeStacks: 1, ListStackResources: 1, GetTemplate: 1, DescribeRule: 2, ListTargetsByRule: 2, GetQueueAttributes: 2, GetMetricData: 1, DescribeTrails: 1, GetTrailStatus: 1, GetEventSelectors: 1 };
    const byRegion = served?.callsByRegion() ?? {};
    expect(byRegion).toEqual({ 'eu-west-1': perAction, 'us-east-1': perAction, 'ap-southeast-2': perAction });
    expect(Object.keys(byRegion).map((region) => total(byRegion[region]))).toEqual([13, 13, 13]);
  });

  it('prints a table with a fix column, each fix in full below it; JSON and the exit code through the CLI', async () => {
    const world = { regions: { 'eu-west-1': healthyRegion('eu-west-1'), 'us-east-1': healthyRegion('us-east-1'), 'ap-southeast-2': brokenRegion('ap-southeast-2') }, assumable: [] };
    const report = await doctor(world);
    const text = renderDoctorReport(report);
    expect(text).toMatch(/^region\s+check\s+status\s+finding\s+fix$/m);
    expect(text).toMatch(/^ap-southeast-2\s+queue rule-dlq\s+FAIL\s+3 message.*\[\d\]$/m);
    expect(text).toContain(`    fix: see what they are: \`npx ami-tagger replay --queue ${ruleDlqUrl('ap-southeast-2')} --dry-run\``);
    expect(text).toMatch(/18 ok, 6 to fix, 0 could not be checked, 0 skipped/);
    served?.restore();

    served = serveRecordedAws(world);
    const run = await runCli(['doctor', '--regions', 'eu-west-1,us-east-1,ap-southeast-2', '--stage', STAGE, '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as DoctorReport;
    expect(json.counts).toEqual({ ok: 18, fail: 6, error: 0, skip: 0 });
    served.restore();

    served = serveRecordedAws({ regions: { 'eu-west-1': healthyRegion('eu-west-1'), 'us-east-1': healthyRegion('us-east-1') }, assumable: [] });
    const healthy = await runCli(['doctor', '--regions', 'all', '--stage', STAGE]);
    expect(healthy).toMatchObject({ code: 0, stderr: '' });
    expect(healthy.stdout).toMatch(/16 ok, 0 to fix/);
    expect(served.calls.filter((call) => call.startsWith('global'))).toEqual(['global DescribeRegions']);
  });
});

/** Each fault that cannot share a region with the others, alone in an otherwise healthy region. */
const SINGLE_FAULTS: Array<{ fault: string; breaks: (region: RecordedRegion) => void; check: string; status: string; says: RegExp; calls: number }> = [
  { fault: 'no stack', breaks: (region) => delete region.stack, check: 'stack', status: 'fail', says: /not deployed in eu-west-1/, calls: 1 },
  { fault: 'first deploy rolled back', breaks: (region) => ((region.stack as { status: string }).status = 'ROLLBACK_COMPLETE'), check: 'stack', status: 'fail', says: /ROLLBACK_COMPLETE/, calls: 3 },
  { fault: 'stack older than the version output', breaks: (region) => delete region.stack?.outputs[VERSION_OUTPUT], check: 'version', status: 'fail', says: /no AmiTaggerVersion output/, calls: 13 },
  { fault: 'rule deleted', breaks: (region) => delete region.rules[CREATED], check: 'rule image-created', status: 'fail', says: /does not exist/, calls: 12 },
  {
    fault: 'rule sends elsewhere',
    breaks: (region) => ((region.rules[AVAILABLE] as { targets: unknown[] }).targets = [{ Id: 'other', Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:someone-else' }]),
    check: 'rule image-available',
    status: 'fail',
    says: /sends to arn:aws:lambda:eu-west-1:111122223333:function:someone-else, not to the function/,
    calls: 13,
  },
  { fault: 'no trail at all', breaks: (region) => (region.trails = []), check: 'trail', status: 'fail', says: /no CloudTrail trail logs eu-west-1/, calls: 11 },
  { fault: 'trail logs reads only', breaks: (region) => ((region.trails[0] as { selectors: unknown[] }).selectors = [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }]), check: 'trail', status: 'fail', says: /only read-only management events/, calls: 13 },
  { fault: 'trail logs data events only', breaks: (region) => ((region.trails[0] as { selectors: unknown[] }).selectors = [{ ReadWriteType: 'All', IncludeManagementEvents: false }]), check: 'trail', status: 'fail', says: /logs no management events/, calls: 13 },
];

describe('doctor: each remaining fault alone', () => {
  it.each(SINGLE_FAULTS)('$fault: found, and nothing else raised', async ({ breaks, check, status, says, calls }) => {
    const region = healthyRegion('eu-west-1');
    breaks(region);
    const report = await doctor({ regions: { 'eu-west-1': region }, assumable: [] });
    const result = finding(report, 'eu-west-1', check);
    expect({ status: result.status, detail: result.detail }).toEqual({ status, detail: expect.stringMatching(says) });
    expect(result.fix).toEqual(expect.any(String));
    expect(report.findings.filter((other) => other !== result && other.status !== 'ok')).toEqual([]);
    expect(total(served?.callsByRegion()['eu-west-1'])).toBe(calls);
  });

  it('an organization trail that a member account cannot read is no alarm: skipped, with the reason', async () => {
    const region = healthyRegion('eu-west-1');
    region.trails = [{ name: 'org-trail', homeRegion: 'us-east-1', organization: true, logging: true, selectors: [], statusError: 'TrailNotFoundException' }];
    const report = await doctor({ regions: { 'eu-west-1': region }, assumable: [] });
    expect(finding(report, 'eu-west-1', 'trail')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/org-trail, an organization trail, could not be read/) });
    expect(report.counts.fail).toBe(0);
  });

  it('a read AWS refuses is "could not check", naming the permission; the command exits 3', async () => {
    const world = { regions: { 'eu-west-1': healthyRegion('eu-west-1') }, assumable: [], denied: ['DescribeRule'] };
    const report = await doctor(world);
    expect(finding(report, 'eu-west-1', 'rule image-created')).toMatchObject({ status: 'error', detail: expect.stringMatching(/could not check: events:DescribeRule: AccessDeniedException/), fix: expect.stringMatching(/allow events:DescribeRule/) });
    expect(report.counts).toEqual({ ok: 6, fail: 0, error: 2, skip: 0 });
    served?.restore();
    served = serveRecordedAws(world);
    expect((await runCli(['doctor', '--region', 'eu-west-1', '--stage', STAGE])).code).toBe(3);
  });

  it('a stack in the middle of an update is checked, and said to be changing, not broken', async () => {
    const region = healthyRegion('eu-west-1');
    (region.stack as { status: string }).status = 'UPDATE_IN_PROGRESS';
    const report = await doctor({ regions: { 'eu-west-1': region }, assumable: [] });
    expect(finding(report, 'eu-west-1', 'stack')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/being changed/) });
    expect(report.counts).toMatchObject({ fail: 0, ok: 7 });
  });
});

describe('doctor: central mode', () => {
  const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
  const MEMBERS = ['444455556666', '555566667777', '666677778888'];

  function centralWorld(): RecordedWorld {
    const central = healthyRegion('us-east-1');
    if (!central.stack) throw new Error('stack');
    central.stack.environment = { AMI_TAGGER_ROLE_NAME: 'ami-tagger-member', AMI_TAGGER_ACCOUNTS: MEMBERS.join(','), AMI_TAGGER_EXTERNAL_ID: 'base' };
    // The bus lets two of the three accounts in.
    central.busPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'a', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'events:PutEvents', Resource: BUS },
        { Sid: 'b', Effect: 'Allow', Principal: { AWS: '555566667777' }, Action: 'events:PutEvents', Resource: BUS },
      ],
    });
    // The tagger met AssumeRole refusals in one account (its log lines, as Powertools writes them).
    central.logs[NAMES.logGroup] = [1, 2].map((hour) => ({
      timestamp: NOW - hour * 3600 * 1000,
      message: JSON.stringify({ level: 'ERROR', message: 'image failed', account: '555566667777', status: 'failed', error: 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ami-tagger-prod-us-east-1-lambdaRole/ami-tagger-prod-tagImage is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::555566667777:role/ami-tagger-member' }),
    }));
    // eu-west-1 forwards as templates/forwarding-rule.yml does; ap-southeast-2 does not.
    const forwarding = healthyRegion('eu-west-1');
    delete forwarding.stack;
    forwarding.rules = {
      'ami-tagger-forwarding-ImageCreatedForwardingRule-1A2B3C': { state: 'ENABLED', pattern: { source: ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['ec2.amazonaws.com'], eventName: ['RegisterImage', 'CreateImage', 'CopyImage'], errorCode: [{ exists: false }] } }, targets: [{ Id: 'central-bus', Arn: BUS, RoleArn: 'arn:aws:iam::111122223333:role/forwarding' }] },
      'ami-tagger-forwarding-ImageAvailableForwardingRule-4D5E6F': { state: 'ENABLED', pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 AMI State Change'], detail: { State: ['available', 'failed'] } }, targets: [{ Id: 'central-bus', Arn: BUS, RoleArn: 'arn:aws:iam::111122223333:role/forwarding' }] },
    };
    const missing = healthyRegion('ap-southeast-2');
    delete missing.stack;
    missing.rules = {};
    return { regions: { 'us-east-1': central, 'eu-west-1': forwarding, 'ap-southeast-2': missing }, assumable: ['arn:aws:iam::444455556666:role/ami-tagger-member'] };
  }

  it('reads central mode from the deployed function, checks forwarding, the bus policy and each member role', async () => {
    const report = await doctor(centralWorld());
    expect(report.central).toEqual({ region: 'us-east-1', roleName: 'ami-tagger-member', bus: BUS });
    expect(statuses(of(report, 'us-east-1'))).toEqual({ ...HEALTHY_CHECKS, 'bus policy': 'fail' });
    expect(finding(report, 'us-east-1', 'bus policy').detail).toMatch(/does not let 666677778888 put events/);
    expect(finding(report, 'us-east-1', 'bus policy').fix).toContain('aws events put-permission --event-bus-name default --action events:PutEvents --principal 666677778888');
    expect(statuses(of(report, 'eu-west-1'))).toEqual({ stack: 'skip', 'forwarding image-created': 'ok', 'forwarding image-available': 'ok', trail: 'ok' });
    expect(statuses(of(report, 'ap-southeast-2'))).toEqual({ stack: 'skip', 'forwarding image-created': 'fail', 'forwarding image-available': 'fail', trail: 'ok' });
    expect(finding(report, 'ap-southeast-2', 'forwarding image-created').fix).toContain(`CentralEventBusArn=${BUS}`);
    expect(statuses(of(report, 'global'))).toEqual({ 'member role 444455556666': 'ok', 'member role 555566667777': 'fail', 'member role 666677778888': 'skip' });
    expect(finding(report, 'global', 'member role 555566667777').detail).toMatch(/refused AssumeRole .* 2 time\(s\) in 14 days/);
    expect(finding(report, 'global', 'member role 666677778888').detail).toMatch(/not decided/);

    const byRegion = served?.callsByRegion() ?? {};
    // The central region: 13 reads, the bus policy, and the log searched for each refused role.
    expect(total(byRegion['us-east-1'])).toBe(13 + 1 + 2);
    // A forwarding region: DescribeStacks, ListRuleNamesByTarget, DescribeRule + ListTargetsByRule per rule, the trail.
    expect(byRegion['eu-west-1']).toEqual({ DescribeStacks: 1, ListRuleNamesByTarget: 1, DescribeRule: 2, ListTargetsByRule: 2, DescribeTrails: 1, GetTrailStatus: 1, GetEventSelectors: 1 });
    expect(total(byRegion['ap-southeast-2'])).toBe(5);
    expect(byRegion.global).toEqual({ AssumeRole: 3 });
  });

  it('in a member account, --central-bus checks that every region forwards there', async () => {
    const world = centralWorld();
    delete world.regions['us-east-1'];
    const report = await doctor(world, { centralBus: BUS });
    expect(report.counts).toEqual({ ok: 4, fail: 2, error: 0, skip: 2 });
    expect(report.findings.filter((result) => result.status === 'fail').map((result) => `${result.region} ${result.check}`)).toEqual(['ap-southeast-2 forwarding image-created', 'ap-southeast-2 forwarding image-available']);
  });
});
