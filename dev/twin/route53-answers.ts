/**
 * What the simulated Route 53 answers for a name: it picks one of the name's records by routing policy
 * and health, follows CNAMEs inside the model, and stops at an alias to a region's API Gateway domain.
 *
 * The rules are Route 53's, from the Route 53 Developer Guide, "How Amazon Route 53 chooses records when
 * health checking is configured" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html)
 * unless said otherwise:
 * - DNS-NO-CHECK: "If a record … doesn't have an associated health check, Route 53 always considers it healthy."
 * - DNS-NONE-HEALTHY: "If none of the records in a group of records are healthy … Route 53 considers all the
 *   records in the group to be healthy and selects one based on the routing policy".
 * - DNS-FAILOVER: the primary while it is healthy; else the secondary when it is healthy (always when it has no
 *   health check); "If Route 53 considers both the primary and secondary records unhealthy, Route 53 returns
 *   the primary record."
 * - DNS-LATENCY: the record of the region that "gives the user the lowest latency" ("Choosing a routing
 *   policy", Latency-based routing); an unhealthy record gives way to the next best. The twin ranks regions by
 *   the distance between approximate city coordinates (region-locations.json), an UNCONFIRMED stand-in for the
 *   latency Route 53 measures.
 * - DNS-WEIGHTED: by weight among the healthy records with a weight above 0; "If all the records that have a
 *   weight greater than 0 are unhealthy, then Route 53 considers the zero-weighted records", and "If you set
 *   Weight to 0 for all of the records in the group, traffic is routed to all resources with equal
 *   probability" ("Values specific for weighted records", Weight).
 * - DNS-SIMPLE: a name's single record without a routing policy ("Choosing a routing policy", Simple routing).
 * - DNS-CNAME: "A CNAME record is followed by a recursive resolver" ("Choosing between alias and non-alias
 *   records"); the answer lists each record the resolver reads, so a cache can keep each for its own TTL.
 *
 * Not modelled: `EvaluateTargetHealth` of alias records (no record of the library's deployments needs it).
 */
import type { RecordModel } from './deployment-model';

/** Where the client resolving a name is, and its source of randomness for weighted records. */
export interface ResolveContext {
  /** The AWS region standing for the client's location (latency records). */
  readonly clientRegion: string;
  /** A number in [0, 1), like `Math.random`. */
  readonly random: () => number;
}

/** One record a resolver read on its way to a region. */
export interface DnsAnswerStep {
  /** The name queried. */
  readonly name: string;
  /** The record Route 53 answered with. */
  readonly recordId: string;
  /** The record's TTL; undefined for an alias record (it takes its target's TTL). */
  readonly ttlSeconds?: number;
}

/** Route 53's answer for a name: the region it leads to and the records on the way, the queried name's first. */
export interface DnsAnswer {
  readonly region: string;
  readonly chain: readonly DnsAnswerStep[];
}

/** A region's place on the map (region-locations.json). */
interface RegionLocation {
  readonly latitude: number;
  readonly longitude: number;
}

/** The approximate location of every region the twin can rank for latency records. */
export function regionLocations(): Readonly<Record<string, RegionLocation>> {
  // A require, not a file read, so that the drill's bundle carries the data (esbuild inlines required JSON).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const document = require('./region-locations.json') as { regions: Record<string, RegionLocation> };
  return document.regions;
}

/** The great-circle distance between two regions' approximate locations, in kilometres. */
export function regionDistanceKm(from: string, to: string, locations: Readonly<Record<string, RegionLocation>>): number {
  const [a, b] = [from, to].map((region) => {
    const location = locations[region];
    if (!location) {
      throw new Error(`No location for region '${region}' in the twin's region-locations.json (dev/twin/ in cdk-bedrock-cross-region); add its approximate coordinates there.`);
    }
    return location;
  });
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLatitude = radians(b.latitude - a.latitude);
  const dLongitude = radians(b.longitude - a.longitude);
  const h = Math.sin(dLatitude / 2) ** 2
    + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLongitude / 2) ** 2;
  const EARTH_RADIUS_KM = 6371;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

/** A name as the model writes it: lower case, without the trailing dot. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Route 53's answers for the records of one deployment, given the health checks' current status. */
export class SimulatedDns {
  private readonly recordsByName = new Map<string, RecordModel[]>();
  private readonly locations = regionLocations();

