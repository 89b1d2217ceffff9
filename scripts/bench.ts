/**
 * Invoker benchmark (loopback only, bounded, stops by itself). The fake Bedrock runs in a CHILD process
 * (dev/fake-bedrock/fake-bedrock-process.ts), so its CPU does not queue behind the load generator's.
 *
 *  1. overhead: what the handler adds on top of the Bedrock call, as in Lambda. In this process, against
 *     the same fake, with the same SDK client configuration (the handler's own BedrockClients: HTTP/1.1
 *     NodeHttpHandler, keep-alive, maxAttempts 1):
 *       (a) direct: `ConverseCommand` straight to the fake;
 *       (b) invoker: the handler core `handleRequest` (API Gateway event → request → validation →
 *           failover walk → SDK → JSON answer) into a collecting sink: what Lambda runs, minus the Lambda
 *           runtime's own plumbing (event delivery, response streaming transport).
 *     Three runs, several rounds each; p50/p99 of both sides, their differences and ratios, medians over rounds:
 *       - concurrency 32, the fake model answering after --model-latency-ms (default 100 ms; real Converse
 *         calls take hundreds of ms to seconds): the latency the invoker adds with 32 calls in flight;
 *       - concurrency 32 against an instant fake: the CPU is saturated, so this is a throughput run (CPU
 *         per call is the number to read; the latency difference is ~32 x the CPU difference);
 *       - concurrency 1 against an instant fake, as one Lambda execution environment serves requests; it
 *         also times, per request, the handler's time outside the SDK call.
 *     The p50 target is judged on the first and the last run.
 *  2. outage: the primary throttles every call for --outage-seconds; client traffic through the local
 *     HTTP server; client-visible errors, primary attempts, p50/p99.
 *
 * Metrics are disabled (POWERTOOLS_METRICS_DISABLED=true) and logs silenced, except in the handler-CPU run
 * that measures what they cost.
 *
 *   npx projen bench -- [--requests 2000] [--rounds 5] [--concurrency 32] [--model-latency-ms 100] [--outage-seconds 30]
 *   npx projen bench -- --help
 */
import * as http from 'node:http';
/* eslint-disable import/no-extraneous-dependencies -- a dev script: it calls the SDK directly to measure the baseline */
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CollectingSink } from '../dev/collecting-sink';
import { FakeBedrockProcess, startFakeBedrockProcess } from '../dev/fake-bedrock/fake-bedrock-process';
import { faults } from '../dev/fake-bedrock/faults';
import { isolateEnvironment } from '../dev/fake-bedrock/offline-environment';
import { restProxyEvent } from '../dev/rest-proxy-event';
import { BedrockClients } from '../lambda/invoker/bedrock-clients';
import { requestFromApiGatewayEvent } from '../lambda/invoker/host/api-gateway-event';
import { LocalServer, startLocalServer } from '../lambda/invoker/host/local-server';
import { handleRequest } from '../lambda/invoker/http/handle-request';
import { createInvokerRuntime, InvokerRuntime } from '../lambda/invoker/runtime';
import { CliIo, parseCommandLine, PROCESS_IO } from '../lib/shared/command-line';
import { INVOKER_HEADERS, InvokerRuntimeConfig } from '../lib/shared/invoker-config';

const CONFIG: InvokerRuntimeConfig = {
  geography: 'eu',
  regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
  profileIds: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  deadlineMs: 20_000,
  attemptTimeoutMs: 5_000,
  firstTokenTimeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
  breakerFailureThreshold: 5,
  breakerCooldownMs: 5_000,
  backoffBaseMs: 50,
  backoffMaxMs: 1_000,
};
const MESSAGES = [{ role: 'user' as const, content: [{ text: 'Hello' }] }];
const BODY = JSON.stringify({ messages: MESSAGES });
const TARGET_OVERHEAD_P50_MS = 1;

const USAGE = `Usage: npx projen bench -- [options]

Invoker benchmark on loopback (bounded, stops by itself): the overhead the handler adds to a Converse call
against a fake Bedrock in a child process, the handler's CPU per request, and an outage of the primary.

  --requests N          Converse calls per side per round (default 2000, at most 100000)
  --rounds N            rounds of each overhead run (default 5, at most 50)
  --concurrency N       calls in flight (default 32, at most 256)
  --model-latency-ms N  delay of the fake model's answers in the first run, ms (default 100, at most 10000)
  --outage-seconds N    how long the primary throttles in the outage run (default 30, at most 600)
  -h, --help            this help`;

