/**
 * The outage-drill switch as the handlers read it: the pure parser of its value (what is a drill, what
 * fails safe), and the cached reader (failures trusted for a cache period, a slow SSM bounded, changes logged).
 */
import * as fc from 'fast-check';
import { DRILL_CLOCK_SKEW_MS, DrillParameterReader, OutageDrillSwitch, parseDrillSwitch } from '../../../lambda/invoker/resilience/outage-drill';
import { readOutageDrillConfig } from '../../../lambda/shared/outage-drill-config';
import type { OutageDrillConfig } from '../../../lib/shared/invoker-config';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const MINUTE = 60_000;
const drill = (until: string) => JSON.stringify({ failBedrock: true, until });

describe('parseDrillSwitch', () => {
  test.each([
    ['off', 'off'],
    ['off with white space', ' off\n'],
    ['no value', undefined],
    ['failBedrock false', JSON.stringify({ failBedrock: false, until: '2026-03-01T10:10:00Z' })],
  ])('%s is off', (_label, value) => {
    expect(parseDrillSwitch(value, NOW, 30)).toEqual({ kind: 'off' });
  });

  test('a drill value is on until its end, in any zone, then expired', () => {
    expect(parseDrillSwitch(drill('2026-03-01T10:10:00Z'), NOW, 30)).toEqual({ kind: 'on', untilEpochMs: NOW + 10 * MINUTE });
    expect(parseDrillSwitch(drill('2026-03-01T12:10:00.250+02:00'), NOW, 30)).toEqual({ kind: 'on', untilEpochMs: NOW + 10 * MINUTE + 250 });
    expect(parseDrillSwitch(drill('2026-03-01T10:00:00Z'), NOW, 30)).toEqual({ kind: 'expired', untilEpochMs: NOW });
    expect(parseDrillSwitch(drill('2026-03-01T09:00:00Z'), NOW, 30).kind).toBe('expired');
  });

  test('an end further ahead than the longest drill (plus clock skew) is refused, so a hand-written switch cannot outlast a drill', () => {
    const atCap = new Date(NOW + 30 * MINUTE + DRILL_CLOCK_SKEW_MS).toISOString();
    const pastCap = new Date(NOW + 30 * MINUTE + DRILL_CLOCK_SKEW_MS + 1_000).toISOString();
    expect(parseDrillSwitch(drill(atCap), NOW, 30).kind).toBe('on');
    expect(parseDrillSwitch(drill(pastCap), NOW, 30)).toEqual({ kind: 'malformed', problem: expect.stringMatching(/more than the longest drill \(30 min\)/) });
  });

  test.each([
    ['a word', 'on'],
    ['an empty object', '{}'],
    ['an array', '[{"failBedrock":true}]'],
    ['failBedrock as a string', JSON.stringify({ failBedrock: 'true', until: '2026-03-01T10:10:00Z' })],
    ['no until', JSON.stringify({ failBedrock: true })],
    ['an until without a zone (read in local time otherwise)', drill('2026-03-01T10:10:00')],
    ['an until in words', drill('March 1, 2026 10:10 UTC')],
    ['an until that is no date', drill('2026-13-45T99:99:00Z')],
    ['an until as a number', JSON.stringify({ failBedrock: true, until: NOW + MINUTE })],
  ])('%s is malformed, not a drill', (_label, value) => {
    expect(parseDrillSwitch(value, NOW, 30).kind).toBe('malformed');
  });

  test('whatever the value, a drill is on only with failBedrock true and an end inside the window', () => {
    const until = fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
      fc.integer({ min: -2 * 60, max: 2 * 60 }).map(minutes => new Date(NOW + minutes * MINUTE).toISOString()));
    const record = fc.record({ failBedrock: fc.oneof(fc.boolean(), fc.string()), until }).map(v => JSON.stringify(v));
    const value = fc.oneof(fc.string(), fc.json(), record);
    fc.assert(fc.property(value, (candidate) => {
      const state = parseDrillSwitch(candidate, NOW, 30);
      if (state.kind === 'on') {
        const parsed = JSON.parse(candidate);
        expect(parsed.failBedrock).toBe(true);
        expect(Date.parse(parsed.until)).toBe(state.untilEpochMs);
        expect(state.untilEpochMs).toBeGreaterThan(NOW);
        expect(state.untilEpochMs).toBeLessThanOrEqual(NOW + 30 * MINUTE + DRILL_CLOCK_SKEW_MS);
      }
    }), { numRuns: 1_000 });
  });
});

