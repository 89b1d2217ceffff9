/*
 * What the CrossRegionDashboard is told about the deployment: plain data, so the dashboard can live in
 * another region's stack than the invokers, health checks and audit trail it charts.
 */
import type { InferenceAuditTrail } from './inference-audit-trail';
import type { RegionalInferenceAudit } from './regional-inference-audit';
import type { RegionalInvoker } from '../invoker/regional-invoker';

/** One deployed invoker, as plain data (so the dashboard can live in another region's stack). */
export interface DashboardInvoker {
  /** The region the invoker is deployed in (where its metrics are stored). */
  readonly region: string;
  /** The invoker's `service` metric dimension ({@link RegionalInvoker.serviceName}). */
  readonly serviceName: string;
  /** The inference profile ids the invoker calls ({@link RegionalInvoker.profiles}). */
  readonly profileIds: string[];
  /**
   * The source regions the invoker calls, own region first ({@link RegionalInvoker.regionPlan}).
   *
   * @default - only `region`
   */
  readonly regionPlan?: string[];
  /**
   * The region's role in the routing, shown in labels and the header (for example 'primary', 'secondary', 'active').
   *
   * @default 'active'
   */
  readonly role?: string;
}

/** A Route 53 health check to chart. */
export interface DashboardHealthCheck {
  /** The region whose endpoint the health check watches (used in the label). */
  readonly region: string;
  /** The health check id (a token of the same stack is fine). */
  readonly healthCheckId: string;
  /**
   * What the check belongs to, shown before the region in the label (for example the endpoint name,
   * when several endpoints share regions).
   *
   * @default - the region alone
   */
  readonly name?: string;
}

/**
 * Token prices of one inference profile. Bedrock bills cross-region inference at the price of the
 * SOURCE region (the region the profile was called in), whichever region ran the request, so the
 * dashboard multiplies the token counts recorded in each source region by that source region's price.
 */
export interface TokenPrice {
  /** The inference profile id. */
  readonly profileId: string;
  /** Price of 1,000 input tokens, in your billing currency (e.g. USD). */
  readonly inputPricePer1kTokens: number;
  /** Price of 1,000 output tokens, in your billing currency. */
  readonly outputPricePer1kTokens: number;
  /**
   * The source region this price applies to. A price with a region wins over one without.
   *
   * @default - every source region
   */
  readonly region?: string;
}

/** Which value of the `AWS/Bedrock` `ModelId` dimension to chart for cross-region calls. */
export enum BedrockModelIdDimension {
  /**
   * The inference profile id (e.g. `eu.anthropic.claude-3-7-sonnet-20250219-v1:0`). What community
   * dashboards observe for cross-region calls; not confirmed in AWS documentation.
   */
  PROFILE_ID = 'PROFILE_ID',
  /** The foundation model id (the profile id without its geography prefix). */
  MODEL_ID = 'MODEL_ID',
  /**
   * Both, as separate lines (use it to find out which one your account records with `list-metrics`).
   * Model-id lines may include direct, non-cross-region calls of that model in the region; the cost
   * estimate adds both.
   */
  PROFILE_AND_MODEL_ID = 'PROFILE_AND_MODEL_ID',
}

/**
 * The audit metrics to chart: those of a {@link RegionalInferenceAudit} in each source region, or of an
 * {@link InferenceAuditTrail} in one region.
 */
export interface DashboardAudit {
  /** The source regions audited. */
  readonly sourceRegions: string[];
  /**
   * The region where the audit metrics are stored, when one audit counts every source region there
   * (an {@link InferenceAuditTrail} on a trail's log group).
   *
   * @default - each source region's metrics are read in that region (a {@link RegionalInferenceAudit} in each)
   */
  readonly region?: string;
  /**
   * The namespace of the audit metrics ({@link RegionalInferenceAudit.metricNamespace} or
   * {@link InferenceAuditTrail.metricNamespace}).
   *
   * @default InferenceAuditTrail.METRIC_NAMESPACE
   */
  readonly metricNamespace?: string;
  /**
   * Whether the audit checks residency (it was given `allowedInferenceRegions`): chart the calls that ran
   * outside the allowed regions.
   *
   * @default false
   */
  readonly residencyCheck?: boolean;
}
