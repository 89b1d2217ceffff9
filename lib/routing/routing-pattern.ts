import { firstDuplicate } from '../private/validation';

/** How Route 53 spreads traffic over the deployed regions. */
export enum RoutingKind {
  /** One primary region; ordered secondaries take over when it is unhealthy (failover records). */
  ACTIVE_PASSIVE = 'ACTIVE_PASSIVE',
  /** Every region serves; Route 53 answers with the lowest-latency healthy region (latency records). */
  ACTIVE_ACTIVE_LATENCY = 'ACTIVE_ACTIVE_LATENCY',
  /** Every region serves a share of traffic set by its weight (weighted records). */
  ACTIVE_ACTIVE_WEIGHTED = 'ACTIVE_ACTIVE_WEIGHTED',
}

/** A region and its weight in active–active weighted routing. */
export interface RegionWeight {
  /** The region. */
  readonly region: string;
  /** Relative weight, a whole number from 1 to 255. */
  readonly weight: number;
}

/** Options for {@link RoutingPattern.activePassive}. */
export interface ActivePassiveOptions {
  /** The region that serves while it is healthy. */
  readonly primary: string;
  /** Regions that take over, in order, when the ones before them are unhealthy. At least one. */
  readonly secondaries: string[];
}

/**
 * The routing choice of one endpoint: active–passive (failover), or active–active by latency or weight.
 */
export class RoutingPattern {
  /** One primary region and ordered secondaries, with Route 53 failover records. */
  public static activePassive(options: ActivePassiveOptions): RoutingPattern {
    if (options.secondaries.length === 0) {
      throw new Error(`RoutingPattern.activePassive: 'secondaries' is empty. Give at least one region to fail over to from '${options.primary}'.`);
    }
    return new RoutingPattern(RoutingKind.ACTIVE_PASSIVE, [options.primary, ...options.secondaries], []);
  }

  /** Every region serves; each client is answered with the lowest-latency healthy region. */
  public static activeActiveLatency(regions: string[]): RoutingPattern {
    if (regions.length < 2) {
      throw new Error(`RoutingPattern.activeActiveLatency needs at least two regions; got ${regions.length}. For one region, deploy a RegionalInvoker.`);
    }
    return new RoutingPattern(RoutingKind.ACTIVE_ACTIVE_LATENCY, regions, []);
  }

  /** Every region serves a share of the traffic proportional to its weight. */
  public static activeActiveWeighted(weights: RegionWeight[]): RoutingPattern {
    if (weights.length < 2) {
      throw new Error(`RoutingPattern.activeActiveWeighted needs at least two regions; got ${weights.length}.`);
    }
    for (const { region, weight } of weights) {
      if (!Number.isInteger(weight) || weight < 1 || weight > 255) {
        throw new Error(`RoutingPattern.activeActiveWeighted: the weight of '${region}' must be a whole number from 1 to 255 `
          + `(Route 53's range, 0 would never be answered); got ${weight}.`);
      }
    }
    return new RoutingPattern(RoutingKind.ACTIVE_ACTIVE_WEIGHTED, weights.map(w => w.region), weights.map(w => w.weight));
  }

  /** The regions, primary first for active–passive. */
  public readonly regions: string[];

  private constructor(
    /** Which pattern this is. */
    public readonly kind: RoutingKind,
    regions: string[],
    private readonly weights: number[],
  ) {
    const duplicate = firstDuplicate(regions);
    if (duplicate) {
      throw new Error(`Routing lists region '${duplicate}' more than once; list each region once.`);
    }
    this.regions = [...regions];
  }

  /** Whether this is an active–passive pattern. */
  public get isActivePassive(): boolean {
    return this.kind === RoutingKind.ACTIVE_PASSIVE;
  }

  /**
   * The weight of a region (weighted routing only).
   *
   * @returns `undefined` for other patterns
   */
  public weightOf(region: string): number | undefined {
    const index = this.regions.indexOf(region);
    return this.kind === RoutingKind.ACTIVE_ACTIVE_WEIGHTED && index >= 0 ? this.weights[index] : undefined;
  }

  /** The order in which an invoker in `region` falls back to the other regions of this pattern. */
  public fallbackOrderFrom(region: string): string[] {
    return this.regions.filter(r => r !== region);
  }
}
