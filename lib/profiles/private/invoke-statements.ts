import { createHash } from 'crypto';

/**
 * Pure builders of the IAM statements AWS documents for invoking through a cross-region inference
 * profile. No CDK imports: the construct grant, the SCP generator and the CLI all build on these.
 */

/** The Bedrock actions behind Converse/InvokeModel and ConverseStream/InvokeModelWithResponseStream. */
export const INVOKE_ACTIONS: readonly string[] = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** `aws:RequestedRegion` value Bedrock evaluates for the region-less model of a global profile. */
export const UNSPECIFIED_REGION = 'unspecified';

/** A plain IAM statement (always `Allow`), independent of any library. */
export interface StatementSpec {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

/** How to spell ARNs: literal values, or CDK tokens such as `Aws.PARTITION`. */
export interface ArnParts {
  readonly partition: string;
  readonly account: string;
}

/** One source region of one profile, as the policy builder needs it. */
export interface ProfileRoute {
  readonly profileId: string;
  readonly modelId: string;
  readonly isGlobal: boolean;
  readonly sourceRegion: string;
  /** Destination regions from this source; ignored for global profiles. */
  readonly destinationRegions: readonly string[];
}

/** ARN of a system-defined inference profile in a source region. */
export function inferenceProfileArn(arn: ArnParts, sourceRegion: string, profileId: string): string {
  return `arn:${arn.partition}:bedrock:${sourceRegion}:${arn.account}:inference-profile/${profileId}`;
}

/** ARN of a foundation model in a region; an empty region gives the region-less global model ARN. */
export function foundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}

/**
 * The least-privilege statements for invoking `route.profileId` from `route.sourceRegion`.
 *
 * - Geographic profiles (AWS "geographic cross-Region inference" IAM setup): the profile ARN in the
 *   source region, and the foundation model in the source region and in every destination region,
 *   usable only through that profile (`bedrock:InferenceProfileArn`).
 * - Global profiles (AWS "three-part IAM policy"): the profile ARN and the in-region model, both
 *   pinned to the source region by `aws:RequestedRegion`, and the region-less model ARN with
 *   `aws:RequestedRegion` = `unspecified`, usable only through that profile.
 */
export function invokeStatements(route: ProfileRoute, arn: ArnParts): StatementSpec[] {
  const profileArn = inferenceProfileArn(arn, route.sourceRegion, route.profileId);
  const sidSuffix = sidFragment(`${route.profileId}${route.sourceRegion}`);
  if (route.isGlobal) {
    return [
      {
        sid: `GlobalCrisProfile${sidSuffix}`,
        actions: INVOKE_ACTIONS,
        resources: [profileArn],
        conditions: { StringEquals: { 'aws:RequestedRegion': route.sourceRegion } },
      },
      {
        sid: `GlobalCrisInRegionModel${sidSuffix}`,
        actions: INVOKE_ACTIONS,
        resources: [foundationModelArn(arn.partition, route.sourceRegion, route.modelId)],
        conditions: {
          StringEquals: { 'aws:RequestedRegion': route.sourceRegion, 'bedrock:InferenceProfileArn': profileArn },
        },
      },
      {
        sid: `GlobalCrisGlobalModel${sidSuffix}`,
        actions: INVOKE_ACTIONS,
        resources: [foundationModelArn(arn.partition, '', route.modelId)],
        conditions: {
          StringEquals: { 'aws:RequestedRegion': UNSPECIFIED_REGION, 'bedrock:InferenceProfileArn': profileArn },
        },
      },
    ];
  }
  const modelRegions = [...new Set([route.sourceRegion, ...route.destinationRegions])].sort();
  return [
    {
      sid: `GeoCrisProfile${sidSuffix}`,
      actions: INVOKE_ACTIONS,
      resources: [profileArn],
    },
    {
      sid: `GeoCrisModel${sidSuffix}`,
      actions: INVOKE_ACTIONS,
      resources: modelRegions.map(region => foundationModelArn(arn.partition, region, route.modelId)),
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    },
  ];
}

/** A short, stable, Sid-safe fragment (IAM Sids are alphanumeric). */
function sidFragment(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}
