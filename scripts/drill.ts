/**
 * Local outage drills, no AWS account.
 *
 * With `--from <cdk.out>`: the twin of a synthesized deployment (dev/twin/): the real handler and canary
 * per region, simulated CloudWatch alarms and Route 53 health checks and records read from the
 * templates, and clients with DNS caches, in compressed time, through a built-in or a user's scenario.
 *
 * Without it: the in-request layer alone, in real time: three fake regions behind one fake Bedrock, the
 * real handler via the local server, a scripted outage of the primary, then recovery. Prints, second by
 * second, which region served, the statuses the client saw, attempts and the primary's breaker state.
 *
 *   npx cdk-bedrock-cross-region drill --from cdk.out [--scenario primary-outage] [--endpoint NAME] [--json]
 *   npx cdk-bedrock-cross-region drill [--healthy-seconds 3] [--outage-seconds 8] [--recovery-seconds 8] [--fault throttle|unavailable|hang] [--rps 20]
 *   npx projen drill -- --help     (this repository)
 *
 * The package runs it from `assets/cli/drill.js`, bundled by scripts/bundle-handlers.mjs with the fake
 * Bedrock and the handler inside.
 */
import * as http from 'node:http';
import { Fault, faults, startFakeBedrock } from '../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../dev/fake-bedrock/offline-environment';
import { ClientOutcome, sendConverse } from '../dev/twin/client-population';
import { BUILT_IN_SCENARIOS } from '../dev/twin/scenario';
import { runTwinCommand, TwinCommandOptions } from '../dev/twin/twin-command';
import { startLocalServer } from '../lambda/invoker/host/local-server';
import { CliIo, EXIT_OK, EXIT_USAGE, messageOf, parseCommandLine, PROCESS_IO, usageError } from '../lib/shared/command-line';
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

/** How long a drill client waits for an answer: past the drill configuration's deadline. */
const CLIENT_TIMEOUT_MS = 2 * DRILL_CONFIG.deadlineMs;

/** This repository's projen task. */
export const REPOSITORY_CONTEXT: CommandContext = { invocation: 'npx projen drill --' };

/** The usage text, as the drill was started. */
export function usage(context: CommandContext): string {
  return `Usage: ${context.invocation} --from <cdk.out> [twin options]
       ${context.invocation} [in-request options]

Local outage drills, no AWS account.

The twin of a synthesized app (--from): the real handler and canary per region against a fake Bedrock,
CloudWatch alarms, Route 53 health checks and records as the templates define them, and clients that
cache DNS answers, in compressed time (a 30-minute scenario takes under 2 minutes). Without a hosted zone
in the app, only the in-request layer runs (clients call the first region).

  --from DIR             the cloud assembly (cdk.out) to rehearse
  --scenario S           a built-in scenario (default primary-outage) or a scenario file (.json):
${BUILT_IN_SCENARIOS.map(scenario => `                           ${scenario.name.padEnd(19)} ${scenario.description}`).join('\n')}
  --endpoint NAME        the endpoint (its service name or its name; default the app's first)
  --json                 print only the summary, as JSON
  --svg FILE             where the timeline picture goes (default DIR/drill-<endpoint>-<scenario>.svg)
  --speed N              simulated seconds per real second (default: about 100 s of real time, 20 to 60)
  --seed N               seed of the random draws (default 1)

The in-request drill (no --from): three fake regions behind one fake Bedrock, the real handler via the
local server, a scripted outage of the primary, then recovery; prints what the clients saw, second by second.

  --healthy-seconds N    seconds of normal traffic before the outage (default 3)
  --outage-seconds N     seconds the primary (eu-west-1) fails (default 8)
  --recovery-seconds N   seconds of traffic after the primary recovers (default 8)
  --fault F              how the primary fails: throttle (default), unavailable or hang
  --rps N                requests per second (default 20)
  -h, --help             this help

Seconds and --rps are between 0 and 600. Exit status: 0 done, 2 usage error or unusable input (not a cloud assembly, unknown endpoint, invalid scenario).`;
}

