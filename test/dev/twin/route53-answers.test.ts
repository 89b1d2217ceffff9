/**
 * The simulated Route 53 answers, rule by rule. Sources (Route 53 Developer Guide):
 * [CHOOSES] "How Amazon Route 53 chooses records when health checking is configured",
 *   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 * [POLICY] "Choosing a routing policy", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy.html
 * [WEIGHT] "Values specific for weighted records" (Weight),
 *   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-weighted.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordModel } from '../../../dev/twin/deployment-model';
import { regionDistanceKm, regionLocations, SimulatedDns } from '../../../dev/twin/route53-answers';
import { ALL_COMMERCIAL_REGIONS } from '../../../lib/profiles/private/catalog-document';
import { GEOGRAPHY_REGIONS } from '../../../lib/shared/invoker-config';

/** A health lookup in which the listed checks are unhealthy. */
const unhealthy = (...checkIds: string[]) => (checkId: string) => !checkIds.includes(checkId);

/** A context for a client in `clientRegion` whose random numbers are `numbers`, in turn. */
function client(clientRegion: string, ...numbers: number[]) {
  let next = 0;
  return { clientRegion, random: () => numbers[next++ % Math.max(1, numbers.length)] ?? 0 };
}

/** A region's alias record (`<region>.shared.<name>`), as the regional stacks create it. */
const alias = (name: string, region: string): RecordModel =>
  ({ id: `BedrockEu${region}/SharedNameRecord`, name: `${region}.shared.${name}`, type: 'A', target: { kind: 'region', region } });

/** The sample active–passive chain of eu-chat.example.com: eu-west-1, then eu-central-1, then eu-west-3. */
const EU = {
  west1: 'BedrockEuRouting/euchatRegioneuwest1',
  central1: 'BedrockEuRouting/euchatRegioneucentral1',
  west3: 'BedrockEuRouting/euchatRegioneuwest3',
};
const euRecords: RecordModel[] = [
  {
    id: 'BedrockEuRouting/euchatPrimary0',
    name: 'eu-chat.example.com',
    type: 'CNAME',
    setIdentifier: 'eu-west-1-primary',
    failover: 'PRIMARY',
    healthCheckId: EU.west1,
    ttlSeconds: 30,
    target: { kind: 'name', name: 'eu-west-1.shared.eu-chat.example.com' },
  },
  {
    id: 'BedrockEuRouting/euchatSecondary0',
    name: 'eu-chat.example.com',
    type: 'CNAME',
    setIdentifier: 'failover-1',
    failover: 'SECONDARY',
    ttlSeconds: 30,
    target: { kind: 'name', name: 'failover-1.eu-chat.example.com' },
  },
  {
    id: 'BedrockEuRouting/euchatPrimary1',
    name: 'failover-1.eu-chat.example.com',
    type: 'CNAME',
    setIdentifier: 'eu-central-1-primary',
    failover: 'PRIMARY',
    healthCheckId: EU.central1,
    ttlSeconds: 30,
    target: { kind: 'name', name: 'eu-central-1.shared.eu-chat.example.com' },
  },
  {
    id: 'BedrockEuRouting/euchatSecondary1',
    name: 'failover-1.eu-chat.example.com',
    type: 'CNAME',
    setIdentifier: 'eu-west-3-secondary',
    failover: 'SECONDARY',
    healthCheckId: EU.west3,
    ttlSeconds: 30,
    target: { kind: 'name', name: 'eu-west-3.shared.eu-chat.example.com' },
  },
  alias('eu-chat.example.com', 'eu-west-1'),
  alias('eu-chat.example.com', 'eu-central-1'),
  alias('eu-chat.example.com', 'eu-west-3'),
];

