export * from './profiles';
export * from './guardrails';
export * from './invoker';
export * from './observability';
export * from './routing';
