import { deniedSteps, EU_SONNET, scpOf, US_HAIKU } from './support';
import { CrossRegionScpOptions } from '../../lib/guardrails/cross-region-scp-options';
import { DeploymentStack } from '../../lib/guardrails/deployment-stack';
import { checkDeployment, deniesRoute53MetricsRegion } from '../../lib/guardrails/private/deployment-checker';
import { bootstrapRoleArn, DeploymentRole, REPRESENTATIVE_ACTIONS, resolveDeploymentStack } from '../../lib/guardrails/private/deployment-needs';
import { DeploymentBlockedError, exemptsService } from '../../lib/guardrails/private/deployment-review';
import { checkCrossRegionCall } from '../../lib/guardrails/private/scp-checker';
import { CHECK_ACCOUNT_ID, CHECK_PRINCIPAL_ARN, ScpSimulator } from '../../lib/guardrails/private/scp-simulator';
import { crossRegionScpDocument, DEFAULT_EXEMPT_ACTIONS, generateCrossRegionScp, SCP_SIDS } from '../../lib/guardrails/private/scp-statements';

const EU = ['eu-west-1', 'eu-central-1', 'eu-west-3'];
/** The EU sample: three endpoint regions, the routing stack in us-east-1 (CrossRegionInferenceApi's default). */
const EU_SAMPLE: DeploymentStack[] = [...EU.map(region => ({ region, name: `BedrockEu-${region}` })),
  { region: 'us-east-1', name: 'BedrockEu-routing', routing: true }];
const EU_ONLY: CrossRegionScpOptions = { approvedRegions: EU, profiles: [EU_SONNET] };
const BOOTSTRAP_US_EAST_1 = [
  'arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*-us-east-1',
  'arn:aws:iam::*:role/cdk-hnb659fds-file-publishing-role-*-us-east-1',
  'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-us-east-1',
];

const asBootstrapRole = (stack: { region: string }, role: DeploymentRole) => bootstrapRoleArn('aws', CHECK_ACCOUNT_ID, stack.region, role);

async function simulatorFor(options: CrossRegionScpOptions): Promise<ScpSimulator> {
  return ScpSimulator.create([scpOf('generated.json', crossRegionScpDocument(options))]);
}

