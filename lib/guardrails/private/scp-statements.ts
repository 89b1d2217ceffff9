/**
 * Pure builder of the service control policy (SCP) statements that keep an organisation's region deny
 * while letting Amazon Bedrock cross-region inference reach the destination regions of its profiles.
 * The `CrossRegionInferenceScp` class, the `generate-scp` CLI and the tests build on it.
 *
 * The design follows the AWS examples (Bedrock user guide, "global cross-Region inference", SCP setup,
 * and the AWS blog "Securing Amazon Bedrock cross-Region inference: Geographic and global"):
 *
 * - The region deny exempts requests Bedrock makes on behalf of an inference profile
 *   (`Null: { bedrock:InferenceProfileArn: true }` ANDed with `StringNotEquals: aws:RequestedRegion`,
 *   "option B" of the AWS note). The originating call on the profile ARN does not carry
 *   `bedrock:InferenceProfileArn`, so it still has to be made in an approved region.
 * - Global profiles need no `unspecified` entry in the approved list: their region-less model
 *   evaluation (`aws:RequestedRegion` = `unspecified`) carries `bedrock:InferenceProfileArn` too, so the
 *   same exemption covers it without opening region-less requests to every other service.
 * - The deployment's own regions (`deploymentStacks`) are reviewed by `deployment-review.ts`: the SCP is
 *   refused when it would block them, or gets a second region deny that exempts only the roles that
 *   deploy them, in those regions only.
 * - Bedrock API keys are denied as AWS's example SCP does ("Deny-Bedrock-api-keys.json" of
 *   aws-samples/service-control-policy-examples; Bedrock user guide, "Control permissions for generating
 *   and using Amazon Bedrock API keys": the keys can be used with two endpoints, each controlled by its
 *   own action, and denying both prevents all key-based access).
 *
 * Pure: it builds JSON and creates no construct (it reads two constants of aws-cdk-lib and the metric identity).
 */
import { DeploymentWarning, reviewDeployment } from './deployment-review';
import type { CrossRegionInferenceProfile } from '../../profiles/cross-region-inference-profile';
import { partitionOfRegion } from '../../profiles/geography';
import { inferenceProfileArn, UNSPECIFIED_REGION } from '../../profiles/private/invoke-statements';
import { isRegionName } from '../../shared/region-name';
import type { CrossRegionScpOptions } from '../cross-region-scp-options';

/**
 * Global services (or services whose control plane lives in one region) that a region deny usually
 * exempts, as in the AWS examples: IAM, STS, Organizations, Account, Route 53, CloudFront, Global
 * Accelerator, WAF Classic, Shield, Support, Health, Trusted Advisor, Budgets and Cost Explorer.
 */
export const DEFAULT_EXEMPT_ACTIONS: readonly string[] = [
  'iam:*',
  'sts:*',
  'organizations:*',
  'account:*',
  'route53:*',
  'route53domains:*',
  'cloudfront:*',
  'globalaccelerator:*',
  'waf:*',
  'shield:*',
  'support:*',
  'health:*',
  'trustedadvisor:*',
  'budgets:*',
  'ce:*',
];

/** The largest SCP AWS Organizations accepts, in characters. */
export const SCP_MAX_CHARACTERS = 5120;

/** Statement ids of the generated SCP. */
export const SCP_SIDS = {
  regionDeny: 'DenyOutsideApprovedRegionsExceptCrossRegionInference',
  unlistedProfiles: 'DenyInferenceThroughUnlistedProfiles',
  globalProfiles: 'DenyGlobalCrossRegionInference',
  deploymentRegions: 'DenyDeploymentRegionsExceptDeploymentRoles',
  bedrockApiKeys: 'DenyBedrockApiKeys',
  bedrockApiKeyCreation: 'DenyBedrockLongTermApiKeyCreation',
} as const;

/** The actions that use an Amazon Bedrock API key (bearer token), one per endpoint that accepts them. */
export const BEARER_TOKEN_ACTIONS: readonly string[] = ['bedrock:CallWithBearerToken', 'bedrock-mantle:CallWithBearerToken'];

/** One statement of a service control policy, in the JSON shape AWS Organizations accepts. */
export interface ScpStatementJson {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string[];
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** A service control policy document. */
export interface ScpDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: ScpStatementJson[];
}

