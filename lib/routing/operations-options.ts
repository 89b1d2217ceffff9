import { BedrockModelIdDimension, TokenPrice } from '../observability/dashboard-inputs';

/** Dashboards, alarms, audit and runbooks of a deployment. */
export interface OperationsOptions {
  /**
   * E-mail address subscribed to every alarm topic (one per region, plus the audit topic).
   *
   * @default - no subscription; subscribe to the topics yourself
   */
  readonly alarmEmail?: string;

  /**
   * Token prices for the dashboard's cost estimate, priced at the source region (as Bedrock bills
   * cross-region inference).
   *
   * @default - no cost widgets
   */
  readonly prices?: TokenPrice[];

  /**
   * Which `ModelId` dimension value the native `AWS/Bedrock` widgets read.
   *
   * @default BedrockModelIdDimension.PROFILE_ID
   */
  readonly bedrockModelIdDimension?: BedrockModelIdDimension;

  /**
   * Create a CloudTrail trail for the cross-region audit metric and query.
   *
   * @default true
   */
  readonly auditTrail?: boolean;

  /**
   * Name of an existing log group, in the routing region, that an organisation trail delivers to; used
   * instead of a new trail.
   *
   * @default - a new multi-region trail (when `auditTrail` is true)
   */
  readonly existingTrailLogGroupName?: string;
}