describe('the SCP and the deployment it is generated for', () => {
  test('refuses an EU-only SCP that would deny the routing stack in us-east-1, saying the three ways out', () => {
    let error: unknown;
    try { crossRegionScpDocument({ ...EU_ONLY, deploymentStacks: EU_SAMPLE }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DeploymentBlockedError);
    const message = (error as Error).message;
    expect(message).toMatch(/In us-east-1 it denies what 'BedrockEu-routing' needs to deploy \(cloudformation, ssm, s3, cloudtrail, cloudwatch, kms, logs, sns\)/);
    expect(message).toMatch(/add us-east-1 to approvedRegions \(--approved-region us-east-1\)/);
    expect(message).toContain(`exempt the roles that deploy it, in us-east-1 only, by aws:PrincipalArn (deploymentRoleArns, or --exempt-deployment-roles; for the CDK's default bootstrap: ${BOOTSTRAP_US_EAST_1.join(', ')})`);
    expect(message).toMatch(/deploy the routing stack in an approved region \(routingRegion: 'eu-west-1', or --routing-region eu-west-1\), which has no health-check alarms: Route 53 publishes health-check metrics only in us-east-1/);
    expect((error as DeploymentBlockedError).blocked.map(b => b.region)).toEqual(['us-east-1']);
  });

  test('the refusal is not a false alarm: the same SCP without the review denies those requests', async () => {
    const simulator = await simulatorFor(EU_ONLY);
    const { rows } = await checkDeployment(simulator, EU_SAMPLE.map(resolveDeploymentStack), asBootstrapRole);
    expect([...new Set(rows.filter(r => !r.allowed).map(r => `${r.region} ${r.service}`))].sort()).toEqual([
      'us-east-1 cloudformation', 'us-east-1 cloudtrail', 'us-east-1 cloudwatch', 'us-east-1 kms', 'us-east-1 logs', 'us-east-1 s3', 'us-east-1 sns', 'us-east-1 ssm',
    ]);
  });

  test('exempting the deployment roles adds a deny for us-east-1 that spares only them, and says what operators lose', () => {
    const scp = generateCrossRegionScp({ ...EU_ONLY, deploymentStacks: EU_SAMPLE, deploymentRoleArns: BOOTSTRAP_US_EAST_1 });
    expect(scp.document.Statement[0].Condition!.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-3', 'us-east-1']);
    expect(scp.document.Statement[1]).toEqual({
      Sid: SCP_SIDS.deploymentRegions,
      Effect: 'Deny',
      NotAction: [...DEFAULT_EXEMPT_ACTIONS],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:RequestedRegion': ['us-east-1'] },
        Null: { 'bedrock:InferenceProfileArn': 'true' },
        ArnNotLike: { 'aws:PrincipalArn': [...BOOTSTRAP_US_EAST_1].sort() },
      },
    });
    expect(scp.warnings.map(w => w.id)).toEqual(['deploymentRolesOnly']);
    expect(scp.warnings[0].message).toMatch(/exempt from the region deny in us-east-1 only.*operators cannot open those stacks' dashboard, alarms or logs in us-east-1/);
  });

  test('(a) the exempted SCP allows everything the EU sample needs, in every region, and its calls to Bedrock', async () => {
    const simulator = await simulatorFor({ ...EU_ONLY, deploymentStacks: EU_SAMPLE, deploymentRoleArns: BOOTSTRAP_US_EAST_1 });
    const { rows, unchecked } = await checkDeployment(simulator, EU_SAMPLE.map(resolveDeploymentStack), asBootstrapRole);
    expect(unchecked).toEqual([]);
    expect(rows.filter(r => !r.allowed)).toEqual([]);
    expect(new Set(rows.map(r => r.region))).toEqual(new Set([...EU, 'us-east-1']));
    expect(rows.filter(r => r.region === 'us-east-1').map(r => r.action)).toEqual(expect.arrayContaining([
      'cloudformation:CreateChangeSet', 's3:PutObject', 'ssm:GetParameters', 'cloudtrail:CreateTrail', 'kms:CreateKey', 'cloudwatch:PutMetricAlarm',
    ]));
    for (const region of EU) {
      expect(deniedSteps(await checkCrossRegionCall(simulator, EU_SONNET, region))).toEqual([]);
    }
  });

  test('(b) it still denies us-east-1 to every other principal, and other regions to the deployment roles', async () => {
    const simulator = await simulatorFor({ ...EU_ONLY, deploymentStacks: EU_SAMPLE, deploymentRoleArns: BOOTSTRAP_US_EAST_1 });
    const inUsEast1 = { action: 'cloudformation:CreateChangeSet', resource: '*', context: { 'aws:RequestedRegion': 'us-east-1' } };
    expect(await simulator.evaluate({ ...inUsEast1, principalArn: CHECK_PRINCIPAL_ARN }))
      .toMatchObject({ allowed: false, denyingStatements: [`generated.json: ${SCP_SIDS.deploymentRegions}`] });
    expect((await simulator.evaluate({ ...inUsEast1, principalArn: asBootstrapRole({ region: 'us-east-1' }, DeploymentRole.DEPLOY) })).allowed).toBe(true);
    // The us-east-1 deploy role cannot deploy to another region either.
    const elsewhere = { action: 'cloudformation:CreateChangeSet', resource: '*', context: { 'aws:RequestedRegion': 'us-west-2' } };
    expect(await simulator.evaluate({ ...elsewhere, principalArn: asBootstrapRole({ region: 'us-east-1' }, DeploymentRole.DEPLOY) }))
      .toMatchObject({ allowed: false, denyingStatements: [`generated.json: ${SCP_SIDS.regionDeny}`] });
    expect(await deniesRoute53MetricsRegion(simulator)).toBe(true);
  });

  test('a stack that runs Lambda functions outside the approved regions is refused even with the roles exempt', () => {
    expect(() => crossRegionScpDocument({
      approvedRegions: ['us-east-1'],
      profiles: [US_HAIKU],
      deploymentRoleArns: ['arn:aws:iam::*:role/cdk-hnb659fds-*-us-west-2'],
      deploymentStacks: [{ region: 'us-east-1' }, { region: 'us-west-2' }, { region: 'us-east-1', routing: true }],
    })).toThrow(/In us-west-2 it denies what 'us-west-2' needs.*\n.*'us-west-2' runs Lambda functions in us-west-2 as their own roles.*add us-west-2 to approvedRegions/);
  });

  test('a routing stack in an approved region outside us-east-1 deploys, with a warning of what it loses', async () => {
    const stacks: DeploymentStack[] = [...EU.map(region => ({ region })), { region: 'eu-west-1', routing: true, name: 'BedrockEu-routing' }];
    const scp = generateCrossRegionScp({ ...EU_ONLY, deploymentStacks: stacks });
    expect(scp.document.Statement.map(s => s.Sid)).not.toContain(SCP_SIDS.deploymentRegions);
    expect(scp.warnings).toEqual([{
      id: 'routingWithoutHealthCheckAlarms',
      message: expect.stringMatching(/^The routing stack 'BedrockEu-routing' is in eu-west-1: Route 53 publishes health-check metrics only in us-east-1, so no alarm notifies when a region's health check turns unhealthy, and the dashboard's health-check widgets read us-east-1, which the SCP denies/),
    }]);
    const simulator = await ScpSimulator.create([scpOf('generated.json', scp.document)]);
    const { rows } = await checkDeployment(simulator, stacks.map(resolveDeploymentStack), asBootstrapRole);
    expect(rows.filter(r => !r.allowed)).toEqual([]);
    // With us-east-1 approved, the advice is to move the routing stack there.
    const open = generateCrossRegionScp({ approvedRegions: [...EU, 'us-east-1'], profiles: [EU_SONNET], deploymentStacks: stacks });
    expect(open.warnings[0].message).toMatch(/turns unhealthy\. Deploy it to us-east-1 \(routingRegion: 'us-east-1'\) to have them\.$/);
  });

  test('no deployment, no review: the SCP is what it was', () => {
    expect(generateCrossRegionScp(EU_ONLY).warnings).toEqual([]);
    expect(crossRegionScpDocument({ ...EU_ONLY, deploymentStacks: EU.map(region => ({ region })) })).toEqual(crossRegionScpDocument(EU_ONLY));
  });

  test('a service the exempt actions cover entirely does not block', () => {
    expect(exemptsService(DEFAULT_EXEMPT_ACTIONS, 'iam')).toBe(true);
    expect(exemptsService(['s3:Get*'], 's3')).toBe(false);
    expect(exemptsService(['CloudFormation:*'], 'cloudformation')).toBe(true);
  });

  test.each<[string, Partial<CrossRegionScpOptions>, RegExp]>([
    ['an empty deployment', { deploymentStacks: [] }, /deploymentStacks is an empty list/],
    ['a malformed region', { deploymentStacks: [{ region: 'Frankfurt' }] }, /'Frankfurt', which is not a region name/],
    ['a malformed service', { deploymentStacks: [{ region: 'eu-west-1', services: ['AWS::Lambda'] }] }, /'AWS::Lambda' is not an IAM service prefix/],
    ['another partition', { deploymentStacks: [{ region: 'us-gov-west-1', routing: true }] }, /outside the approved regions' partition \(aws\)/],
    ['roles without stacks', { deploymentRoleArns: BOOTSTRAP_US_EAST_1 }, /deploymentRoleArns is set without deploymentStacks/],
    ['an empty role list', { deploymentStacks: EU_SAMPLE, deploymentRoleArns: [] }, /deploymentRoleArns is an empty list/],
    ['a role pattern matching every role', { deploymentStacks: EU_SAMPLE, deploymentRoleArns: ['arn:aws:iam::*:role/*'] },
      /'arn:aws:iam::\*:role\/\*', which matches every principal of its accounts: name the roles/],
    ['a role that is not a principal', { deploymentStacks: EU_SAMPLE, deploymentRoleArns: ['arn:aws:s3:::bucket'] }, /not an IAM principal ARN/],
  ])('refuses %s', (_name, override, message) => {
    expect(() => crossRegionScpDocument({ ...EU_ONLY, ...override })).toThrow(message);
  });
});

describe('the requests the checker simulates', () => {
  test('every representative action is one the simulator knows', async () => {
    const simulator = await ScpSimulator.create([scpOf('generated.json', crossRegionScpDocument(EU_ONLY))]);
    for (const action of Object.values(REPRESENTATIVE_ACTIONS)) {
      await expect(simulator.evaluate({ action, resource: '*', context: { 'aws:RequestedRegion': 'eu-west-1' } })).resolves.toMatchObject({ allowed: true });
    }
  });
});