/** The generated SCP, and what the deployment loses under it. */
export interface GeneratedScp {
  readonly document: ScpDocumentJson;
  /** What the deployment loses under it (for example: a routing stack outside us-east-1 has no health-check alarms). */
  readonly warnings: DeploymentWarning[];
}

/** The SCP document of {@link generateCrossRegionScp}. */
export function crossRegionScpDocument(options: CrossRegionScpOptions): ScpDocumentJson {
  return generateCrossRegionScp(options).document;
}

/**
 * The SCP that keeps the region deny for everything except Bedrock inference routed through an
 * inference profile, with the optional profile allow-list, global-profile deny, principal exemption,
 * deployment-role exemption and Bedrock API key deny.
 *
 * @throws with what to change, when the options contradict each other, a profile could not be called,
 *         or the SCP would block the deployment (`DeploymentBlockedError`)
 */
export function generateCrossRegionScp(options: CrossRegionScpOptions): GeneratedScp {
  const approved = validateApprovedRegions(options.approvedRegions);
  const profiles = validateProfiles(options, approved);
  const partition = partitionOfRegion(approved[0]);
  const exemptPrincipals = validatePrincipalArns('exemptPrincipalArns', options.exemptPrincipalArns);
  const exemptActions = validateExemptActions(options.exemptActions);
  const deploymentRoles = validatePrincipalArns('deploymentRoleArns', options.deploymentRoleArns);
  const review = reviewDeployment({
    approvedRegions: approved, exemptActions, partition, stacks: options.deploymentStacks, deploymentRoleArns: deploymentRoles,
  });
  const principalCondition: Record<string, Record<string, string | string[]>> = exemptPrincipals
    ? { ArnNotLike: { 'aws:PrincipalArn': exemptPrincipals } }
    : {};
  const notExempt = exemptActions.length > 0 ? { NotAction: exemptActions } : { Action: '*' };

  const statements: ScpStatementJson[] = [{
    Sid: SCP_SIDS.regionDeny,
    Effect: 'Deny',
    ...notExempt,
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:RequestedRegion': [...approved, ...review.deploymentRoleRegions].sort() },
      Null: { 'bedrock:InferenceProfileArn': 'true' },
      ...principalCondition,
    },
  }];

  if (review.deploymentRoleRegions.length > 0) {
    statements.push({
      Sid: SCP_SIDS.deploymentRegions,
      Effect: 'Deny',
      ...notExempt,
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:RequestedRegion': review.deploymentRoleRegions },
        Null: { 'bedrock:InferenceProfileArn': 'true' },
        ArnNotLike: { 'aws:PrincipalArn': [...new Set([...deploymentRoles!, ...exemptPrincipals ?? []])].sort() },
      },
    });
  }

  if (options.allowOnlyListedProfiles) {
    const listed = profiles.flatMap(profile => profile.sourceRegions
      .filter(region => approved.includes(region))
      .map(region => inferenceProfileArn({ partition, account: '*' }, region, profile.profileId)));
    statements.push({
      Sid: SCP_SIDS.unlistedProfiles,
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: {
        Null: { 'bedrock:InferenceProfileArn': 'false' },
        ArnNotLike: { 'bedrock:InferenceProfileArn': [...new Set(listed)].sort(), ...principalCondition.ArnNotLike },
      },
    });
  }

  if (options.denyGlobalProfiles) {
    statements.push({
      Sid: SCP_SIDS.globalProfiles,
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:RequestedRegion': UNSPECIFIED_REGION },
        ArnLike: { 'bedrock:InferenceProfileArn': `arn:${partition}:bedrock:*:*:inference-profile/global.*` },
        ...principalCondition,
      },
    });
  }

  if (options.denyBedrockApiKeys ?? true) {
    statements.push({
      Sid: SCP_SIDS.bedrockApiKeys,
      Effect: 'Deny',
      Action: [...BEARER_TOKEN_ACTIONS],
      Resource: '*',
      ...(exemptPrincipals ? { Condition: principalCondition } : {}),
    }, {
      Sid: SCP_SIDS.bedrockApiKeyCreation,
      Effect: 'Deny',
      Action: 'iam:CreateServiceSpecificCredential',
      Resource: '*',
      Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' }, ...principalCondition },
    });
  }

  const document: ScpDocumentJson = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(document).length;
  if (size > SCP_MAX_CHARACTERS) {
    throw new Error(`The generated SCP is ${size} characters (minified); AWS Organizations accepts at most ${SCP_MAX_CHARACTERS}. `
      + 'List fewer profiles or approved regions, or drop allowOnlyListedProfiles and restrict profiles in IAM instead.');
  }
  return { document, warnings: review.warnings };
}

