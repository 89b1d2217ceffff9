import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossRegionInferenceProfile, InferenceProfileCatalog, ResidencyConstraint } from '../../lib';
import { nagFindings } from '../support/nag';

function roleIn(region?: string): { stack: Stack; role: iam.Role } {
  const app = new App();
  const stack = new Stack(app, 'Stack', region ? { env: { account: '111111111111', region } } : {});
  const role = new iam.Role(stack, 'Invoker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, role };
}

function statementsOf(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

describe('grantInvoke on a geographic profile', () => {
  const profileId = 'us.anthropic.claude-3-haiku-20240307-v1:0';
  const profileArn = partitionArn(`:bedrock:us-east-2:111111111111:inference-profile/${profileId}`);

  test('grants the profile in the source region and the model in every destination region, only through the profile', () => {
    const { stack, role } = roleIn('us-east-2');
    CrossRegionInferenceProfile.fromId(profileId).grantInvoke(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: profileArn,
          },
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: ['us-east-1', 'us-east-2', 'us-west-2'].map(r => partitionArn(`:bedrock:${r}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`)),
            Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
          },
        ]),
      },
    });
  });

  test('the destination set follows the source region', () => {
    const { stack, role } = roleIn('us-west-2');
    CrossRegionInferenceProfile.fromId(profileId).grantInvoke(role);
    const modelStatement = statementsOf(stack).find(s => s.Condition);
    expect(modelStatement.Resource).toHaveLength(2);
    expect(JSON.stringify(modelStatement.Resource)).not.toContain('us-east-2');
  });

  test('no region wildcard and no literal partition', () => {
    const { stack, role } = roleIn('us-east-2');
    CrossRegionInferenceProfile.fromId(profileId).grantInvoke(role);
    const json = JSON.stringify(statementsOf(stack));
    expect(json).not.toMatch(/bedrock:\*/);
    expect(json).not.toContain('arn:aws:');
    expect(json).not.toMatch(/"Resource":"\*"/);
  });

  test('fallback source regions each get their own profile ARN and destinations', () => {
    const { stack, role } = roleIn('eu-west-1');
    CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0')
      .grantInvoke(role, { sourceRegions: ['eu-west-1', 'eu-central-1'] });
    const statements = statementsOf(stack);
    const conditions = statements.filter(s => s.Condition).map(s => JSON.stringify(s.Condition));
    expect(conditions.some(c => c.includes('bedrock:eu-west-1:111111111111:inference-profile'))).toBe(true);
    expect(conditions.some(c => c.includes('bedrock:eu-central-1:111111111111:inference-profile'))).toBe(true);
  });

  test.each([
    [['ap-northeast-1', 'ap-east-2']],
    [['ap-east-2', 'ap-northeast-1']],
  ])('each fallback source region grants exactly its own destinations (sources %j)', (sourceRegions) => {
    // apac Claude Sonnet 4 routes differently by source: ap-east-2 reaches ap-east-2 and ap-southeast-3,
    // ap-northeast-1 reaches neither.
    const apacProfileId = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
    const modelId = 'anthropic.claude-sonnet-4-20250514-v1:0';
    const catalog = InferenceProfileCatalog.bundled();
    const { stack, role } = roleIn('ap-northeast-1');
    CrossRegionInferenceProfile.fromId(apacProfileId).grantInvoke(role, { sourceRegions });
    const statements = statementsOf(stack);

    const modelRegionsFrom = (source: string): string[] => {
      const sourceProfileArn = partitionArn(`:bedrock:${source}:111111111111:inference-profile/${apacProfileId}`);
      const conditioned = statements.filter(s =>
        JSON.stringify(s.Condition?.StringEquals?.['bedrock:InferenceProfileArn']) === JSON.stringify(sourceProfileArn));
      expect(conditioned).toHaveLength(1);
      const resources: any[] = [conditioned[0].Resource].flat();
      return resources.map(resource => {
        const rest = resource['Fn::Join'][1][2] as string;
        const prefix = ':bedrock:';
        const suffix = `::foundation-model/${modelId}`;
        expect(rest.startsWith(prefix) && rest.endsWith(suffix)).toBe(true);
        return rest.slice(prefix.length, -suffix.length);
      }).sort();
    };

    for (const source of sourceRegions) {
      const fromCatalog = catalog.destinationsOf(apacProfileId, source)!;
      expect(fromCatalog).toContain(source);
      expect(modelRegionsFrom(source)).toEqual([...fromCatalog].sort());
    }

    // The routes really differ, so a grant that reused one source's destinations for the other would show.
    expect(modelRegionsFrom('ap-east-2')).toEqual(expect.arrayContaining(['ap-east-2', 'ap-southeast-3']));
    expect(modelRegionsFrom('ap-northeast-1')).not.toContain('ap-east-2');
    expect(modelRegionsFrom('ap-northeast-1')).not.toContain('ap-southeast-3');
    expect(modelRegionsFrom('ap-northeast-1')).toHaveLength(8);
    expect(modelRegionsFrom('ap-east-2')).toHaveLength(10);
  });

  test('matches the snapshot', () => {
    const { stack, role } = roleIn('us-east-1');
    CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0').grantInvoke(role);
    CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0').grantInvoke(role);
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toMatchSnapshot();
  });
});

