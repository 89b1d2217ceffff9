export { CrossRegionScpOptions } from './private/scp-statements';
export * from './organization-guardrails';
