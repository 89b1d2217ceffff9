import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AUDIT_METRIC_NAMES, INFERENCE_REGION_DIMENSION, SOURCE_REGION_DIMENSION } from './audit-metrics';
import { AuditRecordRoot } from './audit-patterns';

/*
 * The metric filters of the audit metrics, shared by the regional audit (EventBridge events) and the
 * audit on a trail's log group (CloudTrail records): each metric's dimensions, and the log event field
 * each dimension takes its value from.
 */

/** An audit metric, by its key in {@link AUDIT_METRIC_NAMES}. */
export type AuditMetric = keyof typeof AUDIT_METRIC_NAMES;

/**
 * The dimensions of each audit metric. The residency metric has none: its alarm reads one series, and
 * the region a breach runs in is not known in advance.
 */
const DIMENSIONS_OF: Record<AuditMetric, readonly string[]> = {
  inferences: [SOURCE_REGION_DIMENSION, INFERENCE_REGION_DIMENSION],
  crossRegion: [SOURCE_REGION_DIMENSION],
  outsideAllowedRegions: [],
};

/** The log event field of each audit dimension, in a log event whose CloudTrail record is at `root`. */
export function auditDimensions(root: AuditRecordRoot): Readonly<Record<string, string>> {
  return {
    [SOURCE_REGION_DIMENSION]: `${root}.awsRegion`,
    [INFERENCE_REGION_DIMENSION]: `${root}.additionalEventData.inferenceRegion`,
  };
}

/** What {@link createAuditMetricFilter} counts. */
export interface AuditMetricFilterProps {
  readonly logGroup: logs.ILogGroup;
  readonly filterPattern: logs.IFilterPattern;
  readonly metricNamespace: string;
  readonly metric: AuditMetric;
  /** Where the CloudTrail record is in the log group's events. */
  readonly root: AuditRecordRoot;
}

/** A metric filter that counts 1 into `metric` per matching log event, with that metric's dimensions. */
export function createAuditMetricFilter(scope: Construct, id: string, props: AuditMetricFilterProps): logs.MetricFilter {
  const fields = auditDimensions(props.root);
  const names = DIMENSIONS_OF[props.metric];
  return new logs.MetricFilter(scope, id, {
    logGroup: props.logGroup,
    filterPattern: props.filterPattern,
    metricNamespace: props.metricNamespace,
    metricName: AUDIT_METRIC_NAMES[props.metric],
    metricValue: '1',
    dimensions: names.length === 0 ? undefined : Object.fromEntries(names.map(name => [name, fields[name]])),
    unit: cloudwatch.Unit.COUNT,
  });
}
