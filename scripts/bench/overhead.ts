/**
 * Overhead runs: what the handler adds on top of the Bedrock call, as in Lambda. In this process,
 * against the same fake, with the same SDK client configuration (the handler's own BedrockClients:
 * HTTP/1.1 NodeHttpHandler, keep-alive, maxAttempts 1): (a) direct, `ConverseCommand` straight to the
 * fake (the baseline the target is judged against); (b) the invoker, the handler core `handleRequest`
 * into a collecting sink; (c) direct `ConverseStreamCommand` with its stream read to the end, which is
 * what the invoker sends underneath `/converse` (so that a long answer is not a failure): (c) − (a) is
 * the SDK's price of streaming, (b) − (c) the handler's own. See scripts/bench.ts.
 */
/* eslint-disable import/no-extraneous-dependencies -- a dev script: it wraps the SDK client to time its calls */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { directCalls } from './direct-calls';
import { inRotation, load } from './load';
import { BODY, CONFIG } from './settings';
import { median, ms, percentile, ratio, signedMs, signedUs } from './stats';
import { CollectingSink } from '../../dev/collecting-sink';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { faults } from '../../dev/fake-bedrock/faults';
import { restProxyEvent } from '../../dev/rest-proxy-event';
import { requestFromApiGatewayEvent } from '../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../lambda/invoker/http/handle-request';
import { createInvokerRuntime, InvokerRuntime } from '../../lambda/invoker/runtime';
import { INVOKER_HEADERS } from '../../lib/shared/invoker-config';

const TARGET_OVERHEAD_P50_MS = 1;

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
  streamP50: number;
  directCpuUs: number;
  invokerCpuUs: number;
  streamCpuUs: number;
  errors: number;
}

/** One overhead measurement: how many calls are in flight, and how long the fake model takes to answer. */
export interface Scenario {
  readonly concurrency: number;
  /** Delay of every fake Bedrock answer, ms (0 = answer at once). */
  readonly modelLatencyMs: number;
  /** What the run shows, printed with its results. */
  readonly meaning: string;
  /** Whether the p50 target is judged on this run. */
  readonly judged: boolean;
}

/** The overhead runs: latency-bound at concurrency 32 (judged), CPU-bound at concurrency 32, and one at a time (judged). */
export function scenarios(concurrency: number, modelLatencyMs: number): Scenario[] {
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
    meaning: 'one request at a time against an instant fake, as one Lambda execution environment serves them: the difference is the handler\'s time plus the SDK\'s price of streaming',
  });
  return runs;
}

/**
 * The overhead runs: per scenario, `rounds` rounds of `requests` calls per side (direct Converse, the
 * invoker, direct ConverseStream, one after another, the side that goes first rotating each round),
 * printing each round and the medians over rounds.
 */
export async function overhead(fake: FakeBedrockProcess, requests: number, rounds: number, runs: readonly Scenario[]): Promise<void> {
  const direct = directCalls();
  let lastSdkMs = 0;
  const runtime: InvokerRuntime = createInvokerRuntime({
    configJson: JSON.stringify(CONFIG),
    functionRegion: 'eu-west-1',
    instrumentClient: (client) => timeSdkCalls(client, (value) => {
      lastSdkMs = value;
    }),
  });
  const event = restProxyEvent('POST', '/converse', BODY);
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
    await load(500, concurrency, direct.converse);
    await load(500, concurrency, direct.converseStream);
    await load(500, concurrency, invokerCall);
  }

  for (const run of runs) {
    const { concurrency, modelLatencyMs } = run;
    const latencyNote = modelLatencyMs > 0 ? `fake model latency ${modelLatencyMs} ms` : 'instant fake';
    console.log(`\n## concurrency ${concurrency}, ${latencyNote}: ${requests} Converse calls per side per round, ${rounds} rounds (direct Converse, invoker, direct ConverseStream; the order rotates each round)`);
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
      const [sdk, invoker, stream] = await inRotation([
        () => load(requests, concurrency, direct.converse),
        () => load(requests, concurrency, invokerSide),
        () => load(requests, concurrency, direct.converseStream),
      ], round);
      const row: Row = {
        directP50: percentile(sdk.latencies, 50),
        directP99: percentile(sdk.latencies, 99),
        invokerP50: percentile(invoker.latencies, 50),
        invokerP99: percentile(invoker.latencies, 99),
        streamP50: percentile(stream.latencies, 50),
        directCpuUs: sdk.cpuUsPerCall,
        invokerCpuUs: invoker.cpuUsPerCall,
        streamCpuUs: stream.cpuUsPerCall,
        errors: sdk.errors + invoker.errors + stream.errors,
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
        + ` | direct stream p50 ${ms(row.streamP50)}`
        + ` | cpu/call direct ${row.directCpuUs.toFixed(0)} us invoker ${row.invokerCpuUs.toFixed(0)} us direct stream ${row.streamCpuUs.toFixed(0)} us`
        + ` | errors ${row.errors}${spans}`);
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
    const streamCpu = median(rows.map((row) => row.streamCpuUs));
    console.log(`  bench-process CPU per call: direct ${directCpu.toFixed(0)} us, invoker ${invokerCpu.toFixed(0)} us (${signedUs(invokerCpu - directCpu)})`);
    console.log(`  direct ConverseStream (what the invoker sends underneath /converse), read to the end: p50 ${ms(median(rows.map((row) => row.streamP50)))},`
      + ` CPU per call ${streamCpu.toFixed(0)} us; the SDK's streaming adds ${signedMs(median(rows.map((row) => row.streamP50 - row.directP50)))} p50`
      + ` (${signedUs(streamCpu - directCpu)} CPU), the handler ${signedMs(median(rows.map((row) => row.invokerP50 - row.streamP50)))} p50 (${signedUs(invokerCpu - streamCpu)} CPU)`);
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