/** The bench's settings, from its command line. */
export interface BenchOptions {
  readonly requests: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly modelLatencyMs: number;
  readonly outageSeconds: number;
}

/**
 * Parses the bench's command line: `--help` prints the usage, an unknown option prints what is wrong
 * and the usage.
 *
 * @returns the settings, or the exit status to end with (0 after `--help`, 2 for an unknown option)
 * @throws naming the option, when a value is not a number in its range (the bench then exits 1)
 */
export function parseBenchArgs(argv: readonly string[], io: CliIo = PROCESS_IO): BenchOptions | number {
  const values = parseCommandLine({ name: 'bench', usage: USAGE, io }, argv, {
    'requests': { type: 'string' },
    'rounds': { type: 'string' },
    'concurrency': { type: 'string' },
    'model-latency-ms': { type: 'string' },
    'outage-seconds': { type: 'string' },
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
  return {
    requests: flag('requests', 2000, 100_000),
    rounds: flag('rounds', 5, 50),
    concurrency: flag('concurrency', 32, 256),
    modelLatencyMs: flag('model-latency-ms', 100, 10_000),
    outageSeconds: flag('outage-seconds', 30, 600),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;
const signedMs = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;
const ratio = (value: number): string => `${value.toFixed(3)}x`;
const signedUs = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(0)} us`;

/** Result of one {@link load} run. */
interface LoadResult {
  /** Sorted latencies, ms. */
  readonly latencies: number[];
  readonly errors: number;
  /** CPU time of this (bench) process per call, microseconds (the fake runs in its own process). */
  readonly cpuUsPerCall: number;
}

/** Runs `total` calls of `call` with `concurrency` workers; returns sorted latencies (ms), errors and CPU per call. */
async function load(total: number, concurrency: number, call: () => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      const started = performance.now();
      const ok = await call().catch(() => false);
      latencies.push(performance.now() - started);
      if (!ok) {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies: latencies.sort((a, b) => a - b), errors, cpuUsPerCall: (cpu.user + cpu.system) / total };
}

/**
 * Wraps `client.send` to time the SDK call. Only meaningful at concurrency 1, where the one call in
 * flight belongs to the one request in flight.
 */
function timeSdkCalls(client: BedrockRuntimeClient, record: (ms: number) => void): BedrockRuntimeClient {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  client.send = ((...args: unknown[]) => {
    const started = performance.now();
    const settle = (): void => record(performance.now() - started);
    const result = send(...args);
    result.then(settle, settle);
    return result;
  }) as typeof client.send;
  return client;
}

interface Row {
  directP50: number;
  directP99: number;
  invokerP50: number;
  invokerP99: number;
  directCpuUs: number;
  invokerCpuUs: number;
  errors: number;
}

/** One overhead measurement: how many calls are in flight, and how long the fake model takes to answer. */
interface Scenario {
  readonly concurrency: number;
  /** Delay of every fake Bedrock answer, ms (0 = answer at once). */
  readonly modelLatencyMs: number;
  /** What the run shows, printed with its results. */
  readonly meaning: string;
  /** Whether the p50 target is judged on this run. */
  readonly judged: boolean;
}

/** The overhead runs: latency-bound at concurrency 32 (judged), CPU-bound at concurrency 32, and one at a time (judged). */
function scenarios(concurrency: number, modelLatencyMs: number): Scenario[] {
  const runs: Scenario[] = [];
  if (concurrency > 1) {
    runs.push({
      concurrency,
      modelLatencyMs,
      judged: true,
      meaning: `the fake model answers after ${modelLatencyMs} ms (real Converse calls take hundreds of ms to seconds), so `
        + `${concurrency} calls in flight leave the CPU partly idle and the difference is what the invoker adds to each call`,
    });
    runs.push({
      concurrency,
      modelLatencyMs: 0,
      judged: false,
      meaning: `the fake answers at once, so ${concurrency} calls in flight saturate this process's CPU: every call queues behind`
        + ` the others' CPU work and the p50 difference is about ${concurrency} x the CPU difference per call. This is a throughput`
        + ' measurement (read the CPU per call); the latency target is judged on the run above',
    });
  }
  runs.push({
    concurrency: 1,
    modelLatencyMs: 0,
    judged: true,
    meaning: 'one request at a time against an instant fake, as one Lambda execution environment serves them: the whole difference is handler time',
  });
  return runs;
}

