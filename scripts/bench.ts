/**
 * Invoker benchmark (loopback only, bounded, stops by itself). The fake Bedrock runs in a CHILD process
 * (dev/fake-bedrock/fake-bedrock-process.ts), so its CPU does not queue behind the load generator's;
 * the runs that count upstream calls per request use one in this process (scripts/bench/measured-invoker.ts).
 * The runs live in scripts/bench/, one module each:
 *
 *  1. overhead (overhead.ts, handler-cpu.ts): what the handler adds on top of the Bedrock call, as in
 *     Lambda. In this process, against the same fake, with the same SDK client configuration (the
 *     handler's own BedrockClients: HTTP/1.1 NodeHttpHandler, keep-alive, maxAttempts 1):
 *       (a) direct: `ConverseCommand` straight to the fake;
 *       (b) invoker: the handler core `handleRequest` (API Gateway event → request → validation →
 *           failover walk → SDK → JSON answer) into a collecting sink: what Lambda runs, minus the Lambda
 *           runtime's own plumbing (event delivery, response streaming transport);
 *       (c) direct `ConverseStreamCommand` read to the end: what the invoker sends underneath `/converse`,
 *           so (c) − (a) is the SDK's price of streaming and (b) − (c) the handler's own.
 *     Three runs, several rounds each; p50/p99 of both sides, their differences and ratios, medians over rounds:
 *       - concurrency 32, the fake model answering after --model-latency-ms (default 100 ms; real Converse
 *         calls take hundreds of ms to seconds): the latency the invoker adds with 32 calls in flight;
 *       - concurrency 32 against an instant fake: the CPU is saturated, so this is a throughput run (CPU
 *         per call is the number to read; the latency difference is ~32 x the CPU difference);
 *       - concurrency 1 against an instant fake, as one Lambda execution environment serves requests; it
 *         also times, per request, the handler's time outside the SDK call.
 *     The p50 target is judged on the first and the last run. Then the handler's CPU with the SDK stubbed.
 *  2. outage (outage.ts): the primary throttles every call for --outage-seconds; client traffic through
 *     the local HTTP server; client-visible errors, primary attempts, p50/p99.
 *  3. poison (poison-requests.ts): unserialisable and mistyped bodies among valid traffic, production
 *     breaker: valid requests refused (target 0), poison requests answered 400, clean vs mixed p50/p99.
 *  4. rolling (rolling-faults.ts): faults moving between the regions, one always healthy, concurrency
 *     --rolling-concurrency for --rolling-seconds, production breaker and timeouts: client-visible errors
 *     (target 0; mid-stream error events counted apart), requests, p50/p99, per phase and in total.
 *  5. long-answer (long-answer.ts): a primary whose answer takes twice the attempt timeout: served by it
 *     with one upstream call per request, no failover, no Errors metric.
 *  6. slow-primary (slow-primary.ts): primary 2 s to first token, secondary fast, without and with
 *     hedging: p50/p99 side by side and the hedge share.
 *  7. serve (serve-overhead.ts): direct ConverseCommand vs POST /converse through the local server
 *     (`npm run serve`), at --concurrency with the fake model answering after --model-latency-ms, --rounds
 *     rounds of --requests calls per side: the p50 difference (target ≤ 2 ms); beside them direct
 *     ConverseStreamCommand, which splits the difference into the SDK's streaming and the local server's own.
 *
 * Metrics are disabled (POWERTOOLS_METRICS_DISABLED=true) and logs silenced, except in the handler-CPU run
 * that measures what they cost and in runs 5 and 6, which read the metrics' EMF records.
 *
 *   npx projen bench -- [--requests 2000] [--rounds 5] [--concurrency 32] [--model-latency-ms 100] [--outage-seconds 30]
 *                       [--rolling-seconds 60] [--runs poison,rolling] ...
 *   npx projen bench -- --help
 */