/** The sample latency records of chat.example.com (us-east-1 and us-west-2). */
const US = { east1: 'BedrockUsRouting/chatRegionuseast1', west2: 'BedrockUsRouting/chatRegionuswest2' };
const usRecords: RecordModel[] = [
  {
    id: 'BedrockUsRouting/chatLatencyuseast1',
    name: 'chat.example.com',
    type: 'CNAME',
    setIdentifier: 'us-east-1',
    latencyRegion: 'us-east-1',
    healthCheckId: US.east1,
    ttlSeconds: 30,
    target: { kind: 'name', name: 'us-east-1.shared.chat.example.com' },
  },
  {
    id: 'BedrockUsRouting/chatLatencyuswest2',
    name: 'chat.example.com',
    type: 'CNAME',
    setIdentifier: 'us-west-2',
    latencyRegion: 'us-west-2',
    healthCheckId: US.west2,
    ttlSeconds: 30,
    target: { kind: 'name', name: 'us-west-2.shared.chat.example.com' },
  },
  alias('chat.example.com', 'us-east-1'),
  alias('chat.example.com', 'us-west-2'),
];

describe('failover records [CHOOSES "Failover records"]', () => {
  test('the primary while it is healthy, with every record read on the way', () => {
    const answer = new SimulatedDns(euRecords, unhealthy()).resolve('eu-chat.example.com', client('eu-west-1'));
    expect(answer).toEqual({
      region: 'eu-west-1',
      chain: [
        { name: 'eu-chat.example.com', recordId: 'BedrockEuRouting/euchatPrimary0', ttlSeconds: 30 },
        { name: 'eu-west-1.shared.eu-chat.example.com', recordId: 'BedrockEueu-west-1/SharedNameRecord', ttlSeconds: undefined },
      ],
    });
  });

  test('primary unhealthy: the secondary (it has no health check, so it is always healthy), then its own primary: eu-central-1', () => {
    const answer = new SimulatedDns(euRecords, unhealthy(EU.west1)).resolve('eu-chat.example.com', client('eu-west-1'));
    expect(answer.region).toBe('eu-central-1');
    expect(answer.chain.map((step) => step.recordId)).toEqual([
      'BedrockEuRouting/euchatSecondary0', 'BedrockEuRouting/euchatPrimary1', 'BedrockEueu-central-1/SharedNameRecord',
    ]);
  });

  test('both first regions unhealthy: eu-west-3', () => {
    const answer = new SimulatedDns(euRecords, unhealthy(EU.west1, EU.central1)).resolve('eu-chat.example.com', client('eu-west-1'));
    expect(answer.region).toBe('eu-west-3');
  });

  test('primary and secondary both unhealthy: Route 53 returns the primary', () => {
    const answer = new SimulatedDns(euRecords, unhealthy(EU.west1, EU.central1, EU.west3)).resolve('eu-chat.example.com', client('eu-west-1'));
    expect(answer.region).toBe('eu-central-1'); // failover-1's pair is both unhealthy: its primary
    const inner = new SimulatedDns(euRecords, unhealthy(EU.central1, EU.west3)).resolve('failover-1.eu-chat.example.com', client('eu-west-1'));
    expect(inner.region).toBe('eu-central-1');
  });

  test('names are matched without case or trailing dot', () => {
    expect(new SimulatedDns(euRecords, unhealthy()).resolve('EU-Chat.Example.com.', client('eu-west-1')).region).toBe('eu-west-1');
  });
});