function validateApprovedRegions(regions: readonly string[] | undefined): string[] {
  if (!regions || regions.length === 0) {
    throw new Error('approvedRegions is empty: list the regions your organisation approves, for example [\'us-east-1\', \'us-west-2\'].');
  }
  for (const region of regions) {
    if (region === UNSPECIFIED_REGION) {
      throw new Error('approvedRegions contains \'unspecified\': leave it out. The generated SCP exempts the region-less model '
        + 'evaluation of global profiles through bedrock:InferenceProfileArn, without opening region-less requests to other services.');
    }
    if (!isRegionName(region)) {
      throw new Error(`approvedRegions contains '${region}', which is not a region name (expected for example 'us-east-1').`);
    }
  }
  const partitions = [...new Set(regions.map(partitionOfRegion))];
  if (partitions.length > 1) {
    throw new Error(`approvedRegions mixes partitions (${partitions.join(', ')}): an SCP belongs to one organisation in one partition. `
      + 'Generate one SCP per partition.');
  }
  return [...new Set(regions)].sort();
}

function validateProfiles(options: CrossRegionScpOptions, approved: readonly string[]): CrossRegionInferenceProfile[] {
  if (!options.profiles || options.profiles.length === 0) {
    throw new Error('profiles is empty: list the inference profiles (CrossRegionInferenceProfile.fromId(...)) your organisation uses.');
  }
  const byId = new Map<string, CrossRegionInferenceProfile>();
  for (const profile of options.profiles) {
    byId.set(profile.profileId, profile);
  }
  const profiles = [...byId.values()].sort((a, b) => a.profileId.localeCompare(b.profileId));
  for (const profile of profiles) {
    if (profile.isGlobal && options.denyGlobalProfiles) {
      throw new Error(`'${profile.profileId}' is a global profile, but denyGlobalProfiles is set: the SCP would deny the profile it is `
        + `meant to allow. Remove it from profiles, or use the geographic profile of the model (for example 'us.${profile.modelId}').`);
    }
    const callable = profile.sourceRegions.filter(region => approved.includes(region));
    if (callable.length === 0) {
      throw new Error(`'${profile.profileId}' cannot be called from any approved region (${approved.join(', ')}): the originating call on `
        + 'the profile ARN is made in the source region and stays subject to the region deny. Approve at least one of its source '
        + `regions: ${profile.sourceRegions.join(', ')}.`);
    }
  }
  return profiles;
}

function validatePrincipalArns(option: string, arns: readonly string[] | undefined): string[] | undefined {
  if (arns === undefined) { return undefined; }
  if (arns.length === 0) {
    throw new Error(`${option} is an empty list: omit it when no principal is exempt.`);
  }
  for (const arn of arns) {
    if (!/^arn:[a-z-]+:(iam|sts)::[0-9*?]*:/.test(arn)) {
      throw new Error(`${option} contains '${arn}', which is not an IAM principal ARN `
        + '(expected for example \'arn:aws:iam::*:role/AWSControlTowerExecution\').');
    }
    const resource = arn.split(':').slice(5).join(':');
    const name = /^[a-z-]+\/(.*)$/.exec(resource)?.[1] ?? '';
    if (resource !== 'root' && !/[^*?/]/.test(name)) {
      throw new Error(`${option} contains '${arn}', which matches every principal of its accounts: name the roles `
        + '(for example \'arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*-us-east-1\').');
    }
  }
  return [...new Set(arns)].sort();
}

function validateExemptActions(actions: readonly string[] | undefined): string[] {
  const list = [...new Set(actions ?? DEFAULT_EXEMPT_ACTIONS)];
  for (const action of list) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
      throw new Error(`exemptActions contains '${action}', which is not an IAM action (expected 'service:Action', for example 'iam:*').`);
    }
    if (action.toLowerCase().startsWith('bedrock:')) {
      throw new Error(`exemptActions contains '${action}': that would exempt direct Bedrock calls from the region deny. `
        + 'Leave Bedrock out; the SCP already lets requests routed through inference profiles reach their destination regions.');
    }
  }
  return list;
}
