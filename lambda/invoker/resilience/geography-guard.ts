import { GEOGRAPHY_REGIONS, geographyPrefixOf, InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** Geography whose guard is the configured region plan itself (it may reach every commercial region). */
export const GLOBAL_GEOGRAPHY = 'global';

/** Thrown (and caught by the handler) when a call would leave the configured geography. */
export class GeographyViolationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'GeographyViolation';
  }
}

/**
 * The regions a geography may ever call. Fails closed: an unknown geography allows nothing;
 * `global` allows exactly the configured plan.
 */
export function allowedRegions(geography: string, regionPlan: readonly string[]): ReadonlySet<string> {
  if (geography === GLOBAL_GEOGRAPHY) {
    return new Set(regionPlan);
  }
  return new Set(geographyRegions(geography) ?? []);
}

/**
 * The regions of a named geography, or undefined when the name is not one. Own properties only, so
 * names such as `constructor` or `__proto__` are unknown geographies, not Object.prototype members.
 */
export function geographyRegions(geography: string): readonly string[] | undefined {
  return Object.hasOwn(GEOGRAPHY_REGIONS, geography) ? GEOGRAPHY_REGIONS[geography] : undefined;
}

/**
 * Every reason a configuration would take requests out of its geography: an unknown geography, a
 * plan region outside it, or a profile id whose prefix names another geography. Empty = compliant.
 */
export function findGeographyViolations(config: Pick<InvokerRuntimeConfig, 'geography' | 'regionPlan' | 'profileIds'>): string[] {
  const violations: string[] = [];
  const knownGeography = config.geography === GLOBAL_GEOGRAPHY || geographyRegions(config.geography) !== undefined;
  if (!knownGeography) {
    const known = [GLOBAL_GEOGRAPHY, ...Object.keys(GEOGRAPHY_REGIONS)].join(', ');
    violations.push(`geography '${config.geography}' is unknown; expected one of ${known}`);
    return violations;
  }
  const allowed = allowedRegions(config.geography, config.regionPlan);
  for (const region of config.regionPlan) {
    if (!allowed.has(region)) {
      violations.push(`region '${region}' is outside geography '${config.geography}'`);
    }
  }
  for (const profileId of config.profileIds) {
    const prefix = geographyPrefixOf(profileId);
    if (prefix !== undefined && prefix !== config.geography) {
      violations.push(`profile '${profileId}' belongs to geography '${prefix}', not '${config.geography}'`);
    }
  }
  return violations;
}

/** Throws {@link GeographyViolationError} unless `region` may be called; run before every Bedrock call. */
export function assertRegionAllowed(region: string, geography: string, regionPlan: readonly string[]): void {
  if (!allowedRegions(geography, regionPlan).has(region)) {
    throw new GeographyViolationError(`refusing to call region '${region}': it is outside geography '${geography}'`);
  }
}
