export * from './cross-region-scp-options';
export * from './deployment-stack';
export * from './organization-guardrails';
