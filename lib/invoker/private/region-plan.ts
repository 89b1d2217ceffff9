/**
 * The synth-time region plan of one invoker: its own region first, then the fallback regions, all
 * inside the profiles' geography and the residency rule. Pure (no CDK imports).
 */
import { firstDuplicate } from '../../private/validation';
import type { CrossRegionInferenceProfile } from '../../profiles/cross-region-inference-profile';
import { Geography } from '../../profiles/geography';
import type { ResidencyConstraint } from '../../profiles/residency-constraint';
import { GEOGRAPHY_REGIONS } from '../../shared/invoker-config';

/** Inputs of {@link planRegions}. */
export interface RegionPlanRequest {
  readonly ownRegion: string;
  readonly fallbackRegions: readonly string[];
  readonly profiles: readonly CrossRegionInferenceProfile[];
  readonly residency: ResidencyConstraint;
}

/**
 * Which regions a fallback may be: the source regions of every profile, and the geography's other
 * regions named apart (they are not source regions, so no invoker can call the profile from them).
 */
function fallbackChoices(profiles: readonly CrossRegionInferenceProfile[], geographyRegions: readonly string[], ownRegion: string): string {
  const sources = geographyRegions.filter(region => region !== ownRegion && profiles.every(profile => profile.sourceRegions.includes(region)));
  const notSources = geographyRegions.filter(region => region !== ownRegion && !sources.includes(region));
  const which = profiles.length === 1 ? 'the profile' : 'every profile';
  return `Choose fallback regions among the source regions of ${which}: ${sources.join(', ') || 'none besides this region'}`
    + (notSources.length > 0 ? ` (the geography's other regions, ${notSources.join(', ')}, are not source regions of ${which}).` : '.');
}

/**
 * The ordered source regions the invoker may call, after checking that the profiles share one
 * geography, that every region is a source region of every profile and inside that geography, and
 * that no destination breaks the residency rule. Throws with what to do otherwise.
 */
export function planRegions(request: RegionPlanRequest): { readonly geography: Geography; readonly regions: string[] } {
  const { ownRegion, fallbackRegions, profiles, residency } = request;
  if (profiles.length === 0) {
    throw new Error('profiles is empty: pass at least one CrossRegionInferenceProfile (the first is the default).');
  }
  const geographies = [...new Set(profiles.map(p => p.geography))];
  if (geographies.length > 1) {
    throw new Error(`All profiles of one invoker must share a geography, got ${geographies.join(' and ')} `
      + `(${profiles.map(p => p.profileId).join(', ')}). Deploy one invoker per geography.`);
  }
  const ids = profiles.map(p => p.profileId);
  const duplicateId = firstDuplicate(ids);
  if (duplicateId) {
    throw new Error(`profiles lists '${duplicateId}' twice; list each profile once.`);
  }
  const geography = geographies[0];
  const regions = [ownRegion, ...fallbackRegions];
  const duplicateRegion = firstDuplicate(regions);
  if (duplicateRegion) {
    throw new Error(`fallbackRegions repeats '${duplicateRegion}'${duplicateRegion === ownRegion ? ' (the invoker\'s own region, which is always tried first)' : ''}; list each region once.`);
  }
  const allowed = GEOGRAPHY_REGIONS[geography];
  for (const region of fallbackRegions) {
    if (allowed && !allowed.includes(region)) {
      throw new Error(`Fallback region '${region}' is outside the '${geography}' geography of ${ids.join(', ')}. `
        + fallbackChoices(profiles, allowed, ownRegion));
    }
  }
  for (const profile of profiles) {
    profile.assertDeployable(regions, residency);
  }
  return { geography, regions };
}