describe('grantInvoke on a global profile', () => {
  test('emits the AWS three-part policy with the region-less model ARN', () => {
    const { stack, role } = roleIn('eu-west-1');
    CrossRegionInferenceProfile.fromId('global.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(role);
    const profileArn = partitionArn(':bedrock:eu-west-1:111111111111:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0');
    const statements = statementsOf(stack);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Resource: profileArn,
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      }),
      expect.objectContaining({
        Resource: partitionArn(':bedrock:eu-west-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'bedrock:InferenceProfileArn': profileArn } },
      }),
      expect.objectContaining({
        Resource: partitionArn(':bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
        Condition: { StringEquals: { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': profileArn } },
      }),
    ]));
    expect(statements).toHaveLength(3);
  });
});

describe('synth-time validation', () => {
  test('a stack region that is not a source region of the profile', () => {
    const { role } = roleIn('eu-west-1');
    expect(() => CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-haiku-20240307-v1:0').grantInvoke(role))
      .toThrow(/'eu-west-1' is not a source region of inference profile .*Deploy to \(or call from\) one of: us-east-1, us-east-2, us-west-2/);
  });

  test('an environment-agnostic stack needs explicit source regions', () => {
    const { role } = roleIn();
    expect(() => CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-haiku-20240307-v1:0').grantInvoke(role))
      .toThrow(/cannot tell which source region.*explicit env\.region, or pass options\.sourceRegions/);
  });

  test('a residency constraint that the destinations would break', () => {
    const { role } = roleIn('il-central-1');
    expect(() => CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-20250514-v1:0')
      .grantInvoke(role, { residency: ResidencyConstraint.EU_ONLY }))
      .toThrow(/called from il-central-1 can run inference in il-central-1, outside the residency constraint \(EU regions only \(eu-\*\)\)/);
  });

  test('a residency constraint names the source regions that would comply', () => {
    const profile = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(() => profile.assertDeployable(['eu-west-2'], ResidencyConstraint.onlyRegions(['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'])))
      .toThrow(/can run inference in eu-west-2.*Either call it only from source regions whose destinations stay inside \(eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3\)/);
    expect(() => profile.assertDeployable(['eu-west-1'], ResidencyConstraint.EU_ONLY)).not.toThrow();
  });

  test('a global profile under any residency constraint', () => {
    const { role } = roleIn('eu-west-1');
    expect(() => CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0')
      .grantInvoke(role, { residency: ResidencyConstraint.EU_ONLY }))
      .toThrow(/global profile: Bedrock may run its requests in any commercial region.*'eu\.anthropic\.claude-sonnet-4-5-20250929-v1:0'/);
  });

  test('residency constraints reject empty rules', () => {
    expect(() => ResidencyConstraint.onlyRegions([])).toThrow(/at least one region/);
    expect(() => ResidencyConstraint.regionsStartingWith([])).toThrow(/at least one prefix/);
  });
});

describe('cdk-nag', () => {
  test('the grant adds no finding beyond the grantee role\'s own inline default policy', () => {
    const { stack, role } = roleIn('us-east-1');
    CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0').grantInvoke(role);
    CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0').grantInvoke(role);
    // Where the grant lands (an inline default policy) is the grantee's choice, not the grant's.
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      Validations.of(role).acknowledge({ id: `${pack}-IAMNoInlinePolicy`, reason: 'The test grantee keeps grants in its default inline policy.' });
    }
    expect(nagFindings(stack.node.root as App)).toEqual([]);
  });
});
