import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  AUDIT_METRIC_NAMES, AUDIT_METRIC_NAMESPACE, AUDIT_METRIC_PERIOD, auditMetric, INFERENCE_REGION_DIMENSION, SOURCE_REGION_DIMENSION,
} from './audit-metrics';
import { healthCheckStatusMetric } from '../../private/metric-identity';
import { DashboardAudit, DashboardHealthCheck } from '../dashboard-inputs';

/** The status of the Route 53 health checks (read in the one region Route 53 publishes them). */
export function healthCheckWidget(healthChecks: DashboardHealthCheck[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: 'Are the Route 53 health checks passing? (1 = healthy, 0 = unhealthy)',
    left: healthChecks.map(check => healthCheckStatusMetric(check.healthCheckId, {
      label: check.name === undefined ? `${check.region} health check` : `${check.name} ${check.region} health check`,
    })),
    width: 12,
    leftYAxis: { min: 0, max: 1, showUnits: false },
  });
}

/**
 * The audit widgets: inference that ran outside its source region, where inference ran, and (with a
 * residency check) inference outside the allowed regions; each source region's metrics read in the
 * region that stores them (a dashboard reads other regions' metrics with `region` on the metric).
 */
export function auditWidgets(audit: DashboardAudit): cloudwatch.GraphWidget[] {
  const namespace = audit.metricNamespace ?? AUDIT_METRIC_NAMESPACE;
  const storedIn = (source: string) => audit.region ?? source;
  const widgets = [
    new cloudwatch.GraphWidget({
      title: 'Inference that ran outside its source region (CloudTrail, delayed minutes)',
      left: audit.sourceRegions.map(source => auditMetric({ metricNamespace: namespace, region: storedIn(source) },
        AUDIT_METRIC_NAMES.crossRegion, { [SOURCE_REGION_DIMENSION]: source }, { label: `called in ${source}, ran elsewhere` })),
      stacked: true,
      width: 12,
      leftYAxis: { min: 0, showUnits: false },
    }),
    new cloudwatch.GraphWidget({
      title: 'Where inference ran, by source region (CloudTrail inferenceRegion)',
      left: audit.sourceRegions.map(source => new cloudwatch.MathExpression({
        expression: `SEARCH('{"${namespace}",${SOURCE_REGION_DIMENSION},${INFERENCE_REGION_DIMENSION}} `
          + `MetricName="${AUDIT_METRIC_NAMES.inferences}" ${SOURCE_REGION_DIMENSION}="${source}"', 'Sum', ${AUDIT_METRIC_PERIOD.toSeconds()})`,
        usingMetrics: {},
        period: AUDIT_METRIC_PERIOD,
        // A dynamic label: one series per inference region the search finds.
        label: `called in ${source}, ran in \${PROP('Dim.${INFERENCE_REGION_DIMENSION}')}`,
        searchRegion: storedIn(source),
      })),
      stacked: true,
      width: 12,
      leftYAxis: { min: 0, showUnits: false },
    }),
  ];
  if (audit.residencyCheck) {
    // One series per region that stores it: each source region's own, or the one trail's log group region.
    const regions = [...new Set(audit.sourceRegions.map(storedIn))];
    widgets.push(new cloudwatch.GraphWidget({
      title: 'Inference outside the allowed regions (residency breaches; any is one too many)',
      left: regions.map(region => auditMetric({ metricNamespace: namespace, region }, AUDIT_METRIC_NAMES.outsideAllowedRegions, undefined, {
        label: audit.region === undefined ? `called in ${region}` : `called in ${audit.sourceRegions.join(', ')}`,
      })),
      width: 12,
      leftYAxis: { min: 0, showUnits: false },
    }));
  }
  return widgets;
}
