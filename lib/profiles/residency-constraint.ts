/**
 * A data-residency rule: the regions where inference may run. Checked at synth time against every
 * destination region of every profile and source region a deployment uses.
 *
 * @example
 * ResidencyConstraint.regionsStartingWith(['eu-'], 'EU only')
 */
export class ResidencyConstraint {
  /** Inference may run in any region (the profile's own geography is the only limit). */
  public static readonly UNRESTRICTED = new ResidencyConstraint(() => true, 'unrestricted');

  /** Inference stays in EU regions (`eu-*`); excludes il-central-1, which some `eu.` profiles reach. */
  public static readonly EU_ONLY = ResidencyConstraint.regionsStartingWith(['eu-'], 'EU regions only (eu-*)');

  /** Inference stays in the commercial United States regions (`us-east-*`, `us-west-*`). */
  public static readonly US_ONLY = ResidencyConstraint.regionsStartingWith(['us-east-', 'us-west-'], 'US commercial regions only');

  /**
   * Inference may run only in the listed regions.
   *
   * @param regions the allowed regions, e.g. `['eu-west-1', 'eu-central-1']`
   * @param description how the rule reads in error messages
   */
  public static onlyRegions(regions: string[], description?: string): ResidencyConstraint {
    if (regions.length === 0) {
      throw new Error('ResidencyConstraint.onlyRegions needs at least one region; use ResidencyConstraint.UNRESTRICTED for no constraint.');
    }
    const allowed = new Set(regions);
    return new ResidencyConstraint(region => allowed.has(region), description ?? `only ${[...allowed].sort().join(', ')}`);
  }

  /**
   * Inference may run only in regions whose name starts with one of the prefixes.
   *
   * @param prefixes e.g. `['eu-']`
   * @param description how the rule reads in error messages
   */
  public static regionsStartingWith(prefixes: string[], description?: string): ResidencyConstraint {
    if (prefixes.length === 0) {
      throw new Error('ResidencyConstraint.regionsStartingWith needs at least one prefix, such as \'eu-\'.');
    }
    return new ResidencyConstraint(region => prefixes.some(p => region.startsWith(p)),
      description ?? `regions starting with ${prefixes.join(' or ')}`);
  }

  private constructor(private readonly allows: (region: string) => boolean, public readonly description: string) {}

  /** Whether inference may run in `region`. */
  public allowsRegion(region: string): boolean {
    return this.allows(region);
  }

  /** The regions of `regions` that this constraint forbids. */
  public forbiddenRegions(regions: string[]): string[] {
    return regions.filter(region => !this.allows(region));
  }
}
