export * from './routing-pattern';
export * from './inference-domain';
export * from './inference-endpoint-options';
export * from './health-check-settings';
export * from './operations-options';
export * from './outage-drill-options';
export * from './cross-region-inference-api';
