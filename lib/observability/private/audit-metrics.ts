import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/*
 * The identity of the audit metrics and saved queries, shared by the audit constructs, their alarms,
 * the dashboard and the runbook: one home for the namespace, the names and the dimensions.
 */

/** The namespace of the audit metrics of an audit that names no deployment. */
export const AUDIT_METRIC_NAMESPACE = 'CdkBedrockCrossRegion/Audit';

/** The audit metric names. */
export const AUDIT_METRIC_NAMES = {
  /** Every Bedrock inference call that says where it ran (`additionalEventData.inferenceRegion`). */
  inferences: 'Inferences',
  /** Calls that ran outside their source region. */
  crossRegion: 'CrossRegionInferences',
  /** Calls that ran outside the allowed inference regions (the residency metric). */
  outsideAllowedRegions: 'InferencesOutsideAllowedRegions',
} as const;

/** Dimension: the source region of the call (where CloudTrail logged it). */
export const SOURCE_REGION_DIMENSION = 'SourceRegion';
/** Dimension: the region that ran the call. */
export const INFERENCE_REGION_DIMENSION = 'InferenceRegion';

/** The period the audit metrics are read at by default (the dashboard's too). */
export const AUDIT_METRIC_PERIOD = Duration.minutes(5);

/** Where an audit's metrics are: their namespace and the region that stores them (an audit construct is one). */
export interface AuditMetricLocation {
  readonly metricNamespace: string;
  readonly region: string;
}

/**
 * An audit metric as the constructs, their alarms and the dashboard read it: the sum of the calls per
 * {@link AUDIT_METRIC_PERIOD}, in the region that stores it; `options` override any of these.
 */
export function auditMetric(location: AuditMetricLocation, metricName: string, dimensionsMap?: Record<string, string>,
  options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: location.metricNamespace,
    metricName,
    dimensionsMap,
    statistic: cloudwatch.Stats.SUM,
    period: AUDIT_METRIC_PERIOD,
    region: location.region,
    ...options,
  });
}

/**
 * The namespace of one deployment's audit metrics: `CdkBedrockCrossRegion/Audit/<deployment>`.
 *
 * Metric filter dimensions take their values from fields of the log event, not from literals
 * ("The log event field that will contain the value for this dimension", AWS::Logs::MetricFilter
 * Dimension, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-logs-metricfilter-dimension.html),
 * and a CloudTrail record carries nothing that names the deployment. So the deployment goes in the
 * namespace: two deployments auditing one region publish separate series, and each residency alarm
 * reads only its own deployment's breaches.
 */
export function auditMetricNamespace(deploymentName: string): string {
  assertDeploymentName(deploymentName);
  return `${AUDIT_METRIC_NAMESPACE}/${deploymentName}`;
}

/**
 * The name of a deployment's saved Logs Insights query: `Bedrock/<deployment>/Where inference ran from <region>`,
 * a folder per deployment in the console, unique per deployment and region.
 */
export function auditQueryName(deploymentName: string, region: string): string {
  assertDeploymentName(deploymentName);
  return `Bedrock/${deploymentName}/Where inference ran from ${region}`;
}

/**
 * CloudWatch namespaces allow letters, digits and `. - _ / # :` and spaces, up to 255 characters
 * (PutMetricData, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html);
 * the deployment name is one level of it, so no `/`.
 */
export function assertDeploymentName(deploymentName: string): void {
  if (Token.isUnresolved(deploymentName)) {
    throw new Error('deploymentName must be a plain string (it is part of the metric namespace and the query names); got a token.');
  }
  if (!/^[A-Za-z0-9._#:-][A-Za-z0-9._#: -]{0,99}$/.test(deploymentName)) {
    throw new Error(`deploymentName must be 1 to 100 letters, digits, spaces or . _ - # : (no '/'), not starting with a space; got '${deploymentName}'.`);
  }
}
