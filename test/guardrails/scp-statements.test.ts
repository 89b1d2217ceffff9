import { deniedSteps, EU_SONNET, GLOBAL_SONNET, scpOf, US_HAIKU } from './support';
import { CrossRegionScpOptions } from '../../lib/guardrails/cross-region-scp-options';
import { checkCrossRegionCall, CrossRegionStep } from '../../lib/guardrails/private/scp-checker';
import { ScpSimulator } from '../../lib/guardrails/private/scp-simulator';
import { BEARER_TOKEN_ACTIONS, crossRegionScpDocument, DEFAULT_EXEMPT_ACTIONS, SCP_SIDS } from '../../lib/guardrails/private/scp-statements';
import { CrossRegionInferenceProfile } from '../../lib/profiles/cross-region-inference-profile';
import { InferenceProfileCatalog } from '../../lib/profiles/inference-profile-catalog';

const US_SONNET = CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const GOV_HAIKU = CrossRegionInferenceProfile.fromId('us-gov.anthropic.claude-3-haiku-20240307-v1:0');

async function simulatorFor(options: CrossRegionScpOptions): Promise<ScpSimulator> {
  return ScpSimulator.create([scpOf('generated.json', crossRegionScpDocument(options))]);
}

describe('the generated SCP', () => {
  test('is the region deny with the bedrock:InferenceProfileArn carve-out and the default exempt actions', () => {
    expect(crossRegionScpDocument({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], denyBedrockApiKeys: false })).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: SCP_SIDS.regionDeny,
        Effect: 'Deny',
        NotAction: [...DEFAULT_EXEMPT_ACTIONS],
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] },
          Null: { 'bedrock:InferenceProfileArn': 'true' },
        },
      }],
    });
  });

  test('passes the checker for every catalog profile from every approved source region', async () => {
    const catalog = InferenceProfileCatalog.bundled();
    let calls = 0;
    const failures: string[] = [];
    for (const id of catalog.profileIds) {
      const profile = CrossRegionInferenceProfile.fromId(id);
      // Geographic profiles: approve their source regions (their destinations stay unapproved where they
      // differ). Global profiles: approve only the source region, so every other region is denied.
      const approvalSets = profile.isGlobal ? profile.sourceRegions.map(r => [r]) : [profile.sourceRegions];
      for (const approvedRegions of approvalSets) {
        const simulator = await simulatorFor({ approvedRegions, profiles: [profile], allowOnlyListedProfiles: true });
        for (const sourceRegion of approvedRegions) {
          calls++;
          const denied = deniedSteps(await checkCrossRegionCall(simulator, profile, sourceRegion));
          if (denied.length > 0) { failures.push(`${id} from ${sourceRegion}: ${denied.join(', ')}`); }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(300);
  });

  test('still denies other services, and direct Bedrock calls, outside the approved regions', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU, GLOBAL_SONNET] });
    const ec2 = await simulator.evaluate({
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-west-2:111122223333:instance/i-0123456789abcdef0',
      context: { 'aws:RequestedRegion': 'us-west-2' },
    });
    expect(ec2).toMatchObject({ allowed: false, denyingStatements: [`generated.json: ${SCP_SIDS.regionDeny}`] });
    const s3 = await simulator.evaluate({
      action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { 'aws:RequestedRegion': 'eu-west-1' },
    });
    expect(s3.allowed).toBe(false);
    const direct = await simulator.evaluate({
      action: 'bedrock:InvokeModel',
      resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      context: { 'aws:RequestedRegion': 'us-west-2' },
    });
    expect(direct.allowed).toBe(false);
    const regionLessDirect = await simulator.evaluate({
      action: 'ec2:DescribeRegions', resource: '*', context: { 'aws:RequestedRegion': 'unspecified' },
    });
    expect(regionLessDirect.allowed).toBe(false);
    const inApproved = await simulator.evaluate({
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
      context: { 'aws:RequestedRegion': 'us-east-1' },
    });
    expect(inApproved.allowed).toBe(true);
    const iam = await simulator.evaluate({
      action: 'iam:CreateRole', resource: 'arn:aws:iam::111122223333:role/x', context: { 'aws:RequestedRegion': 'eu-west-1' },
    });
    expect(iam.allowed).toBe(true);
  });

  test('the originating call from an unapproved source region stays denied', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU] });
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_HAIKU, 'us-west-2'))).toEqual(['profile@us-west-2']);
  });

  test('allowOnlyListedProfiles denies inference through a profile not listed', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], allowOnlyListedProfiles: true });
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_HAIKU, 'us-east-1'))).toEqual([]);
    const rows = await checkCrossRegionCall(simulator, US_SONNET, 'us-east-1');
    expect(deniedSteps(rows)).toEqual(['destination-model@us-east-1', 'destination-model@us-east-2', 'destination-model@us-west-2']);
    expect(rows.find(r => !r.allowed)!.denyingStatement).toBe(`generated.json: ${SCP_SIDS.unlistedProfiles}`);
    expect(rows.find(r => !r.allowed)!.suggestion).toMatch(/allows only some inference profiles/);
  });

  test('without allowOnlyListedProfiles, any profile called from an approved region goes through', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU] });
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_SONNET, 'us-east-1'))).toEqual([]);
  });

  test('denyGlobalProfiles denies the region-less step of global profiles and allows geographic ones', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], denyGlobalProfiles: true });
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_HAIKU, 'us-east-1'))).toEqual([]);
    const rows = await checkCrossRegionCall(simulator, GLOBAL_SONNET, 'us-east-1');
    expect(deniedSteps(rows)).toEqual(['global-model@unspecified']);
    expect(rows.find(r => !r.allowed)!.denyingStatement).toBe(`generated.json: ${SCP_SIDS.globalProfiles}`);
  });

  test('exemptPrincipalArns exempts the privileged role from every deny', async () => {
    const privileged = 'arn:aws:iam::111122223333:role/AWSControlTowerExecution';
    const simulator = await simulatorFor({
      approvedRegions: ['us-east-1'],
      profiles: [US_HAIKU],
      allowOnlyListedProfiles: true,
      denyGlobalProfiles: true,
      exemptPrincipalArns: ['arn:aws:iam::*:role/AWSControlTowerExecution'],
    });
    const ec2 = {
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0',
      context: { 'aws:RequestedRegion': 'eu-west-1' },
    };
    expect((await simulator.evaluate({ ...ec2, principalArn: privileged })).allowed).toBe(true);
    expect((await simulator.evaluate(ec2)).allowed).toBe(false);
    const unlisted = {
      action: 'bedrock:InvokeModel',
      resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      context: {
        'aws:RequestedRegion': 'us-west-2',
        'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
    };
    expect((await simulator.evaluate({ ...unlisted, principalArn: privileged })).allowed).toBe(true);
    expect((await simulator.evaluate(unlisted)).allowed).toBe(false);
  });

  test('an empty exemptActions list denies every action outside the approved regions', async () => {
    const doc = crossRegionScpDocument({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], exemptActions: [] });
    expect(doc.Statement[0]).toMatchObject({ Action: '*' });
    expect(doc.Statement[0].NotAction).toBeUndefined();
    const simulator = await ScpSimulator.create([scpOf('generated.json', doc)]);
    expect((await simulator.evaluate({
      action: 'iam:CreateRole', resource: 'arn:aws:iam::111122223333:role/x', context: { 'aws:RequestedRegion': 'eu-west-1' },
    })).allowed).toBe(false);
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_HAIKU, 'us-east-1'))).toEqual([]);
  });

  test('uses partition-correct ARNs in GovCloud', async () => {
    const doc = crossRegionScpDocument({ approvedRegions: ['us-gov-east-1'], profiles: [GOV_HAIKU], allowOnlyListedProfiles: true });
    expect(JSON.stringify(doc)).toContain('arn:aws-us-gov:bedrock:us-gov-east-1:*:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0');
    expect(JSON.stringify(doc)).not.toContain('arn:aws:');
    const simulator = await ScpSimulator.create([scpOf('generated.json', doc)]);
    const rows = await checkCrossRegionCall(simulator, GOV_HAIKU, 'us-gov-east-1');
    expect(rows.filter(r => r.step === CrossRegionStep.DESTINATION_MODEL).map(r => r.region)).toContain('us-gov-west-1');
    expect(deniedSteps(rows)).toEqual([]);
  });
});

