export * from './geography';
export * from './residency-constraint';
export * from './inference-profile-catalog';
export * from './cross-region-inference-profile';