describe('latency records [POLICY "Latency-based routing"; CHOOSES]', () => {
  test.each([
    ['us-east-1', 'us-east-1'],
    ['us-west-2', 'us-west-2'],
    ['us-east-2', 'us-east-1'], // Ohio is nearer Virginia than Oregon
    ['us-west-1', 'us-west-2'], // Northern California is nearer Oregon than Virginia
  ])('a client in %s is answered %s', (clientRegion, expected) => {
    expect(new SimulatedDns(usRecords, unhealthy()).resolve('chat.example.com', client(clientRegion)).region).toBe(expected);
  });

  test('the nearest region unhealthy: the next nearest healthy one', () => {
    expect(new SimulatedDns(usRecords, unhealthy(US.east1)).resolve('chat.example.com', client('us-east-1')).region).toBe('us-west-2');
  });

  test('every region unhealthy: all count as healthy, so the nearest [CHOOSES "If no record is healthy, all records are healthy"]', () => {
    expect(new SimulatedDns(usRecords, unhealthy(US.east1, US.west2)).resolve('chat.example.com', client('us-east-1')).region).toBe('us-east-1');
    expect(new SimulatedDns(usRecords, unhealthy(US.east1, US.west2)).resolve('chat.example.com', client('us-west-2')).region).toBe('us-west-2');
  });

  test('a client region without a location is refused with the file to add it to', () => {
    expect(() => new SimulatedDns(usRecords, unhealthy()).resolve('chat.example.com', client('xx-nowhere-1')))
      .toThrow(/No location for region 'xx-nowhere-1' in .*region-locations\.json/);
  });
});

describe('weighted records [POLICY "Weighted routing"; WEIGHT; CHOOSES "Weighted records that have a weight of 0"]', () => {
  const weighted = (weights: Record<string, number>, checked = true): RecordModel[] => [
    ...Object.entries(weights).map(([region, weight]): RecordModel => ({
      id: `Weighted/${region}`,
      name: 'w.example.com',
      type: 'CNAME',
      setIdentifier: region,
      weight,
      healthCheckId: checked ? `check-${region}` : undefined,
      ttlSeconds: 30,
      target: { kind: 'name', name: `${region}.shared.w.example.com` },
    })),
    ...Object.keys(weights).map((region) => alias('w.example.com', region)),
  ];
  const answer = (records: RecordModel[], isHealthy: (id: string) => boolean, random: number) =>
    new SimulatedDns(records, isHealthy).resolve('w.example.com', client('us-east-1', random)).region;

  test('in proportion to weight: 3 to 1 splits the random range at 0.75', () => {
    const records = weighted({ 'us-east-1': 3, 'us-west-2': 1 });
    expect([0, 0.5, 0.74, 0.76, 0.99].map((random) => answer(records, unhealthy(), random)))
      .toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'us-west-2']);
  });

  test('an unhealthy record is left out', () => {
    const records = weighted({ 'us-east-1': 3, 'us-west-2': 1 });
    expect([0, 0.5, 0.99].map((random) => answer(records, unhealthy('check-us-east-1'), random))).toEqual(['us-west-2', 'us-west-2', 'us-west-2']);
  });

  test('a record of weight 0 is answered only when every record of weight above 0 is unhealthy', () => {
    const records = weighted({ 'us-east-1': 0, 'us-west-2': 2 });
    expect([0, 0.99].map((random) => answer(records, unhealthy(), random))).toEqual(['us-west-2', 'us-west-2']);
    expect([0, 0.99].map((random) => answer(records, unhealthy('check-us-west-2'), random))).toEqual(['us-east-1', 'us-east-1']);
  });

  test('every weight 0: all records with equal probability', () => {
    const records = weighted({ 'us-east-1': 0, 'us-west-2': 0 }, false);
    expect([0.2, 0.7].map((random) => answer(records, unhealthy(), random))).toEqual(['us-east-1', 'us-west-2']);
  });

  test('none healthy: all count as healthy and weights apply again', () => {
    const records = weighted({ 'us-east-1': 3, 'us-west-2': 1 });
    expect([0.5, 0.9].map((random) => answer(records, unhealthy('check-us-east-1', 'check-us-west-2'), random)))
      .toEqual(['us-east-1', 'us-west-2']);
  });
});

