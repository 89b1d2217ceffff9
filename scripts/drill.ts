/**
 * Local outage drill, no AWS account: three fake regions behind one fake Bedrock, the real handler via
 * the local server, a scripted outage of the primary, then recovery. Prints, second by second, which
 * region served, the statuses the client saw, attempts and the primary's breaker state. Bounded.
 *
 *   npx cdk-bedrock-cross-region drill [--healthy-seconds 3] [--outage-seconds 8] [--recovery-seconds 8] [--fault throttle|unavailable|hang] [--rps 20]
 *   npx projen drill -- --help     (this repository)
 *
 * The package runs it from `assets/cli/drill.js`, bundled by scripts/bundle-handlers.mjs with the fake
 * Bedrock and the handler inside.
 */
import * as http from 'node:http';
import { Fault, faults, startFakeBedrock } from '../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../dev/fake-bedrock/offline-environment';
import { startLocalServer } from '../lambda/invoker/host/local-server';
import { CliIo, EXIT_OK, messageOf, parseCommandLine, PROCESS_IO, usageError } from '../lib/shared/command-line';
import { InvokerRuntimeConfig } from '../lib/shared/invoker-config';
import { CommandContext } from '../lib/shared/package-cli';

const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

/** The handler's configuration in the drill: the three regions, short timeouts and a 3 s breaker cool-down. */
const DRILL_CONFIG: InvokerRuntimeConfig = {
  geography: 'eu',
  regionPlan: REGIONS,
  profileIds: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  deadlineMs: 10_000,
  attemptTimeoutMs: 1_000,
  firstTokenTimeoutMs: 1_000,
  maxBodyBytes: 65_536,
  breakerFailureThreshold: 3,
  breakerCooldownMs: 3_000,
  backoffBaseMs: 50,
  backoffMaxMs: 500,
};

/** This repository's projen task. */
export const REPOSITORY_CONTEXT: CommandContext = { invocation: 'npx projen drill --' };

/** The usage text, as the drill was started. */
export function usage(context: CommandContext): string {
  return `Usage: ${context.invocation} [options]

Local outage drill, no AWS account: three fake regions behind one fake Bedrock, the real handler via the
local server, a scripted outage of the primary, then recovery; prints what the clients saw, second by second.

  --healthy-seconds N    seconds of normal traffic before the outage (default 3)
  --outage-seconds N     seconds the primary (eu-west-1) fails (default 8)
  --recovery-seconds N   seconds of traffic after the primary recovers (default 8)
  --fault F              how the primary fails: throttle (default), unavailable or hang
  --rps N                requests per second (default 20)
  -h, --help             this help

Seconds and --rps are between 0 and 600. Exit status: 0 done, 2 usage error.`;
}

/** The drill's settings, from its command line. */
export interface DrillOptions {
  readonly healthySeconds: number;
  readonly outageSeconds: number;
  readonly recoverySeconds: number;
  readonly rps: number;
  readonly faultName: string;
  readonly fault: Fault;
}

/**
 * Parses the drill's command line: `--help` prints the usage, an unknown option prints what is wrong
 * and the usage.
 *
 * @returns the settings, or the exit status to end with (0 after `--help`, 2 for an unknown option)
 * @throws naming the option, when a value is out of range or unknown (`main` prints it with the usage and exits 2)
 */
export function parseDrillArgs(argv: readonly string[], io: CliIo = PROCESS_IO, context: CommandContext = REPOSITORY_CONTEXT): DrillOptions | number {
  const values = parseCommandLine({ name: 'drill', usage: usage(context), io }, argv, {
    'healthy-seconds': { type: 'string' },
    'outage-seconds': { type: 'string' },
    'recovery-seconds': { type: 'string' },
    'fault': { type: 'string' },
    'rps': { type: 'string' },
  });
  if (typeof values === 'number') {
    return values;
  }
  const seconds = (name: keyof typeof values, fallback: number): number => {
    const value = Number(values[name] ?? String(fallback));
    if (!Number.isFinite(value) || value < 0 || value > 600) {
      throw new Error(`--${name} must be between 0 and 600`);
    }
    return value;
  };
  const healthySeconds = seconds('healthy-seconds', 3);
  const outageSeconds = seconds('outage-seconds', 8);
  const recoverySeconds = seconds('recovery-seconds', 8);
  const rps = seconds('rps', 20);
  const faultName = values.fault ?? 'throttle';
  const fault: Fault = { throttle: faults.throttle(), unavailable: faults.unavailable(), hang: faults.hang() }[faultName]
    ?? (() => {
      throw new Error(`--fault must be throttle, unavailable or hang, got '${faultName}'`);
    })();
  return { healthySeconds, outageSeconds, recoverySeconds, rps, faultName, fault };
}

