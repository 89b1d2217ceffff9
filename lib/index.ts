export * from './geography';
export * from './residency-constraint';
export * from './inference-profile-catalog';
export * from './cross-region-inference-profile';
export { CrossRegionScpOptions } from './scp-statements';
export * from './organization-guardrails';
export * from './invoker-authorization';
export * from './regional-invoker';
export { InvokerAlarms, InvokerAlarmsProps } from './invoker-alarms';
export * from './routing-pattern';
export * from './cross-region-inference-api';
export { InferenceAuditTrail, InferenceAuditTrailProps } from './inference-audit-trail';
export {
  BedrockModelIdDimension, CrossRegionDashboard, CrossRegionDashboardProps, DashboardAudit, DashboardHealthCheck, DashboardInvoker, TokenPrice,
} from './cross-region-dashboard';
