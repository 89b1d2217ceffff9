/**
 * The command lines of `npx projen drill` and `npx projen bench`, read by the shared parser: the
 * defaults, --help, unknown flags and out-of-range values. The drill and the bench themselves do not run.
 */
import { CliIo } from '../../lib/shared/command-line';
import { parseBenchArgs } from '../../scripts/bench';
import { parseDrillArgs } from '../../scripts/drill';

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: t => out.push(t), err: t => err.push(t), stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

describe('drill', () => {
  test('without flags: 3 s healthy, 8 s outage, 8 s recovery, throttle, 20 requests/s', () => {
    expect(parseDrillArgs([], capture())).toMatchObject({
      healthySeconds: 3, outageSeconds: 8, recoverySeconds: 8, rps: 20, faultName: 'throttle',
    });
  });

  test('flags (with projen\'s -- separator and --flag=value) set the phases, the fault and the rate', () => {
    expect(parseDrillArgs(['--', '--healthy-seconds', '1', '--outage-seconds=2', '--recovery-seconds', '0', '--fault', 'hang', '--rps', '5'], capture()))
      .toMatchObject({ healthySeconds: 1, outageSeconds: 2, recoverySeconds: 0, rps: 5, faultName: 'hang' });
  });

  test.each([[['--help']], [['-h']], [['--', '--help']]])('%j prints the usage and exits 0', (argv) => {
    const io = capture();
    expect(parseDrillArgs(argv, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Usage: npx projen drill -- --from <cdk.out> \[twin options\]\n\s+npx projen drill -- \[in-request options\]/);
    expect(io.stdout()).toMatch(/--fault F\s+how the primary fails: throttle \(default\), unavailable or hang/);
    expect(io.stdout()).toMatch(/--scenario S .*\n\s+primary-outage\s+the primary region's Bedrock is hard down/);
    expect(io.stderr()).toBe('');
  });

  test.each([
    [['--outage', '5'], /Unknown option '--outage'/],
    [['--rps'], /--rps/],
    [['stray'], /positional/i],
  ])('%j is refused with the usage, exit 2', (argv, message) => {
    const io = capture();
    expect(parseDrillArgs(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(/^drill: /);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr()).toMatch(/Usage: npx projen drill/);
    expect(io.stdout()).toBe('');
  });

  test.each([
    [['--outage-seconds', '601'], /--outage-seconds must be between 0 and 600/],
    [['--rps', 'many'], /--rps must be between 0 and 600/],
    [['--fault', 'slow'], /--fault must be throttle, unavailable or hang, got 'slow'/],
    [['--from', 'cdk.out', '--rps', '5'], /--rps belongs to the in-request drill; the twin \(--from\) takes its faults from --scenario/],
    [['--scenario', 'primary-outage'], /--scenario needs --from <cdk.out>/],
    [['--json'], /--json needs --from <cdk.out>/],
    [['--from', 'cdk.out', '--speed', '0.5'], /--speed must be a whole number from 1 to 600, got '0.5'/],
    [['--from', 'cdk.out', '--seed', 'x'], /--seed must be a whole number from 0 to 2147483648, got 'x'/],
  ])('%j is an out-of-range value: %s', (argv, message) => {
    expect(() => parseDrillArgs(argv, capture())).toThrow(message);
  });

  test('--from runs the twin: the scenario defaults to primary-outage, the other options pass through', () => {
    expect(parseDrillArgs(['--from', 'out', '--json', '--endpoint', 'chat', '--speed', '30', '--seed', '4', '--svg', 'x.svg'], capture())).toEqual({
      twin: { from: 'out', scenario: 'primary-outage', endpoint: 'chat', json: true, svg: 'x.svg', speed: 30, seed: 4 },
    });
    expect(parseDrillArgs(['--from', 'out', '--scenario', 'mine.json'], capture())).toEqual({
      twin: { from: 'out', scenario: 'mine.json', endpoint: undefined, json: false, svg: undefined, speed: undefined, seed: undefined },
    });
  });
});

describe('bench', () => {
  const DEFAULTS = {
    runs: ['overhead', 'outage', 'poison', 'rolling', 'long-answer', 'slow-primary', 'serve'],
    requests: 2000,
    rounds: 5,
    concurrency: 32,
    modelLatencyMs: 100,
    outageSeconds: 30,
    poisonRequests: 5000,
    poisonPercent: 2,
    rollingSeconds: 60,
    rollingPhaseSeconds: 5,
    rollingConcurrency: 64,
    rollingFaults: ['unavailable', 'throttle'],
    longAnswerRequests: 10,
    slowPrimaryRequests: 200,
  };

  test('without flags: every run; 2000 requests, 5 rounds, concurrency 32, 100 ms model latency, 30 s outage; 2 % poison of 5000;'
    + ' 60 s of rolling faults at concurrency 64', () => {
    expect(parseBenchArgs([], capture())).toEqual(DEFAULTS);
  });

  test('flags set every setting', () => {
    expect(parseBenchArgs(['--', '--requests', '10', '--rounds=2', '--concurrency', '4', '--model-latency-ms', '5', '--outage-seconds', '1',
      '--runs', 'rolling,poison', '--poison-requests', '300', '--poison-percent', '10', '--rolling-seconds', '10', '--rolling-phase-seconds', '2',
      '--rolling-concurrency', '8', '--rolling-faults', 'hang,throttle', '--long-answer-requests', '3', '--slow-primary-requests', '20'], capture()))
      .toEqual({
        runs: ['rolling', 'poison'],
        requests: 10,
        rounds: 2,
        concurrency: 4,
        modelLatencyMs: 5,
        outageSeconds: 1,
        poisonRequests: 300,
        poisonPercent: 10,
        rollingSeconds: 10,
        rollingPhaseSeconds: 2,
        rollingConcurrency: 8,
        rollingFaults: ['hang', 'throttle'],
        longAnswerRequests: 3,
        slowPrimaryRequests: 20,
      });
  });

  test.each([[['--help']], [['-h']], [['--requests', '10', '--help']]])('%j prints the usage and exits 0', (argv) => {
    const io = capture();
    expect(parseBenchArgs(argv, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Usage: npx projen bench -- \[options\]/);
    for (const option of ['--runs LIST', '--requests N', '--rounds N', '--concurrency N', '--model-latency-ms N', '--outage-seconds N',
      '--poison-requests N', '--poison-percent N', '--rolling-seconds N', '--rolling-phase-seconds N', '--rolling-concurrency N',
      '--rolling-faults LIST', '--long-answer-requests N', '--slow-primary-requests N', '-h, --help']) {
      expect(io.stdout()).toContain(option);
    }
    expect(io.stdout()).toMatch(/default all: overhead,outage,poison,rolling,long-answer,slow-primary,serve/);
    expect(io.stderr()).toBe('');
  });

  test.each([
    [['--request', '10'], /Unknown option '--request'/],
    [['--rounds'], /--rounds/],
    [['10'], /positional/i],
  ])('%j is refused with the usage, exit 2', (argv, message) => {
    const io = capture();
    expect(parseBenchArgs(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(/^bench: /);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr()).toMatch(/Usage: npx projen bench/);
    expect(io.stdout()).toBe('');
  });

  test.each([
    [['--concurrency', '0'], /--concurrency must be a number in \(0, 256\]/],
    [['--rounds', '51'], /--rounds must be a number in \(0, 50\]/],
    [['--requests', 'lots'], /--requests must be a number in \(0, 100000\]/],
    [['--rolling-seconds', '3601'], /--rolling-seconds must be a number in \(0, 3600\]/],
    [['--poison-percent', '60'], /--poison-percent must be a number in \(0, 50\]/],
    [['--runs', 'overhead,soak'], /--runs must be a comma-separated list of distinct values among overhead, outage, poison, rolling, long-answer, slow-primary, serve; got 'overhead,soak'/],
    [['--runs', 'poison,poison'], /--runs must be a comma-separated list of distinct values/],
    [['--rolling-faults', 'slow'], /--rolling-faults must be a comma-separated list of distinct values among unavailable, throttle, hang; got 'slow'/],
  ])('%j is an out-of-range value: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv, capture())).toThrow(message);
  });
});