  public constructor(records: readonly RecordModel[], private readonly isHealthy: (checkId: string) => boolean) {
    for (const record of records) {
      const name = normalized(record.name);
      this.recordsByName.set(name, [...(this.recordsByName.get(name) ?? []), record]);
    }
  }

  /** The region a resolver reaches from `name`, following CNAMEs (DNS-CNAME), and the records on the way. */
  public resolve(name: string, context: ResolveContext): DnsAnswer {
    const chain: DnsAnswerStep[] = [];
    let current = normalized(name);
    // Each step reads a different name, so a chain is never longer than the number of names.
    for (let step = 0; step <= this.recordsByName.size; step++) {
      if (chain.some((earlier) => earlier.name === current)) {
        throw new Error(`CNAME loop: ${[...chain.map((earlier) => earlier.name), current].join(' → ')}; `
          + 'a record of the chain must lead to a region\'s alias record instead.');
      }
      const records = this.recordsByName.get(current);
      if (!records) {
        const via = chain.length > 0 ? ` (reached from '${chain[0].name}' through ${chain.map((earlier) => earlier.recordId).join(', ')})` : '';
        throw new Error(`No record answers '${current}'${via}; the deployment's templates have no record set of that name.`);
      }
      const record = this.choose(current, records, context);
      chain.push({ name: current, recordId: record.id, ttlSeconds: record.ttlSeconds });
      if (record.target.kind === 'region') {
        return { region: record.target.region, chain };
      }
      current = normalized(record.target.name);
    }
    throw new Error(`Resolving '${name}' read more names than the deployment has; the chain was ${chain.map((earlier) => earlier.name).join(' → ')}.`);
  }

  /** The record Route 53 answers among a name's records, per their routing policy. */
  private choose(name: string, records: readonly RecordModel[], context: ResolveContext): RecordModel {
    const types = new Set(records.map((record) => record.type));
    if (types.size > 1) {
      throw new Error(`'${name}' has records of several types (${[...types].join(', ')}); the twin follows one record set per name.`);
    }
    if (records.every((record) => record.failover !== undefined)) {
      return this.chooseFailover(records);
    }
    if (records.every((record) => record.latencyRegion !== undefined)) {
      return this.chooseLatency(records, context.clientRegion);
    }
    if (records.every((record) => record.weight !== undefined)) {
      return this.chooseWeighted(records, context.random);
    }
    if (records.length === 1) {
      return records[0]; // DNS-SIMPLE
    }
    throw new Error(`'${name}' has ${records.length} records (${records.map((record) => record.id).join(', ')}) that share no routing `
      + 'policy; give all of them failover, latency (region) or weight settings.');
  }

  /** DNS-NO-CHECK. */
  private healthy(record: RecordModel): boolean {
    return record.healthCheckId === undefined || this.isHealthy(record.healthCheckId);
  }

  /** DNS-FAILOVER, with DNS-NONE-HEALTHY for "both unhealthy: the primary". */
  private chooseFailover(records: readonly RecordModel[]): RecordModel {
    const ordered = [...records].sort((a, b) => (a.failover === 'PRIMARY' ? 0 : 1) - (b.failover === 'PRIMARY' ? 0 : 1));
    return ordered.find((record) => this.healthy(record)) ?? ordered[0];
  }

  /** DNS-LATENCY: the closest healthy region, or the closest of all when none is healthy (DNS-NONE-HEALTHY). */
  private chooseLatency(records: readonly RecordModel[], clientRegion: string): RecordModel {
    const distance = (record: RecordModel) => regionDistanceKm(clientRegion, record.latencyRegion as string, this.locations);
    const ordered = [...records].sort((a, b) => distance(a) - distance(b));
    return ordered.find((record) => this.healthy(record)) ?? ordered[0];
  }

  /** DNS-WEIGHTED among the healthy records (all of them when none is healthy, DNS-NONE-HEALTHY). */
  private chooseWeighted(records: readonly RecordModel[], random: () => number): RecordModel {
    const healthy = records.filter((record) => this.healthy(record));
    const pool = healthy.length > 0 ? healthy : records;
    const weightOf = (record: RecordModel) => record.weight ?? 0;
    const weighted = pool.filter((record) => weightOf(record) > 0);
    if (weighted.length === 0) {
      return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))];
    }
    const total = weighted.reduce((sum, record) => sum + weightOf(record), 0);
    let remaining = random() * total;
    for (const record of weighted) {
      remaining -= weightOf(record);
      if (remaining < 0) {
        return record;
      }
    }
    return weighted[weighted.length - 1];
  }
}
