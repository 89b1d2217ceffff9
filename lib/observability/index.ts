export { InvokerAlarms, InvokerAlarmsProps } from './invoker-alarms';
export { InferenceAuditTrail, InferenceAuditTrailProps } from './inference-audit-trail';
export * from './cross-region-dashboard';
