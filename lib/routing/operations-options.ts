import { OutageDrillOptions } from './outage-drill-options';
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
   * Audit where inference ran. By default, a {@link RegionalInferenceAudit} in each regional stack: an
   * EventBridge rule writes the Bedrock inference calls CloudTrail logs in that (source) region to a
   * KMS-encrypted log group there, whose metric filters feed the residency and unusual-activity alarms
   * of that region's alarm topic, plus a saved Logs Insights query. Nothing leaves the source region.
   * Costs per region: CloudWatch Logs ingestion and storage of one event (a few KB) per Bedrock call,
   * a few custom metrics, the alarms, one KMS key. EventBridge only receives these events while a trail
   * logs management events in the region: the account's organisation or Control Tower trail, or
   * `createRegionalTrails`; a synth message says so when neither is declared.
   *
   * @default true
   */
  readonly auditTrail?: boolean;

  /**
   * Create a single-region CloudTrail trail in each source region's stack (management events, read
   * and write, to a KMS-encrypted bucket in that region; nothing to CloudWatch Logs), for accounts
   * whose regions no trail covers. The first copy of a region's management events is free; where
   * another trail already logs them, this copy is charged per event (each Bedrock call is one), plus
   * the bucket's storage. Not with `existingTrailLogGroupName`.
   *
   * @default false - rely on the account's trail
   */
  readonly createRegionalTrails?: boolean;

  /**
   * Name of an existing log group, in the routing region, that an organisation trail already delivers
   * to: the audit's metric filters, alarms and query use it instead of the regional audits (an
   * {@link InferenceAuditTrail} in the routing stack), and nothing new stores events. The data stays where
   * the organisation's trail put it; the metrics are in the routing region, namespaced by the
   * deployment's name prefix.
   *
   * @default - the regional audits (when `auditTrail` is true)
   */
  readonly existingTrailLogGroupName?: string;

  /**
   * Deploy an outage drill in every region (`outageDrill: {}` for the defaults): an SSM parameter that
   * the region's invokers and canary read, an SSM Automation document that turns it on for the drill's
   * duration and off again (also when cancelled or failing), and an AWS FIS experiment template that runs
   * it with the region's API 5xx and Bedrock-rejection alarms as stop conditions, logging to a CloudWatch
   * log group. Nothing happens until an operator starts the experiment (the runbook's "Rehearse a regional
   * outage"). Costs nothing at rest beyond the log group; during a drill, one SSM read per invoker container
   * per `parameterCacheTime`.
   *
   * @default - no drill: no switch, and the handlers never read one
   */
  readonly outageDrill?: OutageDrillOptions;
}
