/**
 * One client's resolver cache. Sources (Route 53 Developer Guide):
 * [TTL] "Values for basic records" (TTL: how long "you want DNS resolvers to cache the information in the record"),
 *   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html
 * [ALIAS] "Choosing between alias and non-alias records" (an alias takes its target's TTL; a CNAME is followed by
 *   the recursive resolver), https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
 */
import { API_GATEWAY_ALIAS_TTL_SECONDS, CachingResolver, cacheSecondsOf } from '../../../dev/twin/caching-resolver';
import type { RecordModel } from '../../../dev/twin/deployment-model';
import { SimulatedDns } from '../../../dev/twin/route53-answers';

const alias = (region: string): RecordModel =>
  ({ id: `Regional/${region}`, name: `${region}.shared.app.example.com`, type: 'A', target: { kind: 'region', region } });

/** app.example.com (CNAME, TTL 300) → inner.example.com (failover CNAMEs, TTL 30) → a region's alias. */
const records: RecordModel[] = [
  { id: 'Top', name: 'app.example.com', type: 'CNAME', ttlSeconds: 300, target: { kind: 'name', name: 'inner.example.com' } },
  {
    id: 'Primary',
    name: 'inner.example.com',
    type: 'CNAME',
    failover: 'PRIMARY',
    healthCheckId: 'primary-check',
    ttlSeconds: 30,
    target: { kind: 'name', name: 'eu-west-1.shared.app.example.com' },
  },
  {
    id: 'Secondary',
    name: 'inner.example.com',
    type: 'CNAME',
    failover: 'SECONDARY',
    ttlSeconds: 30,
    target: { kind: 'name', name: 'eu-central-1.shared.app.example.com' },
  },
  alias('eu-west-1'),
  alias('eu-central-1'),
];

/** A resolver over `records` whose primary's health the test sets, and the names it asked Route 53 for. */
function setUp() {
  const health = { primaryHealthy: true };
  const dns = new SimulatedDns(records, (checkId) => checkId !== 'primary-check' || health.primaryHealthy);
  const queried: string[] = [];
  const resolve = dns.resolve.bind(dns);
  jest.spyOn(dns, 'resolve').mockImplementation((name, context) => {
    queried.push(name);
    return resolve(name, context);
  });
  const resolver = new CachingResolver(dns, { clientRegion: 'eu-west-1', random: () => 0 });
  return { health, resolver, queried };
}

test('a second lookup within the TTL comes from the cache, even after Route 53 changed its answer [TTL]', () => {
  const { health, resolver, queried } = setUp();
  expect(resolver.resolve('app.example.com', 0)).toEqual({ region: 'eu-west-1', cached: false });
  health.primaryHealthy = false;
  expect(resolver.resolve('app.example.com', 29)).toEqual({ region: 'eu-west-1', cached: true });
  expect(queried).toEqual(['app.example.com']);
});

test('when a record expires, only the names from it on are asked again [TTL]', () => {
  const { health, resolver, queried } = setUp();
  resolver.resolve('app.example.com', 0);
  health.primaryHealthy = false;
  // inner.example.com (TTL 30) expired at 30; app.example.com (TTL 300) is still cached.
  expect(resolver.resolve('app.example.com', 30)).toEqual({ region: 'eu-central-1', cached: false });
  expect(queried).toEqual(['app.example.com', 'inner.example.com']);
  expect(resolver.resolve('app.example.com', 59)).toEqual({ region: 'eu-central-1', cached: true });
  expect(resolver.resolve('app.example.com', 300)).toEqual({ region: 'eu-central-1', cached: false });
  expect(queried).toEqual(['app.example.com', 'inner.example.com', 'app.example.com']);
});

test('a region\'s alias record is kept for the assumed API Gateway TTL (60 s; API Gateway documents none)', () => {
  expect(API_GATEWAY_ALIAS_TTL_SECONDS).toBe(60);
  const { resolver, queried } = setUp();
  resolver.resolve('eu-west-1.shared.app.example.com', 0);
  expect(resolver.resolve('eu-west-1.shared.app.example.com', API_GATEWAY_ALIAS_TTL_SECONDS - 1).cached).toBe(true);
  expect(resolver.resolve('eu-west-1.shared.app.example.com', API_GATEWAY_ALIAS_TTL_SECONDS).cached).toBe(false);
  expect(queried).toEqual(['eu-west-1.shared.app.example.com', 'eu-west-1.shared.app.example.com']);
});

test('each step is cached for its own TTL; an alias to another record takes that record\'s TTL [ALIAS]', () => {
  expect(cacheSecondsOf([
    { name: 'app.example.com', recordId: 'Top', ttlSeconds: 300 },
    { name: 'alias-to-inner.example.com', recordId: 'AliasToName' },
    { name: 'inner.example.com', recordId: 'Primary', ttlSeconds: 30 },
    { name: 'eu-west-1.shared.app.example.com', recordId: 'Regional/eu-west-1' },
  ])).toEqual([300, 30, 30, API_GATEWAY_ALIAS_TTL_SECONDS]);
});

test('separate clients keep separate caches', () => {
  const { health, resolver } = setUp();
  resolver.resolve('app.example.com', 0);
  health.primaryHealthy = false;
  const dns = new SimulatedDns(records, (checkId) => checkId !== 'primary-check' || health.primaryHealthy);
  const newcomer = new CachingResolver(dns, { clientRegion: 'eu-west-1', random: () => 0 });
  expect(newcomer.resolve('app.example.com', 10)).toEqual({ region: 'eu-central-1', cached: false });
  expect(resolver.resolve('app.example.com', 10)).toEqual({ region: 'eu-west-1', cached: true });
});
