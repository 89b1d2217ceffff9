/**
 * The twin's scenarios: the built-in ones, the check of a scenario file, and what is active when.
 */
import {
  BUILT_IN_SCENARIOS, builtInScenario, DEFAULT_REQUESTS_PER_SECOND, FaultWindow, faultRegions, faultsAt, parseScenario, requestRateAt, Scenario,
} from '../../../dev/twin/scenario';

const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

describe('built-in scenarios', () => {
  test.each(BUILT_IN_SCENARIOS.map(scenario => [scenario.name, scenario] as const))('%s is a valid scenario file once written as JSON', (name, scenario) => {
    expect(parseScenario(JSON.parse(JSON.stringify(scenario)), `${name}.json`)).toEqual(scenario);
  });

  test('each lasts at most 30 minutes, and its faults fall within it', () => {
    for (const scenario of BUILT_IN_SCENARIOS) {
      expect(scenario.durationSeconds).toBeLessThanOrEqual(30 * 60);
      for (const fault of scenario.faults) {
        expect(fault.fromSeconds).toBeLessThan(fault.toSeconds);
        expect(fault.toSeconds).toBeLessThanOrEqual(scenario.durationSeconds);
      }
    }
  });

  test('names are unique, and builtInScenario finds each', () => {
    const names = BUILT_IN_SCENARIOS.map(scenario => scenario.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(builtInScenario(name).name).toBe(name);
    }
  });

  test('an unknown name is refused with the list of names', () => {
    expect(() => builtInScenario('meteor-strike')).toThrow(
      `no built-in scenario 'meteor-strike': use one of ${BUILT_IN_SCENARIOS.map(s => s.name).join(', ')}, or a scenario file (a path ending in .json)`);
  });
});

