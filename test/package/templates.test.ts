/**
 * The central-mode templates that member accounts deploy: the forwarding rules listen to exactly
 * the tagger's events, and the member role can do only what the tagger needs, for only the tagger.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { memberExternalId } from '../../src/account-scope';
import { allRoleStatements, checkTemplate, field, resourceNamed, resourcesOfType, roleStatements, type Template } from './cloudformation';
import { IMAGE_AVAILABLE_PATTERN, IMAGE_CREATED_PATTERN } from './event-patterns';
import { specificationProblems } from './resource-spec';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

const parseTemplate = (name: string): unknown => parse(readFileSync(path.join(TEMPLATES_DIR, name), 'utf8'));

function loadTemplate(name: string): Template {
  return checkTemplate(parseTemplate(name), path.join(TEMPLATES_DIR, name));
}

describe.each(['forwarding-rule.yml', 'member-role.yml'])('templates/%s', (name) => {
  it("fits CloudFormation's resource specification", () => {
    expect(specificationProblems(parseTemplate(name), name)).toEqual([]);
  });
});

describe('templates/forwarding-rule.yml', () => {
  const template = loadTemplate('forwarding-rule.yml');

  it('forwards the same two event patterns the tagger listens to', () => {
    const patterns = resourcesOfType(template, 'AWS::Events::Rule').map(([, rule]) => rule.Properties.EventPattern);
    expect(patterns).toEqual([IMAGE_CREATED_PATTERN, IMAGE_AVAILABLE_PATTERN]);
  });

  it('targets the central bus through a role that may only put events on it', () => {
    for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: { Ref: 'CentralEventBusArn' }, RoleArn: { 'Fn::GetAtt': ['ForwardingRole', 'Arn'] } }),
      ]);
    }
    expect(allRoleStatements(template)).toEqual([expect.objectContaining({ Action: ['events:PutEvents'], Resource: [{ Ref: 'CentralEventBusArn' }] })]);
    expect(field(resourceNamed(template, 'ForwardingRole').Properties, 'AssumeRolePolicyDocument', 'Statement', 0, 'Principal')).toEqual({
      Service: 'events.amazonaws.com',
    });
  });
});

describe('templates/member-role.yml', () => {
  const template = loadTemplate('member-role.yml');
  const role = resourceNamed(template, 'MemberRole');
  const trust = field(role.Properties, 'AssumeRolePolicyDocument', 'Statement');

  it("is trusted only by the tagger roles, with this account's own external id when one is set", () => {
    expect(trust).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole' })]);
    const [withExternalId, withoutExternalId] = [field(trust, 0, 'Condition', 'Fn::If', 1), field(trust, 0, 'Condition', 'Fn::If', 2)];
    expect(field(trust, 0, 'Condition', 'Fn::If', 0)).toBe('RequiresExternalId');
    // What the tagger sends: memberExternalId(BASE, ACCOUNT) = BASE:ACCOUNT.
    expect(memberExternalId('BASE', '444455556666')).toBe('BASE:444455556666');
    expect(withExternalId).toEqual({
      ArnEquals: { 'aws:PrincipalArn': { Ref: 'TaggerRoleArns' } },
      StringEquals: { 'sts:ExternalId': { 'Fn::Sub': '${ExternalId}:${AWS::AccountId}' } },
    });
    expect(withoutExternalId).toEqual({ ArnEquals: { 'aws:PrincipalArn': { Ref: 'TaggerRoleArns' } } });
  });

  it('has the role name the central stack assumes, ami-tagger-member unless told otherwise', () => {
    expect(role.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(field(parse(readFileSync(path.join(TEMPLATES_DIR, 'member-role.yml'), 'utf8')), 'Parameters', 'RoleName', 'Default')).toBe('ami-tagger-member');
  });

  it('may only describe images and snapshots and tag them, with only the allowed keys when they are given', () => {
    const statements = roleStatements(role);
    expect(statements.flatMap((statement) => statement.Action).sort()).toEqual(['ec2:CreateTags', 'ec2:DescribeImages', 'ec2:DescribeSnapshots']);
    const createTags = statements.find((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(createTags?.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*::image/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*::snapshot/*' }]);
    expect(createTags?.Condition).toEqual({
      'Fn::If': ['LimitsTagKeys', { 'ForAllValues:StringEquals': { 'aws:TagKeys': { Ref: 'AllowedTagKeys' } } }, { Ref: 'AWS::NoValue' }],
    });
    const document = parseTemplate('member-role.yml');
    expect(field(document, 'Parameters', 'AllowedTagKeys')).toEqual(expect.objectContaining({ Type: 'CommaDelimitedList', Default: '' }));
    expect(field(document, 'Conditions', 'LimitsTagKeys')).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', { Ref: 'AllowedTagKeys' }] }, ''] }] });
    for (const statement of statements) {
      if (statement.Resource.includes('*')) expect(statement.Action.every((action) => action.startsWith('ec2:Describe'))).toBe(true);
    }
  });

  it('lets backfill read regions, event history and launch permissions only when BackfillReads is true, read-only', () => {
    const document = parseTemplate('member-role.yml');
    expect(field(document, 'Parameters', 'BackfillReads')).toEqual(expect.objectContaining({ Default: 'false', AllowedValues: ['true', 'false'] }));
    expect(field(document, 'Conditions', 'AllowsBackfillReads')).toEqual({ 'Fn::Equals': [{ Ref: 'BackfillReads' }, 'true'] });
    expect(field(document, 'Resources', 'BackfillReadsPolicy', 'Condition')).toBe('AllowsBackfillReads');
    const policy = resourceNamed(template, 'BackfillReadsPolicy');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'MemberRole' }]);
    expect(field(policy.Properties, 'PolicyDocument', 'Statement')).toEqual([
      { Sid: 'BackfillReads', Effect: 'Allow', Action: ['ec2:DescribeRegions', 'ec2:DescribeImageAttribute', 'cloudtrail:LookupEvents'], Resource: '*' },
    ]);
  });
});
