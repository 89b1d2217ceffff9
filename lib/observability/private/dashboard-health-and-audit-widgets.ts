import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { healthCheckStatusMetric } from '../../private/metric-identity';
import { DashboardAudit, DashboardHealthCheck } from '../dashboard-inputs';
import { InferenceAuditTrail } from '../inference-audit-trail';

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

/** The audit trail's count of inference that ran outside its source region, per source region. */
export function auditWidget(audit: DashboardAudit): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: 'Inference that ran outside its source region (CloudTrail, delayed ~5-15 min)',
    left: audit.sourceRegions.map(source => new cloudwatch.Metric({
      namespace: InferenceAuditTrail.METRIC_NAMESPACE,
      metricName: InferenceAuditTrail.METRIC_NAME,
      dimensionsMap: { [InferenceAuditTrail.SOURCE_REGION_DIMENSION]: source },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      region: audit.region,
      label: `called in ${source}, ran elsewhere`,
    })),
    stacked: true,
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
  });
}
