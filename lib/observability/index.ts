export * from './cross-region-dashboard';
export * from './dashboard-inputs';
export * from './inference-audit-trail';
export * from './invoker-alarms';
