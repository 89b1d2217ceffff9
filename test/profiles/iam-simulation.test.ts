/**
 * Proves the synthesized invoke policies with IAM policy simulation (@cloud-copilot/iam-simulate,
 * AGPL-3.0, a development dependency only): for every catalog profile and every one of its source
 * regions, a stack in that region grants a role the profile, and the role's policy, as CloudFormation
 * would resolve it, must allow each step of a request routed to every destination region and deny
 * a direct call to the model and any region outside the destination set.
 */
import { runSimulation, runUnsafeSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossRegionInferenceProfile, InferenceProfileCatalog } from '../../lib';
import { partitionOfRegion } from '../../lib/profiles/geography';
import { resolveIntrinsics } from '../support/intrinsics';
import { nagFindings } from '../support/nag';

const ACCOUNT = '111111111111';
const ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const catalog = InferenceProfileCatalog.bundled();

interface Case {
  readonly profile: CrossRegionInferenceProfile;
  readonly source: string;
  readonly policy: any;
}

/** One stack per source region; in it one role per profile callable from there. */
function synthesizeCases(): { app: App; cases: Case[] } {
  const app = new App();
  const profiles = catalog.profileIds.map(id => CrossRegionInferenceProfile.fromId(id));
  const sources = [...new Set(profiles.flatMap(p => p.sourceRegions))].sort();
  const built: Array<{ stack: Stack; source: string; roles: Map<CrossRegionInferenceProfile, iam.Role> }> = [];
  for (const source of sources) {
    const stack = new Stack(app, `Invokers-${source}`, { env: { account: ACCOUNT, region: source } });
    const roles = new Map<CrossRegionInferenceProfile, iam.Role>();
    profiles.filter(p => p.isSourceRegion(source)).forEach((profile, i) => {
      const role = new iam.Role(stack, `Role${i}`, { assumedBy: new iam.AccountRootPrincipal() });
      profile.grantInvoke(role);
      roles.set(profile, role);
    });
    // Where the grants land (each test role's inline default policy) is the grantee's choice, not the grant's.
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      Validations.of(stack).acknowledge({ id: `${pack}-IAMNoInlinePolicy`, reason: 'Test grantees keep grants in their default inline policy.' });
    }
    built.push({ stack, source, roles });
  }
  const assembly = app.synth();
  const cases: Case[] = [];
  for (const { stack, source, roles } of built) {
    const template = assembly.getStackByName(stack.stackName).template;
    for (const [profile, role] of roles) {
      const roleLogicalId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
      const policies = Object.values<any>(template.Resources)
        .filter(r => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleLogicalId));
      if (policies.length !== 1) { throw new Error(`expected one policy for ${profile.profileId} in ${source}`); }
      const policy = resolveIntrinsics(policies[0].Properties.PolicyDocument, {
        partition: partitionOfRegion(source), accountId: ACCOUNT, region: source,
      });
      cases.push({ profile, source, policy });
    }
  }
  return { app, cases };
}

async function decide(policy: any, action: string, resource: string, context: Record<string, string>): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: [{ name: 'invoker', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action,
      principal: `arn:aws:iam::${ACCOUNT}:role/invoker`,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: context,
    },
  };
  if (resource.includes(':bedrock:::')) {
    // iam-simulate's resource-type check cannot match the region-less global model ARN (its
    // foundation-model pattern requires a region), so evaluate that one without input validation.
    return runUnsafeSimulation(simulation, {});
  }
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(`Simulation rejected: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}

const { app: simulatedApp, cases } = synthesizeCases();

test('every simulated stack passes cdk-nag', () => {
  expect(nagFindings(simulatedApp)).toEqual([]);
});

test('the matrix covers every catalog profile and every source region', () => {
  const expected = catalog.profileIds.reduce((n, id) => n + catalog.sourceRegionsOf(id).length, 0);
  expect(cases).toHaveLength(expected);
  expect(new Set(cases.map(c => c.profile.profileId)).size).toBe(catalog.profileIds.length);
});

describe.each(cases.map(c => [`${c.profile.profileId} from ${c.source}`, c] as const))('%s', (_name, { profile, source, policy }) => {
  const partition = partitionOfRegion(source);
  const profileArn = `arn:${partition}:bedrock:${source}:${ACCOUNT}:inference-profile/${profile.profileId}`;
  const modelArn = (region: string) => `arn:${partition}:bedrock:${region}::foundation-model/${profile.modelId}`;
  const throughProfile = (region: string) => ({ 'aws:RequestedRegion': region, 'bedrock:InferenceProfileArn': profileArn });

  test('allows every step of a request routed to every destination region', async () => {
    const steps: Array<[string, Record<string, string>]> = [[profileArn, { 'aws:RequestedRegion': source }]];
    if (profile.isGlobal) {
      steps.push([modelArn(source), throughProfile(source)], [modelArn(''), throughProfile('unspecified')]);
    } else {
      for (const destination of profile.destinationsFrom(source)) {
        steps.push([modelArn(destination), throughProfile(destination)]);
      }
    }
    for (const action of ACTIONS) {
      for (const [resource, context] of steps) {
        expect(`${action} ${resource}: ${await decide(policy, action, resource, context)}`).toBe(`${action} ${resource}: Allowed`);
      }
    }
  });

  test('denies a direct call to the model, and every region outside the destination set', async () => {
    const denied: Array<[string, Record<string, string>]> = [];
    const reachable = profile.isGlobal ? [source] : [source, ...profile.destinationsFrom(source)];
    for (const region of reachable) {
      denied.push([modelArn(region), { 'aws:RequestedRegion': region }]);
    }
    if (profile.isGlobal) {
      denied.push([modelArn(''), { 'aws:RequestedRegion': 'unspecified' }]);
      const elsewhere = catalog.commercialRegions.find(r => r !== source)!;
      denied.push([modelArn(elsewhere), throughProfile(elsewhere)]);
      denied.push([modelArn(''), throughProfile(source)]);
    } else {
      const outside = catalog.commercialRegions.concat('us-gov-east-1', 'us-gov-west-1')
        .filter(r => !reachable.includes(r) && partitionOfRegion(r) === partition);
      for (const region of outside) {
        denied.push([modelArn(region), throughProfile(region)]);
      }
    }
    const otherSource = profile.sourceRegions.find(r => r !== source);
    if (otherSource) {
      denied.push([profileArn.replace(`:${source}:`, `:${otherSource}:`), { 'aws:RequestedRegion': otherSource }]);
    }
    for (const [resource, context] of denied) {
      expect(`${resource}: ${await decide(policy, 'bedrock:InvokeModel', resource, context)}`).toBe(`${resource}: ImplicitlyDenied`);
    }
  });
});
