import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { isRegionName } from '../../shared/region-name';

/*
 * What the inference audit matches: which CloudTrail events are Bedrock inference calls (the
 * EventBridge rule's event pattern), and the CloudWatch Logs metric filter patterns of the calls that
 * ran outside their source region or the allowed regions.
 */

/**
 * The Bedrock runtime calls CloudTrail logs as management events, in the source region
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html). Data, not
 * logic: a new runtime operation is one more name here.
 */
export const BEDROCK_INFERENCE_EVENT_NAMES = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];

/**
 * Where the CloudTrail record sits in a log event: at the root when a trail delivers to CloudWatch
 * Logs, under `detail` when an EventBridge rule writes the event ("AWS API Call via CloudTrail"
 * events carry the record as `detail`).
 */
export enum AuditRecordRoot {
  /** A trail's delivery to CloudWatch Logs: the record is the log event. */
  CLOUDTRAIL = '$',
  /** An EventBridge rule's CloudWatch Logs target: the whole event, the record under `detail`. */
  EVENTBRIDGE = '$.detail',
}

/** CloudWatch Logs' longest metric filter pattern. */
const MAX_FILTER_PATTERN_LENGTH = 1024;

/** Filter patterns embed region names as literals: accept only names shaped like AWS regions. */
export function assertRegionName(region: string, list = 'sourceRegions'): void {
  if (!isRegionName(region)) {
    throw new Error(`${list} must list AWS region names such as 'eu-west-1'; got '${region}'.`);
  }
}

/**
 * The EventBridge event pattern of Bedrock inference calls, as the EventBridge events reference gives
 * it for Bedrock API calls delivered by CloudTrail (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-bedrock.html).
 */
export function bedrockInferenceEventPattern(): events.EventPattern {
  return {
    source: ['aws.bedrock'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['bedrock.amazonaws.com'], eventName: [...BEDROCK_INFERENCE_EVENT_NAMES] },
  };
}

/** The conditions every pattern shares: a Bedrock inference call that says where it ran. */
function inferenceCall(root: AuditRecordRoot): logs.JsonPattern[] {
  return [
    logs.FilterPattern.stringValue(`${root}.eventSource`, '=', 'bedrock.amazonaws.com'),
    logs.FilterPattern.any(...BEDROCK_INFERENCE_EVENT_NAMES.map(name => logs.FilterPattern.stringValue(`${root}.eventName`, '=', name))),
  ];
}

/**
 * The metric filter pattern of every Bedrock inference call made in one of `sourceRegions` that says
 * where it ran (`additionalEventData.inferenceRegion` present; the metric's InferenceRegion dimension
 * takes that field, and a dimension is published only when its field is found).
 */
export function inferencePattern(sourceRegions: readonly string[], root: AuditRecordRoot = AuditRecordRoot.CLOUDTRAIL): logs.JsonPattern {
  sourceRegions.forEach(region => assertRegionName(region));
  return logs.FilterPattern.all(
    ...inferenceCall(root),
    logs.FilterPattern.any(...sourceRegions.map(region => logs.FilterPattern.stringValue(`${root}.awsRegion`, '=', region))),
    logs.FilterPattern.exists(`${root}.additionalEventData.inferenceRegion`),
  );
}

/**
 * The metric filter pattern that matches a Bedrock inference call made in `sourceRegion` that ran in
 * another region: `additionalEventData.inferenceRegion` is present and differs from the source region.
 *
 * Filter patterns compare a field only with literals, so there is one pattern per source region. The
 * explicit `= "*"` (field exists) keeps calls without `inferenceRegion` (direct, in-region model calls)
 * out whatever `!=` does with a missing field.
 */
export function crossRegionInferencePattern(sourceRegion: string, root: AuditRecordRoot = AuditRecordRoot.CLOUDTRAIL): logs.JsonPattern {
  assertRegionName(sourceRegion);
  return logs.FilterPattern.all(
    ...inferenceCall(root),
    logs.FilterPattern.stringValue(`${root}.awsRegion`, '=', sourceRegion),
    logs.FilterPattern.exists(`${root}.additionalEventData.inferenceRegion`),
    logs.FilterPattern.stringValue(`${root}.additionalEventData.inferenceRegion`, '!=', sourceRegion),
  );
}

/**
 * The metric filter pattern that matches a Bedrock inference call made in one of `sourceRegions` that
 * ran in none of `allowedRegions`: a breach of the deployment's geography or residency rule.
 */
export function inferenceOutsideAllowedRegionsPattern(sourceRegions: readonly string[], allowedRegions: readonly string[],
  root: AuditRecordRoot = AuditRecordRoot.CLOUDTRAIL): logs.JsonPattern {
  sourceRegions.forEach(region => assertRegionName(region));
  allowedRegions.forEach(region => assertRegionName(region, 'allowedInferenceRegions'));
  const pattern = logs.FilterPattern.all(
    ...inferenceCall(root),
    logs.FilterPattern.any(...sourceRegions.map(region => logs.FilterPattern.stringValue(`${root}.awsRegion`, '=', region))),
    logs.FilterPattern.exists(`${root}.additionalEventData.inferenceRegion`),
    ...allowedRegions.map(region => logs.FilterPattern.stringValue(`${root}.additionalEventData.inferenceRegion`, '!=', region)),
  );
  if (pattern.logPatternString.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(`The residency filter for ${sourceRegions.length} source and ${allowedRegions.length} allowed regions is `
      + `${pattern.logPatternString.length} characters; CloudWatch Logs accepts ${MAX_FILTER_PATTERN_LENGTH}. List fewer allowedInferenceRegions `
      + '(a global profile can run anywhere: leave the check off for it).');
  }
  return pattern;
}