describe('the Bedrock API key deny', () => {
  const bearer = (action: string, region = 'us-east-1') => ({ action, resource: '*', context: { 'aws:RequestedRegion': region } });
  const longTermKey = (service: string) => ({
    action: 'iam:CreateServiceSpecificCredential',
    resource: 'arn:aws:iam::111122223333:user/key-holder',
    context: { 'aws:RequestedRegion': 'us-east-1', 'iam:ServiceSpecificCredentialServiceName': service },
  });

  test('is on by default: the AWS example statements, after the region deny', () => {
    expect(crossRegionScpDocument({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU] }).Statement.slice(1)).toEqual([
      { Sid: SCP_SIDS.bedrockApiKeys, Effect: 'Deny', Action: [...BEARER_TOKEN_ACTIONS], Resource: '*' },
      {
        Sid: SCP_SIDS.bedrockApiKeyCreation,
        Effect: 'Deny',
        Action: 'iam:CreateServiceSpecificCredential',
        Resource: '*',
        Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' } },
      },
    ]);
    expect(BEARER_TOKEN_ACTIONS).toEqual(['bedrock:CallWithBearerToken', 'bedrock-mantle:CallWithBearerToken']);
  });

  test('(c) denies calls with a bearer token on both endpoints, in approved regions too, and creating long-term Bedrock keys', async () => {
    const simulator = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU] });
    for (const action of BEARER_TOKEN_ACTIONS) {
      expect(await simulator.evaluate(bearer(action))).toMatchObject({ allowed: false, denyingStatements: [`generated.json: ${SCP_SIDS.bedrockApiKeys}`] });
    }
    expect(await simulator.evaluate(longTermKey('bedrock.amazonaws.com')))
      .toMatchObject({ allowed: false, denyingStatements: [`generated.json: ${SCP_SIDS.bedrockApiKeyCreation}`] });
    expect((await simulator.evaluate(longTermKey('codecommit.amazonaws.com'))).allowed).toBe(true);
    expect(deniedSteps(await checkCrossRegionCall(simulator, US_HAIKU, 'us-east-1'))).toEqual([]);
  });

  test('denyBedrockApiKeys: false allows them; exempt principals stay exempt', async () => {
    const off = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], denyBedrockApiKeys: false });
    expect((await off.evaluate(bearer('bedrock:CallWithBearerToken'))).allowed).toBe(true);
    const exempt = await simulatorFor({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], exemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass'] });
    expect((await exempt.evaluate({ ...bearer('bedrock-mantle:CallWithBearerToken'), principalArn: 'arn:aws:iam::111122223333:role/BreakGlass' })).allowed).toBe(true);
    expect((await exempt.evaluate(bearer('bedrock-mantle:CallWithBearerToken'))).allowed).toBe(false);
  });
});