import { handlerCpu } from './bench/handler-cpu';
import { longAnswer } from './bench/long-answer';
import { outage } from './bench/outage';
import { overhead, scenarios } from './bench/overhead';
import { poisonRequests } from './bench/poison-requests';
import { rollingFaults } from './bench/rolling-faults';
import { RollingFault, ROLLING_FAULTS } from './bench/schedules';
import { serveOverhead } from './bench/serve-overhead';
import { slowPrimary } from './bench/slow-primary';
import { startFakeBedrockProcess } from '../dev/fake-bedrock/fake-bedrock-process';
import { isolateEnvironment } from '../dev/fake-bedrock/offline-environment';
import { CliIo, parseCommandLine, PROCESS_IO } from '../lib/shared/command-line';

/** The bench's runs, in the order they run. */
export const BENCH_RUNS = ['overhead', 'outage', 'poison', 'rolling', 'long-answer', 'slow-primary', 'serve'] as const;
/** One of {@link BENCH_RUNS}. */
export type BenchRun = (typeof BENCH_RUNS)[number];

const USAGE = `Usage: npx projen bench -- [options]

Invoker benchmark on loopback (bounded, stops by itself): the overhead the handler adds to a Converse call
against a fake Bedrock in a child process, the handler's CPU per request, an outage of the primary,
poison requests among valid traffic, faults rolling between the regions, a long answer, and a slow
primary without and with hedging.

  --runs LIST                 runs to do, comma-separated (default all: ${BENCH_RUNS.join(',')})
  --requests N                Converse calls per side per round (default 2000, at most 100000)
  --rounds N                  rounds of each overhead run and of the serve run (default 5, at most 50)
  --concurrency N             calls in flight (default 32, at most 256); also of the poison, long-answer, slow-primary and serve runs
  --model-latency-ms N        delay of the fake model's answers in the first overhead run and the serve run, ms (default 100, at most 10000)
  --outage-seconds N          how long the primary throttles in the outage run (default 30, at most 600)
  --poison-requests N         requests per side of the poison run (default 5000, at most 100000)
  --poison-percent N          share of poison bodies among them, % (default 2, at most 50)
  --rolling-seconds N         length of the rolling-fault run, s (default 60, at most 3600)
  --rolling-phase-seconds N   how long each region layout of faults lasts, s (default 5, at most 600)
  --rolling-concurrency N     calls in flight in the rolling-fault run (default 64, at most 256)
  --rolling-faults LIST       faults that move between the regions, comma-separated: ${ROLLING_FAULTS.join(', ')}
                              (default unavailable,throttle; hang waits out the 10 s first-token timeout)
  --long-answer-requests N    requests per route of the long-answer run (default 10, at most 1000)
  --slow-primary-requests N   requests per side of the slow-primary run (default 200, at most 10000)
  -h, --help                  this help`;

/** The bench's settings, from its command line. */
export interface BenchOptions {
  readonly runs: readonly BenchRun[];
  readonly requests: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly modelLatencyMs: number;
  readonly outageSeconds: number;
  readonly poisonRequests: number;
  readonly poisonPercent: number;
  readonly rollingSeconds: number;
  readonly rollingPhaseSeconds: number;
  readonly rollingConcurrency: number;
  readonly rollingFaults: readonly RollingFault[];
  readonly longAnswerRequests: number;
  readonly slowPrimaryRequests: number;
}

/**
 * Parses the bench's command line: `--help` prints the usage, an unknown option prints what is wrong
 * and the usage.
 *
 * @returns the settings, or the exit status to end with (0 after `--help`, 2 for an unknown option)
 * @throws naming the option, when a value is not a number in its range or not one of its choices (the bench then exits 1)
 */
