/**
 * Route 53 publishes health-check metrics (`AWS/Route53` `HealthCheckStatus`) in this region only
 * (Route 53 Developer Guide, "Monitoring health checks using CloudWatch"). The one home of this fact for
 * the constructs, their alarms and dashboard, and the deployment checks of the commands (no CDK imports).
 */
export const ROUTE53_METRICS_REGION = 'us-east-1';
