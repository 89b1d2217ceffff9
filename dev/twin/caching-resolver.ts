/**
 * One client's DNS resolver cache in simulated time: it keeps each record of an answer's chain for that
 * record's TTL ("the amount of time … that you want DNS resolvers to cache the information in the record",
 * Route 53 Developer Guide, "Values for basic records", TTL) and asks the simulated Route 53 again only
 * from the first name whose record expired.
 *
 * Alias records have no TTL of their own: "If an alias record points to an AWS resource … Route 53 uses the
 * TTL for the resource. If an alias record points to another record in the same hosted zone, Route 53 uses
 * the TTL of the record that the alias record points to." ("Choosing between alias and non-alias records",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html)
 */
import type { DnsAnswerStep, ResolveContext, SimulatedDns } from './route53-answers';

/**
 * The TTL the twin gives an alias to a regional API Gateway domain. ASSUMPTION: API Gateway does not
 * document the TTL of its regional domain names' records, so the twin takes 60 s, the most Route 53 recommends
 * for a record with a health check ("we recommend that you specify a TTL of 60 seconds or less", API
 * `ResourceRecordSet.TTL`).
 */
export const API_GATEWAY_ALIAS_TTL_SECONDS = 60;

/** A name the resolver has an answer for: where it leads, until when. */
interface CachedStep {
  /** The next name of the chain, or undefined when the record is the region's alias. */
  readonly nextName?: string;
  /** The region, for the last step of a chain. */
  readonly region?: string;
  readonly expiresAtSeconds: number;
}

/** What a client's resolver returns for a name. */
export interface CachedResolution {
  readonly region: string;
  /** True when every record on the way came from the cache (no query reached Route 53). */
  readonly cached: boolean;
}

/** The TTL a resolver keeps each step of a chain for (alias steps take their target's, see above). */
export function cacheSecondsOf(chain: readonly DnsAnswerStep[]): number[] {
  const seconds: number[] = new Array(chain.length);
  for (let index = chain.length - 1; index >= 0; index--) {
    const isLast = index === chain.length - 1;
    seconds[index] = chain[index].ttlSeconds ?? (isLast ? API_GATEWAY_ALIAS_TTL_SECONDS : seconds[index + 1]);
  }
  return seconds;
}

/** One client's resolver, with its own cache, in front of the simulated Route 53. */
export class CachingResolver {
  private readonly cache = new Map<string, CachedStep>();

  public constructor(private readonly dns: SimulatedDns, private readonly context: ResolveContext) {}

  /** The region `name` leads to at `atSeconds`, re-resolving from the first expired record of the chain. */
  public resolve(name: string, atSeconds: number): CachedResolution {
    let current = name.toLowerCase().replace(/\.$/, '');
    // A cached chain visits each cached name at most once; one more step reaches Route 53 or the region.
    for (let step = 0; step <= this.cache.size; step++) {
      const cached = this.cache.get(current);
      if (!cached || cached.expiresAtSeconds <= atSeconds) {
        return { region: this.query(current, atSeconds), cached: false };
      }
      if (cached.region !== undefined) {
        return { region: cached.region, cached: true };
      }
      current = cached.nextName as string;
    }
    throw new Error(`The cache's chain from '${name}' loops back on itself; a name's cached record must lead to a region.`);
  }

  /** Asks Route 53 from `name` and caches every record of the answer. */
  private query(name: string, atSeconds: number): string {
    const answer = this.dns.resolve(name, this.context);
    const seconds = cacheSecondsOf(answer.chain);
    answer.chain.forEach((step, index) => {
      const next = answer.chain[index + 1];
      this.cache.set(step.name, {
        nextName: next?.name,
        region: next ? undefined : answer.region,
        expiresAtSeconds: atSeconds + seconds[index],
      });
    });
    return answer.region;
  }
}