describe('parseScenario', () => {
  const minimal = { durationSeconds: 600, faults: [{ region: 'primary', kind: 'throttle', fromSeconds: 60, toSeconds: 120 }] };

  test('a minimal file takes its name and description from the source', () => {
    expect(parseScenario(minimal, 'my.json')).toEqual({
      name: 'my.json',
      description: 'the scenario in my.json',
      durationSeconds: 600,
      faults: [{ region: 'primary', kind: 'throttle', fromSeconds: 60, toSeconds: 120 }],
    });
  });

  test('reports every problem at once, each with its field', () => {
    let message = '';
    try {
      parseScenario({
        durationSeconds: 30,
        faults: [
          { region: '', kind: 'meteor', fromSeconds: -1, toSeconds: 10 },
          { region: 'primary', kind: 'slow', fromSeconds: 20, toSeconds: 10, share: 0, delaySeconds: 1000 },
        ],
        traffic: [{ fromSeconds: 0, requestsPerSecond: 51 }],
        clients: 0,
        clientRegions: { 'eu-west-1': 2 },
      }, 'bad.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^bad\.json is not a valid scenario:\n {2}- /);
    const problems = message.split('\n  - ').slice(1);
    expect(problems).toEqual([
      'durationSeconds must be a number from 60 to 7200, got 30',
      'faults[0].region must be a region name, primary, secondary or all',
      'faults[0].kind must be one of bedrock-down, throttle, hang, slow, long-answers, api-down, got "meteor"',
      'faults[0].fromSeconds must be a number from 0 to 60, got -1',
      'faults[1].toSeconds must be a number from 20 to 60, got 10',
      'faults[1].share must be a number from 0.001 to 1, got 0',
      'faults[1].delaySeconds must be a number from 0 to 900, got 1000',
      'traffic[0].requestsPerSecond must be a number from 0 to 50, got 51',
      'clients must be a number from 1 to 1000, got 0',
      'clientRegions.eu-west-1 must be a number from 0 to 1, got 2',
    ]);
  });

  test('a file that is not an object, or whose faults or traffic are not arrays, says so', () => {
    expect(() => parseScenario('primary-outage', 'x.json')).toThrow(/durationSeconds must be a number.*\n {2}- faults must be an array/);
    expect(() => parseScenario({ ...minimal, traffic: { fromSeconds: 0 } }, 'x.json')).toThrow(/traffic must be an array/);
  });

  test('clientRegions that is not an object of shares is refused', () => {
    expect(() => parseScenario({ ...minimal, clientRegions: 'eu-west-1' }, 'x.json')).toThrow(/clientRegions must be an object/);
    expect(() => parseScenario({ ...minimal, clientRegions: [1] }, 'x.json')).toThrow(/clientRegions must be an object/);
  });

  test('numbers that are not finite are refused', () => {
    expect(() => parseScenario({ ...minimal, durationSeconds: '600' }, 'x.json')).toThrow(/durationSeconds must be a number from 60 to 7200, got "600"/);
    expect(() => parseScenario({ ...minimal, clients: Number.NaN }, 'x.json')).toThrow(/clients must be a number/);
  });
});

/** A scenario of `faults` only. */
const scenarioOf = (...faults: FaultWindow[]): Scenario => ({ name: 't', description: 't', durationSeconds: 600, faults });

describe('faultsAt', () => {
  const throttle: FaultWindow = { region: 'primary', kind: 'throttle', fromSeconds: 100, toSeconds: 200 };

  test('a window is active from its start (inclusive) to its end (exclusive)', () => {
    const scenario = scenarioOf(throttle);
    expect(faultsAt(scenario, REGIONS, 99.999).size).toBe(0);
    expect(faultsAt(scenario, REGIONS, 100)).toEqual(new Map([['eu-west-1', [throttle]]]));
    expect(faultsAt(scenario, REGIONS, 199.999).get('eu-west-1')).toEqual([throttle]);
    expect(faultsAt(scenario, REGIONS, 200).size).toBe(0);
  });

  test('primary, secondary and all name the endpoint\'s first, second and every region; a name names itself', () => {
    const at = (region: string) => [...faultsAt(scenarioOf({ ...throttle, region }), REGIONS, 150).keys()];
    expect(at('primary')).toEqual(['eu-west-1']);
    expect(at('secondary')).toEqual(['eu-central-1']);
    expect(at('all')).toEqual(REGIONS);
    expect(at('eu-west-3')).toEqual(['eu-west-3']);
  });

  test('faults overlapping in one region are all active there', () => {
    const apiDown: FaultWindow = { region: 'eu-west-1', kind: 'api-down', fromSeconds: 150, toSeconds: 300 };
    const everywhere: FaultWindow = { region: 'all', kind: 'slow', fromSeconds: 0, toSeconds: 600 };
    const active = faultsAt(scenarioOf(throttle, apiDown, everywhere), REGIONS, 160);
    expect(active.get('eu-west-1')).toEqual([throttle, apiDown, everywhere]);
    expect(active.get('eu-central-1')).toEqual([everywhere]);
  });

  test('a region the endpoint does not have is refused, naming it and the endpoint\'s regions', () => {
    expect(() => faultsAt(scenarioOf({ ...throttle, region: 'us-east-1' }), REGIONS, 150))
      .toThrow('the scenario\'s fault region \'us-east-1\' is not a region of the endpoint (eu-west-1, eu-central-1, eu-west-3)');
    expect(() => faultRegions('secondary', ['eu-west-1'])).toThrow(/fault region 'secondary' is not a region of the endpoint \(eu-west-1\)/);
  });
});

describe('requestRateAt', () => {
  test('is 2 per second when the scenario gives no traffic', () => {
    expect(requestRateAt(scenarioOf(), 0)).toBe(DEFAULT_REQUESTS_PER_SECOND);
    expect(DEFAULT_REQUESTS_PER_SECOND).toBe(2);
  });

  test('is the rate of the last phase that has started, in time order whatever the file\'s order', () => {
    const scenario: Scenario = {
      ...scenarioOf(),
      traffic: [{ fromSeconds: 300, requestsPerSecond: 10 }, { fromSeconds: 60, requestsPerSecond: 5 }],
    };
    expect(requestRateAt(scenario, 0)).toBe(DEFAULT_REQUESTS_PER_SECOND);
    expect(requestRateAt(scenario, 59)).toBe(DEFAULT_REQUESTS_PER_SECOND);
    expect(requestRateAt(scenario, 60)).toBe(5);
    expect(requestRateAt(scenario, 299)).toBe(5);
    expect(requestRateAt(scenario, 300)).toBe(10);
    expect(requestRateAt(scenario, 599)).toBe(10);
  });
});