export function parseBenchArgs(argv: readonly string[], io: CliIo = PROCESS_IO): BenchOptions | number {
  const values = parseCommandLine({ name: 'bench', usage: USAGE, io }, argv, {
    'runs': { type: 'string' },
    'requests': { type: 'string' },
    'rounds': { type: 'string' },
    'concurrency': { type: 'string' },
    'model-latency-ms': { type: 'string' },
    'outage-seconds': { type: 'string' },
    'poison-requests': { type: 'string' },
    'poison-percent': { type: 'string' },
    'rolling-seconds': { type: 'string' },
    'rolling-phase-seconds': { type: 'string' },
    'rolling-concurrency': { type: 'string' },
    'rolling-faults': { type: 'string' },
    'long-answer-requests': { type: 'string' },
    'slow-primary-requests': { type: 'string' },
  });
  if (typeof values === 'number') {
    return values;
  }
  const flag = (name: keyof typeof values, fallback: number, max: number): number => {
    const given = values[name];
    const value = given !== undefined ? Number(given) : fallback;
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      throw new Error(`--${name} must be a number in (0, ${max}]`);
    }
    return value;
  };
  const list = <T extends string>(name: keyof typeof values, choices: readonly T[], fallback: readonly T[]): T[] => {
    const given = values[name];
    if (given === undefined) {
      return [...fallback];
    }
    const items = given.split(',').map((item) => item.trim());
    const wrong = items.filter((item) => !(choices as readonly string[]).includes(item));
    if (items.length === 0 || wrong.length > 0 || new Set(items).size !== items.length) {
      throw new Error(`--${name} must be a comma-separated list of distinct values among ${choices.join(', ')}; got '${given}'`);
    }
    return items as T[];
  };
  return {
    runs: list('runs', BENCH_RUNS, BENCH_RUNS),
    requests: flag('requests', 2000, 100_000),
    rounds: flag('rounds', 5, 50),
    concurrency: flag('concurrency', 32, 256),
    modelLatencyMs: flag('model-latency-ms', 100, 10_000),
    outageSeconds: flag('outage-seconds', 30, 600),
    poisonRequests: flag('poison-requests', 5000, 100_000),
    poisonPercent: flag('poison-percent', 2, 50),
    rollingSeconds: flag('rolling-seconds', 60, 3600),
    rollingPhaseSeconds: flag('rolling-phase-seconds', 5, 600),
    rollingConcurrency: flag('rolling-concurrency', 64, 256),
    rollingFaults: list('rolling-faults', ROLLING_FAULTS, ['unavailable', 'throttle']),
    longAnswerRequests: flag('long-answer-requests', 10, 1000),
    slowPrimaryRequests: flag('slow-primary-requests', 200, 10_000),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseBenchArgs(argv);
  if (typeof options === 'number') {
    process.exitCode = options;
    return;
  }
  const { requests, rounds, concurrency, modelLatencyMs, outageSeconds } = options;
  const selected = new Set(options.runs);
  const restoreEnvironment = isolateEnvironment();

  const startedAt = performance.now();
  const fake = await startFakeBedrockProcess();
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = fake.url;
  try {
    if (selected.has('overhead')) {
      console.log('# 1. Invoker overhead: direct ConverseCommand vs handleRequest (in process, collecting sink), same SDK client config,');
      console.log(`#    fake Bedrock in child process ${fake.pid} at ${fake.url}; metrics disabled (POWERTOOLS_METRICS_DISABLED=true), logs silent`);
      await overhead(fake, requests, rounds, scenarios(concurrency, modelLatencyMs));
      await handlerCpu(rounds, 20_000);
    }
    if (selected.has('outage')) {
      await outage(fake, concurrency, outageSeconds);
    }
    if (selected.has('poison')) {
      await poisonRequests(fake, options.poisonRequests, concurrency, options.poisonPercent);
    }
    if (selected.has('rolling')) {
      await rollingFaults(fake, {
        seconds: options.rollingSeconds,
        phaseSeconds: options.rollingPhaseSeconds,
        concurrency: options.rollingConcurrency,
        faults: options.rollingFaults,
      });
    }
    if (selected.has('long-answer')) {
      await longAnswer(options.longAnswerRequests, concurrency);
    }
    if (selected.has('slow-primary')) {
      await slowPrimary(options.slowPrimaryRequests, concurrency);
    }
    if (selected.has('serve')) {
      await serveOverhead(fake, requests, rounds, concurrency, modelLatencyMs);
    }
  } finally {
    await fake.close();
    restoreEnvironment();
  }
  console.log(`\nbench finished in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
