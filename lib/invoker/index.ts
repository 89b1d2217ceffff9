export * from './invoker-authorization';
export * from './regional-invoker';
