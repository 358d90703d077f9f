/**
 * The central-mode templates that member accounts deploy: the forwarding rules listen to exactly
 * the tagger's events, and the member role can do only what the tagger needs, for only the tagger.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { allRoleStatements, checkTemplate, field, resourceNamed, resourcesOfType, roleStatements, type Template } from './cloudformation';
import { IMAGE_AVAILABLE_PATTERN, IMAGE_CREATED_PATTERN } from './event-patterns';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

function loadTemplate(name: string): Template {
  const file = path.join(TEMPLATES_DIR, name);
  return checkTemplate(parse(readFileSync(file, 'utf8')), file);
}

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

  it('is trusted only by the tagger roles, with the external id when one is set', () => {
    expect(trust).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole' })]);
    const [withExternalId, withoutExternalId] = [field(trust, 0, 'Condition', 'Fn::If', 1), field(trust, 0, 'Condition', 'Fn::If', 2)];
    expect(field(trust, 0, 'Condition', 'Fn::If', 0)).toBe('RequiresExternalId');
    expect(withExternalId).toEqual({
      ArnEquals: { 'aws:PrincipalArn': { Ref: 'TaggerRoleArns' } },
      StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
    });
    expect(withoutExternalId).toEqual({ ArnEquals: { 'aws:PrincipalArn': { Ref: 'TaggerRoleArns' } } });
  });

  it('has the role name the central stack assumes, ami-tagger-member unless told otherwise', () => {
    expect(role.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(field(parse(readFileSync(path.join(TEMPLATES_DIR, 'member-role.yml'), 'utf8')), 'Parameters', 'RoleName', 'Default')).toBe('ami-tagger-member');
  });

  it('may only describe images and snapshots and tag them', () => {
    const statements = roleStatements(role);
    expect(statements.flatMap((statement) => statement.Action).sort()).toEqual(['ec2:CreateTags', 'ec2:DescribeImages', 'ec2:DescribeSnapshots']);
    const createTags = statements.find((statement) => statement.Action.includes('ec2:CreateTags'));
    expect(createTags?.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*::image/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*::snapshot/*' }]);
    for (const statement of statements) {
      if (statement.Resource.includes('*')) expect(statement.Action.every((action) => action.startsWith('ec2:Describe'))).toBe(true);
    }
  });
});
