/**
 * Pure builder of the service control policy (SCP) statements that keep an organisation's region deny
 * while letting Amazon Bedrock cross-region inference reach the destination regions of its profiles.
 * No CDK imports: the `CrossRegionInferenceScp` class, the `generate-scp` CLI and the tests build on it.
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
 */
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
} as const;

/** One statement of a service control policy, in the JSON shape AWS Organizations accepts. */
export interface ScpStatementJson {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string[];
  readonly Resource: string;
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

/** A service control policy document. */
export interface ScpDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: ScpStatementJson[];
}

/**
 * The SCP that keeps the region deny for everything except Bedrock inference routed through an
 * inference profile, with the optional profile allow-list, global-profile deny and principal exemption.
 *
 * @throws with what to change, when the options contradict each other or a profile could not be called
 */
export function crossRegionScpDocument(options: CrossRegionScpOptions): ScpDocumentJson {
  const approved = validateApprovedRegions(options.approvedRegions);
  const profiles = validateProfiles(options, approved);
  const partition = partitionOfRegion(approved[0]);
  const exemptPrincipals = validateExemptPrincipals(options.exemptPrincipalArns);
  const exemptActions = validateExemptActions(options.exemptActions);
  const principalCondition: Record<string, Record<string, string | string[]>> = exemptPrincipals
    ? { ArnNotLike: { 'aws:PrincipalArn': exemptPrincipals } }
    : {};

  const statements: ScpStatementJson[] = [{
    Sid: SCP_SIDS.regionDeny,
    Effect: 'Deny',
    ...(exemptActions.length > 0 ? { NotAction: exemptActions } : { Action: '*' }),
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:RequestedRegion': approved },
      Null: { 'bedrock:InferenceProfileArn': 'true' },
      ...principalCondition,
    },
  }];

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

  const document: ScpDocumentJson = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(document).length;
  if (size > SCP_MAX_CHARACTERS) {
    throw new Error(`The generated SCP is ${size} characters (minified); AWS Organizations accepts at most ${SCP_MAX_CHARACTERS}. `
      + 'List fewer profiles or approved regions, or drop allowOnlyListedProfiles and restrict profiles in IAM instead.');
  }
  return document;
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

function validateExemptPrincipals(arns: readonly string[] | undefined): string[] | undefined {
  if (arns === undefined) { return undefined; }
  if (arns.length === 0) {
    throw new Error('exemptPrincipalArns is an empty list: omit it when no principal is exempt.');
  }
  for (const arn of arns) {
    if (!/^arn:[a-z-]+:(iam|sts)::[0-9*?]*:/.test(arn)) {
      throw new Error(`exemptPrincipalArns contains '${arn}', which is not an IAM principal ARN `
        + '(expected for example \'arn:aws:iam::*:role/AWSControlTowerExecution\').');
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
