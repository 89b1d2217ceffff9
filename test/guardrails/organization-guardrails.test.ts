import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EU_SONNET, GLOBAL_SONNET, US_HAIKU } from './support';
import { CrossRegionInferenceScp, CrossRegionInferenceScpPolicy } from '../../lib';
import { crossRegionScpDocument, SCP_SIDS } from '../../lib/guardrails/private/scp-statements';
import { nagFindings } from '../support/nag';

function managementStack(): Stack {
  return new Stack(new App(), 'Management', { env: { account: '111111111111', region: 'us-east-1' } });
}

describe('CrossRegionInferenceScp', () => {
  const options = { approvedRegions: ['us-east-1'], profiles: [US_HAIKU, GLOBAL_SONNET], allowOnlyListedProfiles: true };

  test('gives the generated SCP as JSON and as an iam.PolicyDocument', () => {
    const scp = new CrossRegionInferenceScp(options);
    expect(JSON.parse(scp.toJson())).toEqual(crossRegionScpDocument(options));
    expect(scp.toJson(0)).not.toContain('\n');
    expect(scp.statementIds).toEqual([SCP_SIDS.regionDeny, SCP_SIDS.unlistedProfiles, SCP_SIDS.bedrockApiKeys, SCP_SIDS.bedrockApiKeyCreation]);
    expect(scp.warnings).toEqual([]);
    const document = new Stack().resolve(CrossRegionInferenceScp.policyDocument(options));
    expect(document.Statement[0]).toMatchObject({
      Sid: SCP_SIDS.regionDeny,
      Effect: 'Deny',
      NotAction: expect.arrayContaining(['iam:*', 'sts:*']),
      Resource: '*',
      Condition: { Null: { 'bedrock:InferenceProfileArn': 'true' }, StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } },
    });
  });

  test('validates at construction', () => {
    expect(() => new CrossRegionInferenceScp({ approvedRegions: ['eu-west-1'], profiles: [US_HAIKU] }))
      .toThrow(/cannot be called from any approved region/);
  });

  const euDeployment = (routingRegion: string) => ({
    approvedRegions: ['eu-west-1', 'eu-central-1'],
    profiles: [EU_SONNET],
    deploymentStacks: [{ region: 'eu-west-1' }, { region: 'eu-central-1' }, { region: routingRegion, routing: true, name: 'Routing' }],
  });

  test('refuses an SCP that would deny its deployment, and warns what a routing stack outside us-east-1 loses', () => {
    expect(() => new CrossRegionInferenceScp(euDeployment('us-east-1'))).toThrow(/In us-east-1 it denies what 'Routing' needs to deploy/);
    const scp = new CrossRegionInferenceScp(euDeployment('eu-central-1'));
    expect(scp.warnings).toEqual([expect.stringMatching(/^The routing stack 'Routing' is in eu-central-1: Route 53 publishes health-check metrics only in us-east-1/)]);
    const exempt = new CrossRegionInferenceScp({ ...euDeployment('us-east-1'), deploymentRoleArns: ['arn:aws:iam::*:role/cdk-hnb659fds-*-us-east-1'] });
    expect(exempt.statementIds).toContain(SCP_SIDS.deploymentRegions);
  });
});

describe('CrossRegionInferenceScpPolicy', () => {
  test('deploys the SCP as an AWS::Organizations::Policy attached to the targets', () => {
    const stack = managementStack();
    const construct = new CrossRegionInferenceScpPolicy(stack, 'Scp', {
      approvedRegions: ['us-east-1'],
      profiles: [US_HAIKU],
      denyGlobalProfiles: true,
      targetIds: ['ou-ab12-cdef3456', '222222222222'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Organizations::Policy', 1);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      Name: 'cross-region-inference-region-deny',
      Description: Match.stringLikeRegexp('approved: us-east-1'),
      TargetIds: ['ou-ab12-cdef3456', '222222222222'],
      Content: crossRegionScpDocument({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], denyGlobalProfiles: true }),
    });
    expect(construct.scp.statementIds)
      .toEqual([SCP_SIDS.regionDeny, SCP_SIDS.globalProfiles, SCP_SIDS.bedrockApiKeys, SCP_SIDS.bedrockApiKeyCreation]);
    expect(stack.resolve(construct.policyId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(construct.policy), 'Id'] });
  });

  test('warns that SCPs deploy only from the management account', () => {
    const stack = managementStack();
    new CrossRegionInferenceScpPolicy(stack, 'Scp', { approvedRegions: ['us-east-1'], profiles: [US_HAIKU], policyName: 'crisp' });
    Annotations.fromStack(stack).hasWarning('/Management/Scp',
      Match.stringLikeRegexp('management account.*delegated administrator'));
    Template.fromStack(stack).hasResourceProperties('AWS::Organizations::Policy', { Name: 'crisp', TargetIds: Match.absent() });
  });

  test('refuses a target that is not a root, OU or account', () => {
    expect(() => new CrossRegionInferenceScpPolicy(managementStack(), 'Scp', {
      approvedRegions: ['us-east-1'], profiles: [US_HAIKU], targetIds: ['Production'],
    })).toThrow(/targetIds contains 'Production', which is not a root/);
  });
});

describe('CrossRegionInferenceScpPolicy and its deployment', () => {
  test('shows the deployment warnings as synth warnings', () => {
    const stack = managementStack();
    new CrossRegionInferenceScpPolicy(stack, 'Scp', {
      approvedRegions: ['eu-west-1'], profiles: [EU_SONNET], deploymentStacks: [{ region: 'eu-west-1' }, { region: 'eu-west-1', routing: true }],
    });
    Annotations.fromStack(stack).hasWarning('/Management/Scp',
      Match.stringLikeRegexp('routing stack .* is in eu-west-1: Route 53 publishes health-check metrics only in us-east-1.*routingWithoutHealthCheckAlarms'));
  });
});

describe('cdk-nag', () => {
  test('the management-account stack passes the rule packs', () => {
    const stack = managementStack();
    new CrossRegionInferenceScpPolicy(stack, 'Scp', { approvedRegions: ['us-east-1'], profiles: [US_HAIKU], targetIds: ['ou-abcd-12345678'] });
    expect(nagFindings(stack.node.root as App)).toEqual([]);
  });
});
