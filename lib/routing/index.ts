export * from './routing-pattern';
export * from './cross-region-inference-api';