/** The options only the in-request drill takes. */
const IN_REQUEST_OPTIONS = ['healthy-seconds', 'outage-seconds', 'recovery-seconds', 'fault', 'rps'] as const;

/** The options only the twin takes (besides --from). */
const TWIN_OPTIONS = ['scenario', 'endpoint', 'json', 'svg', 'speed', 'seed'] as const;

/** The twin's run, from the drill's command line (`--from`). */
export interface TwinDrill {
  readonly twin: TwinCommandOptions;
}

/** The in-request drill's settings, from its command line. */
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
export function parseDrillArgs(
  argv: readonly string[], io: CliIo = PROCESS_IO, context: CommandContext = REPOSITORY_CONTEXT,
): DrillOptions | TwinDrill | number {
  const values = parseCommandLine({ name: 'drill', usage: usage(context), io }, argv, {
    'healthy-seconds': { type: 'string' },
    'outage-seconds': { type: 'string' },
    'recovery-seconds': { type: 'string' },
    'fault': { type: 'string' },
    'rps': { type: 'string' },
    'from': { type: 'string' },
    'scenario': { type: 'string' },
    'endpoint': { type: 'string' },
    'json': { type: 'boolean' },
    'svg': { type: 'string' },
    'speed': { type: 'string' },
    'seed': { type: 'string' },
  });
  if (typeof values === 'number') {
    return values;
  }
  const inRequest = IN_REQUEST_OPTIONS.filter(name => values[name] !== undefined);
  const twinOnly = TWIN_OPTIONS.filter(name => values[name] !== undefined);
  if (values.from !== undefined) {
    if (inRequest.length > 0) {
      throw new Error(`--${inRequest[0]} belongs to the in-request drill; the twin (--from) takes its faults from --scenario`);
    }
    const integer = (name: 'speed' | 'seed', min: number, max: number): number | undefined => {
      if (values[name] === undefined) {
        return undefined;
      }
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`--${name} must be a whole number from ${min} to ${max}, got '${values[name]}'`);
      }
      return value;
    };
    return {
      twin: {
        from: values.from,
        scenario: values.scenario ?? 'primary-outage',
        endpoint: values.endpoint,
        json: values.json === true,
        svg: values.svg,
        speed: integer('speed', 1, 600),
        seed: integer('seed', 0, 2 ** 31),
      },
    };
  }
  if (twinOnly.length > 0) {
    throw new Error(`--${twinOnly[0]} needs --from <cdk.out>: the twin rehearses a synthesized app`);
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

/**
 * Runs the drill: `--help` prints the usage; an unknown option or an out-of-range value prints what is
 * wrong and the usage.
 *
 * @returns the exit status (0 done or after `--help`, 2 bad usage)
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, context: CommandContext = REPOSITORY_CONTEXT): Promise<number> {
  let options: DrillOptions | TwinDrill | number;
  try {
    options = parseDrillArgs(argv, io, context);
  } catch (e) {
    return usageError({ name: 'drill', usage: usage(context), io }, messageOf(e));
  }
  if (typeof options === 'number') {
    return options;
  }
  if ('twin' in options) {
    try {
      return await runTwinCommand(options.twin, io);
    } catch (e) {
      io.err(`drill: ${messageOf(e)}`);
      return EXIT_USAGE;
    }
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
      const pending: Array<Promise<ClientOutcome>> = [];
      for (let index = 0; index < rps; index++) {
        pending.push(sendConverse(server.url, agent, CLIENT_TIMEOUT_MS));
        await new Promise((resolve) => setTimeout(resolve, 1000 / rps));
      }
      const results = await Promise.all(pending);
      const served = new Map<string, number>();
      const statuses = new Map<number, number>();
      for (const result of results) {
        const region = result.servedRegion ?? '-';
        served.set(region, (served.get(region) ?? 0) + 1);
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