describe('simple records and errors', () => {
  test('a single record without a routing policy is answered [POLICY "Simple routing"]', () => {
    const records: RecordModel[] = [
      { id: 'Simple/Cname', name: 'api.example.com', type: 'CNAME', ttlSeconds: 300, target: { kind: 'name', name: 'eu-west-3.shared.eu-chat.example.com' } },
      alias('eu-chat.example.com', 'eu-west-3'),
    ];
    const answer = new SimulatedDns(records, unhealthy()).resolve('api.example.com', client('eu-west-1'));
    expect(answer.region).toBe('eu-west-3');
    expect(answer.chain[0]).toEqual({ name: 'api.example.com', recordId: 'Simple/Cname', ttlSeconds: 300 });
  });

  test('a name without records says which name and how it was reached', () => {
    const records = euRecords.filter((record) => record.name !== 'eu-central-1.shared.eu-chat.example.com');
    expect(() => new SimulatedDns(records, unhealthy(EU.west1)).resolve('eu-chat.example.com', client('eu-west-1')))
      .toThrow(/No record answers 'eu-central-1\.shared\.eu-chat\.example\.com' \(reached from 'eu-chat\.example\.com' through/);
    expect(() => new SimulatedDns(records, unhealthy()).resolve('nope.example.com', client('eu-west-1'))).toThrow(/No record answers 'nope\.example\.com'/);
  });

  test('a CNAME loop is reported with its names', () => {
    const records: RecordModel[] = [
      { id: 'Loop/A', name: 'a.example.com', type: 'CNAME', ttlSeconds: 30, target: { kind: 'name', name: 'b.example.com' } },
      { id: 'Loop/B', name: 'b.example.com', type: 'CNAME', ttlSeconds: 30, target: { kind: 'name', name: 'a.example.com' } },
    ];
    expect(() => new SimulatedDns(records, unhealthy()).resolve('a.example.com', client('eu-west-1')))
      .toThrow(/CNAME loop: a\.example\.com → b\.example\.com → a\.example\.com/);
  });

  test('records of one name that share no routing policy are refused', () => {
    const records: RecordModel[] = [
      { ...euRecords[0], failover: undefined },
      { ...euRecords[1], failover: undefined },
    ];
    expect(() => new SimulatedDns(records, unhealthy()).resolve('eu-chat.example.com', client('eu-west-1'))).toThrow(/share no routing policy/);
    const mixedTypes: RecordModel[] = [euRecords[0], { ...euRecords[1], type: 'A' }];
    expect(() => new SimulatedDns(mixedTypes, unhealthy()).resolve('eu-chat.example.com', client('eu-west-1')))
      .toThrow(/'eu-chat\.example\.com' has records of several types \(CNAME, A\)/);
  });
});

describe('region-locations.json', () => {
  test('has every region the catalog and the geographies know, with coordinates on the globe', () => {
    const catalog = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../lib/profiles/catalog.json'), 'utf-8'));
    const catalogRegions: string[] = [
      ...catalog.commercialRegions,
      ...catalog.profiles.flatMap((profile: { destinations: Record<string, string[]> }) =>
        Object.entries(profile.destinations).flatMap(([source, destinations]) => [source, ...destinations])),
    ];
    const known = new Set([...catalogRegions, ...Object.values(GEOGRAPHY_REGIONS).flat()].filter((region) => region !== ALL_COMMERCIAL_REGIONS));
    expect(known.size).toBeGreaterThan(30);
    const locations = regionLocations();
    expect([...known].filter((region) => !locations[region])).toEqual([]);
    for (const location of Object.values(locations)) {
      expect(Math.abs(location.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(location.longitude)).toBeLessThanOrEqual(180);
    }
  });

  test('says its coordinates are approximations and that distance stands in for latency', () => {
    const document = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../dev/twin/region-locations.json'), 'utf-8'));
    expect(document.source).toMatch(/approximate/);
    expect(document.note).toMatch(/UNCONFIRMED.*stand-in for network latency/s);
  });

  test('distances are plausible: Frankfurt–Paris under 500 km, Virginia–Oregon over 3,500 km', () => {
    const locations = regionLocations();
    expect(regionDistanceKm('eu-central-1', 'eu-west-3', locations)).toBeLessThan(500);
    expect(regionDistanceKm('us-east-1', 'us-west-2', locations)).toBeGreaterThan(3500);
    expect(regionDistanceKm('us-east-1', 'us-east-1', locations)).toBe(0);
  });
});
