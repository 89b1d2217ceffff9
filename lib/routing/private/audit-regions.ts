import { Geography } from '../../profiles/geography';
import { InferenceEndpointOptions } from '../inference-endpoint-options';

/**
 * Where inference made in `sourceRegion` may run: every destination, from that region, of every profile
 * of the endpoints whose invokers call Bedrock there (their routing regions: each invoker falls back
 * only to its endpoint's regions). Each destination was already checked against the endpoint's
 * residency rule. Undefined (no check) when such an endpoint has a global profile, which may run in
 * any commercial region, or when no endpoint calls Bedrock there.
 */
export function allowedInferenceRegionsFrom(endpoints: readonly InferenceEndpointOptions[], sourceRegion: string): string[] | undefined {
  const callers = endpoints.filter(e => e.routing.regions.includes(sourceRegion));
  const profiles = callers.flatMap(e => e.profiles);
  if (profiles.length === 0 || profiles.some(p => p.geography === Geography.GLOBAL)) {
    return undefined;
  }
  return [...new Set(profiles.flatMap(p => p.destinationsFrom(sourceRegion)))].sort();
}
