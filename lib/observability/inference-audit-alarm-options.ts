import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * The alarm settings of an inference audit ({@link RegionalInferenceAudit} in one region, or
 * {@link InferenceAuditTrail} on a trail's log group): the residency check, the
 * unusual-cross-region-activity alarm and the topic both alarms notify.
 */
export interface InferenceAuditAlarmOptions {
  /**
   * The regions inference may run in: the destinations of the profiles called from the audited source
   * regions, within your geography or residency rule. An audited Bedrock call that ran anywhere else
   * (`additionalEventData.inferenceRegion` not listed) is counted by the `InferencesOutsideAllowedRegions`
   * metric, and the residency alarm fires at the first one. A region listed twice counts once.
   *
   * @default - no residency check
   */
  readonly allowedInferenceRegions?: string[];

  /**
   * A fixed number of cross-region invocations (every audited source region together) within
   * `alarmWindow` above which the unusual-cross-region-activity alarm fires. Cross-region profiles
   * route to other regions by design, so any fixed number must come from your own traffic (the
   * dashboard's normal level).
   *
   * @default - anomaly detection: the count above the upper edge of a band 3 standard deviations wide,
   * learnt from the metric's own history
   */
  readonly alarmThreshold?: number;

  /**
   * Window of the alarms: the period they add up calls over, a whole number of minutes from 1 to
   * 1440. CloudTrail delivers events minutes late, so windows shorter than 15 minutes miss late events.
   *
   * @default Duration.hours(1)
   */
  readonly alarmWindow?: Duration;

  /**
   * Topic the alarms notify (on ALARM and OK), in the audit's region, for example
   * {@link InvokerAlarms.topic} of the same stack.
   *
   * @default - a new topic encrypted with a new customer managed KMS key, TLS enforced
   */
  readonly topic?: sns.ITopic;

  /**
   * E-mail address subscribed to the topic (the recipient must confirm).
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}