describe('readOutageDrillConfig', () => {
  test('accepts the construct\'s shape and reports every problem of another', () => {
    const config = { parameterName: '/cdk-bedrock-cross-region/p/eu-west-1/outage-drill', cacheSeconds: 10, maxDurationMinutes: 30 };
    expect(readOutageDrillConfig(undefined)).toEqual({ ok: true, config: undefined });
    expect(readOutageDrillConfig({ ...config, extra: 1 })).toEqual({ ok: true, config });
    expect(readOutageDrillConfig('on')).toEqual({ ok: false, problems: [expect.stringMatching(/outageDrill must be/)] });
    const broken = readOutageDrillConfig({ parameterName: 'no-slash', cacheSeconds: 0, maxDurationMinutes: 1.5 });
    expect(broken.ok ? [] : broken.problems).toEqual([
      expect.stringMatching(/parameterName must be an SSM parameter path/),
      expect.stringMatching(/outageDrill.cacheSeconds must be a positive integer, got 0/),
      expect.stringMatching(/outageDrill.maxDurationMinutes must be a positive integer, got 1.5/),
    ]);
  });
});

describe('OutageDrillSwitch', () => {
  const config: OutageDrillConfig = { parameterName: '/cdk-bedrock-cross-region/p/eu-west-1/outage-drill', cacheSeconds: 10, maxDurationMinutes: 30 };

  function switchWith(read: DrillParameterReader, readTimeoutMs?: number) {
    let now = NOW;
    const logged: Array<[string, string]> = [];
    const logger = {
      info: (message: string) => logged.push(['info', message]),
      warn: (message: string) => logged.push(['warn', message]),
    };
    const drillSwitch = new OutageDrillSwitch({ config, read, epochNow: () => now, logger, readTimeoutMs });
    return { drillSwitch, logged, advance: (ms: number) => { now += ms; } };
  }

  test('asks the reader for the configured parameter with the configured cache time, and is on while the value says so', async () => {
    const calls: Array<[string, number]> = [];
    let value = drill('2026-03-01T10:05:00Z');
    const { drillSwitch, advance } = switchWith(async (name, maxAge) => {
      calls.push([name, maxAge]);
      return value;
    });
    expect(await drillSwitch.isOn()).toBe(true);
    expect(calls).toEqual([[config.parameterName, 10]]);
    advance(5 * MINUTE); // the end passes, whatever the cache holds
    expect(await drillSwitch.isOn()).toBe(false);
    value = 'off';
    expect(await drillSwitch.isOn()).toBe(false);
  });

  test('an unreadable switch is no drill, and is not read again (nor logged again) for one cache period', async () => {
    let reads = 0;
    const { drillSwitch, logged, advance } = switchWith(async () => {
      reads += 1;
      throw new Error('User is not authorized to perform: ssm:GetParameter');
    });
    expect(await drillSwitch.isOn()).toBe(false);
    advance(9_999);
    expect(await drillSwitch.isOn()).toBe(false);
    expect(reads).toBe(1);
    expect(logged).toEqual([['warn', 'Outage drill switch unreadable: no drill']]);
    advance(1);
    expect(await drillSwitch.isOn()).toBe(false);
    expect(reads).toBe(2);
    expect(logged).toHaveLength(2);
  });

  test('a switch that does not answer within the read timeout is no drill, and the request does not wait longer', async () => {
    const { drillSwitch, logged } = switchWith(() => new Promise<string>(() => undefined), 50);
    const started = Date.now();
    expect(await drillSwitch.isOn()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(logged).toEqual([['warn', 'Outage drill switch unreadable: no drill']]);
  });

  test('logs what it reads only when it changes: on, malformed, off', async () => {
    let value = drill('2026-03-01T10:05:00Z');
    const { drillSwitch, logged } = switchWith(async () => value);
    await drillSwitch.isOn();
    await drillSwitch.isOn();
    value = '{"failBedrock":"maybe"}';
    expect(await drillSwitch.isOn()).toBe(false);
    await drillSwitch.isOn();
    value = 'off';
    await drillSwitch.isOn();
    await drillSwitch.isOn();
    expect(logged).toEqual([
      ['warn', 'Outage drill on: Bedrock in this region is treated as failing'],
      ['warn', 'Outage drill switch malformed: no drill'],
      ['info', 'Outage drill off'],
    ]);
  });
});