function converse(baseUrl: string, agent: http.Agent): Promise<{ status: number; region: string; attempts: number }> {
  return new Promise((resolve) => {
    const request = http.request(`${baseUrl}/converse`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve({
        status: response.statusCode ?? 0,
        region: String(response.headers['x-invoker-served-region'] ?? '-'),
        attempts: Number(response.headers['x-invoker-attempts'] ?? 0),
      }));
    });
    request.on('error', () => resolve({ status: 0, region: '-', attempts: 0 }));
    request.end(JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'drill' }] }] }));
  });
}

/**
 * Runs the drill: `--help` prints the usage; an unknown option or an out-of-range value prints what is
 * wrong and the usage.
 *
 * @returns the exit status (0 done or after `--help`, 2 bad usage)
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, context: CommandContext = REPOSITORY_CONTEXT): Promise<number> {
  let options: DrillOptions | number;
  try {
    options = parseDrillArgs(argv, io, context);
  } catch (e) {
    return usageError({ name: 'drill', usage: usage(context), io }, messageOf(e));
  }
  if (typeof options === 'number') {
    return options;
  }
  const restoreEnvironment = isolateEnvironment();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const closers: Array<() => Promise<void>> = [];
  try {
    const fake = await startFakeBedrock();
    closers.push(() => fake.close());
    const server = await startLocalServer({ port: 0, endpoint: fake.url, config: DRILL_CONFIG });
    closers.push(() => server.close());
    const { healthySeconds: healthy, outageSeconds: outage, recoverySeconds: recovery, rps, faultName, fault } = options;
    io.out(`drill: ${healthy}s healthy, ${outage}s primary ${faultName}, ${recovery}s recovery; ${rps} requests/s; plan ${REGIONS.join(' → ')}`);
    io.out('  t  phase     served-by (count)                        statuses      attempts(avg)  primary-breaker  primary-calls');
    const total = healthy + outage + recovery;
    let clientErrors = 0;
    for (let second = 0; second < total; second++) {
      const phase = second < healthy ? 'healthy' : second < healthy + outage ? 'OUTAGE' : 'recovery';
      if (second === healthy) {
        fake.inject('eu-west-1', fault);
      }
      if (second === healthy + outage) {
        fake.clearFaults();
      }
      const callsBefore = fake.calls.length;
      const tickEnd = Date.now() + 1000;
      const pending: Array<Promise<{ status: number; region: string; attempts: number }>> = [];
      for (let index = 0; index < rps; index++) {
        pending.push(converse(server.url, agent));
        await new Promise((resolve) => setTimeout(resolve, 1000 / rps));
      }
      const results = await Promise.all(pending);
      const served = new Map<string, number>();
      const statuses = new Map<number, number>();
      for (const result of results) {
        served.set(result.region, (served.get(result.region) ?? 0) + 1);
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (result.status !== 200) {
          clientErrors += 1;
        }
      }
      const attempts = results.length === 0 ? 0 : results.reduce((sum, result) => sum + result.attempts, 0) / results.length;
      const primaryCalls = fake.calls.slice(callsBefore).filter((call) => call.region === 'eu-west-1').length;
      const breaker = server.runtime.breakers.stateOf('eu-west-1');
      const servedText = [...served].map(([region, count]) => `${region}(${count})`).join(' ');
      const statusText = [...statuses].map(([status, count]) => `${status}x${count}`).join(' ');
      io.out(`${String(second).padStart(3)}  ${phase.padEnd(9)} ${servedText.padEnd(40)} ${statusText.padEnd(13)} ${attempts.toFixed(2).padEnd(14)} ${breaker.padEnd(16)} ${primaryCalls}`);
      const rest = tickEnd - Date.now();
      if (rest > 0) {
        await new Promise((resolve) => setTimeout(resolve, rest));
      }
    }
    io.out(`drill done: ${clientErrors} client-visible errors; primary breaker now ${server.runtime.breakers.stateOf('eu-west-1')}`);
    return EXIT_OK;
  } finally {
    agent.destroy();
    for (const close of closers.reverse()) {
      await close();
    }
    restoreEnvironment();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`drill: ${messageOf(error)}\n`);
    process.exitCode = 1;
  });
}
