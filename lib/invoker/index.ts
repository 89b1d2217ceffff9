export * from './hedging-options';
export * from './invoker-authorization';
export * from './invoker-settings';
export * from './regional-invoker';
