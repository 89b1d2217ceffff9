export * from './cross-region-scp-options';
export * from './organization-guardrails';