async function overhead(fake: FakeBedrockProcess, requests: number, rounds: number, runs: readonly Scenario[]): Promise<void> {
  const direct = new BedrockClients({ connectionTimeoutMs: Math.min(CONFIG.attemptTimeoutMs, 3_000) });
  let lastSdkMs = 0;
  const runtime: InvokerRuntime = createInvokerRuntime({
    configJson: JSON.stringify(CONFIG),
    functionRegion: 'eu-west-1',
    instrumentClient: (client) => timeSdkCalls(client, (value) => {
      lastSdkMs = value;
    }),
  });
  const event = restProxyEvent('POST', '/converse', BODY);
  const directClient = direct.clientFor(CONFIG.regionPlan[0]);
  const directCall = async (): Promise<boolean> => {
    const output = await directClient.send(new ConverseCommand({ modelId: CONFIG.profileIds[0], messages: MESSAGES }));
    return output.$metadata.httpStatusCode === 200;
  };
  const invokerCall = async (): Promise<boolean> => {
    const sink = new CollectingSink();
    await handleRequest(requestFromApiGatewayEvent(event), sink, runtime);
    return sink.statusCode === 200;
  };
  /** Handler time outside the SDK call, per request (concurrency 1 only). */
  const outsideSdk: number[] = [];
  const invokerCallTimed = async (): Promise<boolean> => {
    const started = performance.now();
    const ok = await invokerCall();
    outsideSdk.push(performance.now() - started - lastSdkMs);
    return ok;
  };

  // Sanity check and warm-up (JIT, sockets) of both sides.
  const check = new CollectingSink();
  await handleRequest(requestFromApiGatewayEvent(event), check, runtime);
  const answer = JSON.parse(check.text()) as { output?: { message?: { content?: Array<{ text?: string }> } } };
  if (check.statusCode !== 200 || check.headers[INVOKER_HEADERS.servedRegion] !== 'eu-west-1' || answer.output?.message?.content?.[0]?.text !== 'hello from eu-west-1') {
    throw new Error(`sanity check failed: ${check.statusCode} ${check.text()}`);
  }
  for (const concurrency of new Set(runs.map((run) => run.concurrency))) {
    await load(500, concurrency, directCall);
    await load(500, concurrency, invokerCall);
  }

  for (const run of runs) {
    const { concurrency, modelLatencyMs } = run;
    const latencyNote = modelLatencyMs > 0 ? `fake model latency ${modelLatencyMs} ms` : 'instant fake';
    console.log(`\n## concurrency ${concurrency}, ${latencyNote}: ${requests} Converse calls per side per round, ${rounds} rounds (sides alternate which goes first)`);
    const injectLatency = async (): Promise<void> => {
      await fake.reset();
      if (modelLatencyMs > 0) {
        await fake.inject(CONFIG.regionPlan[0], faults.slow(modelLatencyMs));
      }
    };
    const rows: Row[] = [];
    const outsideSdkP50s: number[] = [];
    const outsideSdkP99s: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      outsideSdk.length = 0;
      await injectLatency();
      const invokerSide = concurrency === 1 ? invokerCallTimed : invokerCall;
      let sdk: LoadResult;
      let invoker: LoadResult;
      if (round % 2 === 1) {
        sdk = await load(requests, concurrency, directCall);
        invoker = await load(requests, concurrency, invokerSide);
      } else {
        invoker = await load(requests, concurrency, invokerSide);
        sdk = await load(requests, concurrency, directCall);
      }
      const row: Row = {
        directP50: percentile(sdk.latencies, 50),
        directP99: percentile(sdk.latencies, 99),
        invokerP50: percentile(invoker.latencies, 50),
        invokerP99: percentile(invoker.latencies, 99),
        directCpuUs: sdk.cpuUsPerCall,
        invokerCpuUs: invoker.cpuUsPerCall,
        errors: sdk.errors + invoker.errors,
      };
      rows.push(row);
      let spans = '';
      if (concurrency === 1) {
        const sorted = [...outsideSdk].sort((a, b) => a - b);
        outsideSdkP50s.push(percentile(sorted, 50));
        outsideSdkP99s.push(percentile(sorted, 99));
        spans = ` | handler outside SDK call p50 ${ms(percentile(sorted, 50))} p99 ${ms(percentile(sorted, 99))}`;
      }
      console.log(`round ${round}: direct p50 ${ms(row.directP50)} p99 ${ms(row.directP99)} | invoker p50 ${ms(row.invokerP50)} p99 ${ms(row.invokerP99)}`
        + ` | diff p50 ${signedMs(row.invokerP50 - row.directP50)} p99 ${signedMs(row.invokerP99 - row.directP99)}`
        + ` | ratio p50 ${ratio(row.invokerP50 / row.directP50)} p99 ${ratio(row.invokerP99 / row.directP99)}`
        + ` | cpu/call direct ${row.directCpuUs.toFixed(0)} us invoker ${row.invokerCpuUs.toFixed(0)} us | errors ${row.errors}${spans}`);
    }
    await fake.reset();
    const p50Diff = median(rows.map((row) => row.invokerP50 - row.directP50));
    console.log(`median over ${rounds} rounds (concurrency ${concurrency}, ${latencyNote}):`);
    console.log(`  direct  p50 ${ms(median(rows.map((row) => row.directP50)))}, p99 ${ms(median(rows.map((row) => row.directP99)))}`);
    console.log(`  invoker p50 ${ms(median(rows.map((row) => row.invokerP50)))}, p99 ${ms(median(rows.map((row) => row.invokerP99)))}`);
    console.log(`  overhead p50 ${signedMs(p50Diff)} (ratio ${ratio(median(rows.map((row) => row.invokerP50 / row.directP50)))}),`
      + ` p99 ${signedMs(median(rows.map((row) => row.invokerP99 - row.directP99)))} (ratio ${ratio(median(rows.map((row) => row.invokerP99 / row.directP99)))})`);
    const directCpu = median(rows.map((row) => row.directCpuUs));
    const invokerCpu = median(rows.map((row) => row.invokerCpuUs));
    console.log(`  bench-process CPU per call: direct ${directCpu.toFixed(0)} us, invoker ${invokerCpu.toFixed(0)} us (${signedUs(invokerCpu - directCpu)})`);
    if (concurrency === 1) {
      console.log(`  handler time outside the SDK call: p50 ${ms(median(outsideSdkP50s))}, p99 ${ms(median(outsideSdkP99s))}`);
    }
    console.log(`  (${run.meaning})`);
    const verdict = run.judged ? (p50Diff <= TARGET_OVERHEAD_P50_MS ? 'MET' : 'MISSED') : 'not judged on this run';
    console.log(`  errors ${rows.reduce((sum, row) => sum + row.errors, 0)}; target overhead <= ${TARGET_OVERHEAD_P50_MS} ms at p50: ${verdict}`);
  }
  runtime.clients.destroy();
  direct.destroy();
}

