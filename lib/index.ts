export * from './geography';
export * from './residency-constraint';
export * from './inference-profile-catalog';
export * from './cross-region-inference-profile';
export { CrossRegionScpOptions } from './scp-statements';
export * from './organization-guardrails';
export * from './invoker-authorization';
export * from './regional-invoker';
