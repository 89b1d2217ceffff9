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
    expect(io.stdout()).toMatch(/^Usage: npx projen drill -- \[options\]/);
    expect(io.stdout()).toMatch(/--fault F\s+how the primary fails: throttle \(default\), unavailable or hang/);
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
  ])('%j is an out-of-range value: %s', (argv, message) => {
    expect(() => parseDrillArgs(argv, capture())).toThrow(message);
  });
});

describe('bench', () => {
  test('without flags: 2000 requests, 5 rounds, concurrency 32, 100 ms model latency, 30 s outage', () => {
    expect(parseBenchArgs([], capture())).toEqual({ requests: 2000, rounds: 5, concurrency: 32, modelLatencyMs: 100, outageSeconds: 30 });
  });

  test('flags set every setting', () => {
    expect(parseBenchArgs(['--', '--requests', '10', '--rounds=2', '--concurrency', '4', '--model-latency-ms', '5', '--outage-seconds', '1'], capture()))
      .toEqual({ requests: 10, rounds: 2, concurrency: 4, modelLatencyMs: 5, outageSeconds: 1 });
  });

  test.each([[['--help']], [['-h']], [['--requests', '10', '--help']]])('%j prints the usage and exits 0', (argv) => {
    const io = capture();
    expect(parseBenchArgs(argv, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Usage: npx projen bench -- \[options\]/);
    expect(io.stdout()).toMatch(/--model-latency-ms N/);
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
  ])('%j is an out-of-range value: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv, capture())).toThrow(message);
  });
});