/** A Converse output as the SDK resolves it (what the fake answers). */
const CANNED_OUTPUT = {
  $metadata: { httpStatusCode: 200, requestId: '00000000-0000-4000-8000-000000000001', attempts: 1, totalRetryDelay: 0 },
  output: { message: { role: 'assistant', content: [{ text: 'hello from eu-west-1' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 },
  metrics: { latencyMs: 5 },
};

/**
 * The handler's own CPU per request, without any network: `handleRequest` with every region's client
 * replaced by a stub whose `send` resolves a canned Converse output, one request at a time. Twice: as
 * the rest of the bench runs it (metrics disabled, logs silent), and as Lambda runs it (an EMF metrics
 * record and an INFO log line per request), with this process's stdout discarded while it is timed so
 * the records are built and formatted but not printed.
 */
async function handlerCpu(rounds: number, perRound: number): Promise<void> {
  console.log(`\n## handler CPU per request, SDK stubbed (send resolves a canned Converse output; no network), ${perRound} requests x ${rounds} rounds, one at a time`);
  const stub = { send: (_command: unknown, _options?: unknown): Promise<unknown> => Promise.resolve(CANNED_OUTPUT) };
  const stubbedRuntime = (): InvokerRuntime => ({
    ...createInvokerRuntime({ configJson: JSON.stringify(CONFIG), functionRegion: 'eu-west-1' }),
    clients: { clientFor: () => stub, destroy: () => undefined } as unknown as BedrockClients,
  });
  const quiet = stubbedRuntime();
  const lambdaLike = withEnvironment({ POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'INFO' }, stubbedRuntime);
  const event = restProxyEvent('POST', '/converse', BODY);
  const timed = async (call: () => Promise<unknown>, discardStdout: boolean): Promise<{ cpuUs: number; wallUs: number }> => {
    const write = process.stdout.write;
    if (discardStdout) {
      process.stdout.write = (() => true) as typeof process.stdout.write;
    }
    try {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < perRound; index++) {
        await call();
      }
      const cpu = process.cpuUsage(cpuBefore);
      return { cpuUs: (cpu.user + cpu.system) / perRound, wallUs: ((performance.now() - started) * 1000) / perRound };
    } finally {
      process.stdout.write = write;
    }
  };
  const viaHandler = (runtime: InvokerRuntime) => async (): Promise<void> => {
    const sink = new CollectingSink();
    await handleRequest(requestFromApiGatewayEvent(event), sink, runtime);
    if (sink.statusCode !== 200) {
      throw new Error(`stubbed handler answered ${sink.statusCode}: ${sink.text()}`);
    }
  };
  const variants = [
    { name: 'metrics disabled, logs silent', call: viaHandler(quiet), discardStdout: false },
    { name: 'metrics (EMF) and INFO logs on, stdout discarded', call: viaHandler(lambdaLike), discardStdout: true },
  ];
  for (const variant of variants) {
    await timed(variant.call, variant.discardStdout);
  }
  const added = new Map<string, { cpus: number[]; walls: number[] }>(variants.map((variant) => [variant.name, { cpus: [], walls: [] }]));
  for (let round = 1; round <= rounds; round++) {
    const alone = await timed(() => stub.send(undefined), false);
    const parts: string[] = [];
    for (const variant of variants) {
      const handler = await timed(variant.call, variant.discardStdout);
      added.get(variant.name)!.cpus.push(handler.cpuUs - alone.cpuUs);
      added.get(variant.name)!.walls.push(handler.wallUs - alone.wallUs);
      parts.push(`${variant.name}: ${handler.cpuUs.toFixed(1)} us CPU, ${handler.wallUs.toFixed(1)} us wall`);
    }
    console.log(`round ${round}: ${parts.join(' | ')} | stub alone ${alone.cpuUs.toFixed(1)} us CPU`);
  }
  for (const [name, { cpus, walls }] of added) {
    console.log(`median (${name}): the handler adds ${median(cpus).toFixed(1)} us CPU, ${median(walls).toFixed(1)} us wall per request`);
  }
}

/** Runs `create` with `overrides` in process.env (the Powertools utilities read their settings when constructed). */
function withEnvironment<T>(overrides: Readonly<Record<string, string>>, create: () => T): T {
  const saved = Object.keys(overrides).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, overrides);
  try {
    return create();
  } finally {
    // Key by key: replacing process.env with a plain object would make every later env read cheaper.
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function postConverse(baseUrl: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/converse`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
    });
    request.on('error', reject);
    request.end(BODY);
  });
}

async function outage(fake: FakeBedrockProcess, concurrency: number, outageSeconds: number): Promise<void> {
  console.log(`\n# 2. Outage: the primary (eu-west-1) throttles every call for ${outageSeconds} s, concurrency ${concurrency}, clients through the local HTTP server`);
  let server: LocalServer | undefined;
  try {
    server = await startLocalServer({ port: 0, config: CONFIG, endpoint: fake.url });
    const url = server.url;
    await fake.reset();
    await fake.inject('eu-west-1', faults.throttle());
    const latencies: number[] = [];
    let clientErrors = 0;
    let served = 0;
    const until = performance.now() + outageSeconds * 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const ok = await postConverse(url).catch(() => false);
        latencies.push(performance.now() - started);
        if (ok) {
          served += 1;
        } else {
          clientErrors += 1;
        }
      }
    }));
    latencies.sort((a, b) => a - b);
    const stats = await fake.stats();
    const primaryAttempts = stats.callsByRegion['eu-west-1'] ?? 0;
    console.log(`requests ${served + clientErrors}, client-visible errors ${clientErrors}, primary attempts ${primaryAttempts}`
      + ` (breaker opens after ${CONFIG.breakerFailureThreshold}, probes every ${CONFIG.breakerCooldownMs / 1000} s),`
      + ` calls by region ${JSON.stringify(stats.callsByRegion)}`);
    console.log(`p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))} (target: 0 client-visible errors)`);
  } finally {
    agent.destroy();
    await server?.close();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseBenchArgs(argv);
  if (typeof options === 'number') {
    process.exitCode = options;
    return;
  }
  const { requests, rounds, concurrency, modelLatencyMs, outageSeconds } = options;
  const restoreEnvironment = isolateEnvironment();

  const startedAt = performance.now();
  const fake = await startFakeBedrockProcess();
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = fake.url;
  try {
    console.log('# 1. Invoker overhead: direct ConverseCommand vs handleRequest (in process, collecting sink), same SDK client config,');
    console.log(`#    fake Bedrock in child process ${fake.pid} at ${fake.url}; metrics disabled (POWERTOOLS_METRICS_DISABLED=true), logs silent`);
    await overhead(fake, requests, rounds, scenarios(concurrency, modelLatencyMs));
    await handlerCpu(rounds, 20_000);
    await outage(fake, concurrency, outageSeconds);
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
