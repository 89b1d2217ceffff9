export * from './cross-region-dashboard';
export * from './dashboard-inputs';
export * from './inference-audit-alarm-options';
export * from './inference-audit-trail';
export * from './invoker-alarms';
export * from './regional-inference-audit';
export * from './performance-baseline';