describe('the generator validation', () => {
  test.each<[string, Partial<CrossRegionScpOptions>, RegExp]>([
    ['no approved region', { approvedRegions: [] }, /approvedRegions is empty/],
    ['no profile', { profiles: [] }, /profiles is empty/],
    ['"unspecified" approved', { approvedRegions: ['us-east-1', 'unspecified'] }, /approvedRegions contains 'unspecified': leave it out/],
    ['a malformed region', { approvedRegions: ['US East'] }, /'US East', which is not a region name/],
    ['mixed partitions', { approvedRegions: ['us-east-1', 'us-gov-west-1'] }, /mixes partitions \(aws, aws-us-gov\)/],
    ['a profile with no approved source region', { approvedRegions: ['eu-west-1'] },
      /'us\.anthropic\.claude-3-5-haiku-20241022-v1:0' cannot be called from any approved region \(eu-west-1\).*Approve at least one of its source regions: us-east-1, us-east-2, us-west-2/],
    ['a global profile with denyGlobalProfiles', { profiles: [GLOBAL_SONNET], denyGlobalProfiles: true },
      /'global\.anthropic\.claude-sonnet-4-5-20250929-v1:0' is a global profile, but denyGlobalProfiles is set/],
    ['an empty exemptPrincipalArns', { exemptPrincipalArns: [] }, /exemptPrincipalArns is an empty list: omit it/],
    ['a non-principal ARN', { exemptPrincipalArns: ['arn:aws:s3:::bucket'] }, /'arn:aws:s3:::bucket', which is not an IAM principal ARN/],
    ['a Bedrock exempt action', { exemptActions: ['iam:*', 'bedrock:*'] }, /exemptActions contains 'bedrock:\*': that would exempt direct Bedrock calls/],
    ['a malformed exempt action', { exemptActions: ['iam'] }, /exemptActions contains 'iam', which is not an IAM action/],
  ])('refuses %s', (_name, override, message) => {
    expect(() => crossRegionScpDocument({ approvedRegions: ['us-east-1'], profiles: [US_HAIKU], ...override })).toThrow(message);
  });

  test('refuses an SCP over the 5,120-character limit', () => {
    const catalog = InferenceProfileCatalog.bundled();
    const profiles = catalog.profileIds.filter(id => id.startsWith('us.')).map(id => CrossRegionInferenceProfile.fromId(id));
    expect(() => crossRegionScpDocument({
      approvedRegions: ['us-east-1', 'us-east-2', 'us-west-2'], profiles, allowOnlyListedProfiles: true,
    })).toThrow(/characters \(minified\); AWS Organizations accepts at most 5120/);
  });

  test('lists each profile once, whatever the order given', () => {
    const a = crossRegionScpDocument({ approvedRegions: ['eu-west-1', 'us-east-1'], profiles: [US_HAIKU, EU_SONNET, US_HAIKU], allowOnlyListedProfiles: true });
    const b = crossRegionScpDocument({ approvedRegions: ['us-east-1', 'eu-west-1'], profiles: [EU_SONNET, US_HAIKU], allowOnlyListedProfiles: true });
    expect(a).toEqual(b);
    expect(a.Statement[1].Condition!.ArnNotLike['bedrock:InferenceProfileArn']).toEqual([
      'arn:aws:bedrock:eu-west-1:*:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'arn:aws:bedrock:us-east-1:*:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
    ]);
  });
});
