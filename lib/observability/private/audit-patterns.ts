import * as logs from 'aws-cdk-lib/aws-logs';
import { isRegionName } from '../../shared/region-name';

/*
 * The CloudWatch Logs metric filter patterns of the inference audit trail: which CloudTrail events are
 * Bedrock inference calls, and which of them ran outside their source region or the allowed regions.
 */

/** The Bedrock runtime calls CloudTrail logs as management events, in the source region. */
export const BEDROCK_INFERENCE_EVENT_NAMES = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];

/** CloudWatch Logs' longest metric filter pattern. */
const MAX_FILTER_PATTERN_LENGTH = 1024;

/** Filter patterns embed region names as literals: accept only names shaped like AWS regions. */
export function assertRegionName(region: string, list = 'sourceRegions'): void {
  if (!isRegionName(region)) {
    throw new Error(`${list} must list AWS region names such as 'eu-west-1'; got '${region}'.`);
  }
}

/**
 * The metric filter pattern that matches a Bedrock inference call made in `sourceRegion` that ran in
 * another region: `additionalEventData.inferenceRegion` is present and differs from the source region.
 *
 * Filter patterns compare a field only with literals, so there is one pattern per source region. The
 * explicit `= "*"` (field exists) keeps calls without `inferenceRegion` (direct, in-region model calls)
 * out whatever `!=` does with a missing field.
 */
export function crossRegionInferencePattern(sourceRegion: string): logs.JsonPattern {
  assertRegionName(sourceRegion);
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 'bedrock.amazonaws.com'),
    logs.FilterPattern.any(...BEDROCK_INFERENCE_EVENT_NAMES.map(name => logs.FilterPattern.stringValue('$.eventName', '=', name))),
    logs.FilterPattern.stringValue('$.awsRegion', '=', sourceRegion),
    logs.FilterPattern.exists('$.additionalEventData.inferenceRegion'),
    logs.FilterPattern.stringValue('$.additionalEventData.inferenceRegion', '!=', sourceRegion),
  );
}

/**
 * The metric filter pattern that matches a Bedrock inference call made in one of `sourceRegions` that
 * ran in none of `allowedRegions`: a breach of the deployment's geography or residency rule.
 */
export function inferenceOutsideAllowedRegionsPattern(sourceRegions: readonly string[], allowedRegions: readonly string[]): logs.JsonPattern {
  sourceRegions.forEach(region => assertRegionName(region));
  allowedRegions.forEach(region => assertRegionName(region, 'allowedInferenceRegions'));
  const pattern = logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 'bedrock.amazonaws.com'),
    logs.FilterPattern.any(...BEDROCK_INFERENCE_EVENT_NAMES.map(name => logs.FilterPattern.stringValue('$.eventName', '=', name))),
    logs.FilterPattern.any(...sourceRegions.map(region => logs.FilterPattern.stringValue('$.awsRegion', '=', region))),
    logs.FilterPattern.exists('$.additionalEventData.inferenceRegion'),
    ...allowedRegions.map(region => logs.FilterPattern.stringValue('$.additionalEventData.inferenceRegion', '!=', region)),
  );
  if (pattern.logPatternString.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(`The residency filter for ${sourceRegions.length} source and ${allowedRegions.length} allowed regions is `
      + `${pattern.logPatternString.length} characters; CloudWatch Logs accepts ${MAX_FILTER_PATTERN_LENGTH}. List fewer allowedInferenceRegions `
      + '(a global profile can run anywhere: leave the check off for it).');
  }
  return pattern;
}
