'use strict';
/**
 * Central mode: member accounts forward their AMI events (templates/forwarding-rule.yml) to this
 * region's default bus, which must allow them to put events. With `--param organizationId=o-...`
 * the stack adds a bus policy that lets any principal of that organization PutEvents here; without
 * it the resolver returns no resources and the bus keeps its own policy.
 */
const { readOrganizationId } = require('./params.cjs');

async function resources({ resolveVariable }) {
  const organizationId = await readOrganizationId(resolveVariable);
  if (organizationId === '') return {};
  const stage = await resolveVariable('sls:stage');
  return {
    Resources: {
      CentralBusOrganizationPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: 'default',
          // One statement per stage: the default bus policy is shared by everything in the region.
          StatementId: `ami-tagger-${stage}-organization`,
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
          },
        },
      },
    },
  };
}

module.exports = { resources };
