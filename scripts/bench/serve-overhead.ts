/**
 * Local-server overhead run: what `npm run serve` (the handler behind the local HTTP server, as a
 * developer or a container would run it) adds on top of a direct SDK call. In this process, against the
 * same fake: (a) direct `ConverseCommand`, the baseline the target is judged against; (b) `POST /converse`
 * to the local server (in this process) over keep-alive HTTP/1.1 connections from a load generator in a
 * child process (as a real client is another process: its CPU must not queue behind the server's), answer
 * read whole; (c) direct `ConverseStreamCommand` read to the end, what the handler sends underneath
 * `/converse`: (c) − (a) is the SDK's price of streaming, (b) − (c) the local server's own. See scripts/bench.ts.
 */
import { directCalls } from './direct-calls';
import { startHttpLoadProcess } from './http-load-process';
import { inRotation, load, LoadResult } from './load';
import { BODY, CONFIG } from './settings';
import { median, ms, percentile, ratio, signedMs, signedUs } from './stats';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { faults } from '../../dev/fake-bedrock/faults';
import { LocalServer, startLocalServer } from '../../lambda/invoker/host/local-server';

/** The target for the local server: p50 within 2 ms of a direct SDK call (`ConverseCommand`). */
const TARGET_SERVE_OVERHEAD_P50_MS = 2;

/** One round's p50s and CPU per call (this process's) of the three sides. */
interface Row {
  readonly directP50: number;
  readonly serverP50: number;
  readonly streamP50: number;
  readonly directCpuUs: number;
  readonly serverCpuUs: number;
  readonly streamCpuUs: number;
}

/**
 * `rounds` rounds of `requests` calls per side at `concurrency` (direct Converse, the local server, direct
 * ConverseStream, one after another, the side that goes first rotating each round), the fake model
 * answering after `modelLatencyMs`; prints each round and the medians over rounds, and the verdict on the target.
 */
export async function serveOverhead(fake: FakeBedrockProcess, requests: number, rounds: number, concurrency: number,
  modelLatencyMs: number): Promise<void> {
  console.log('\n# 7. Local-server overhead: direct ConverseCommand vs POST /converse through the local server (npm run serve)'
    + ' vs direct ConverseStreamCommand (what the local server sends underneath),'
    + ` concurrency ${concurrency}, fake model latency ${modelLatencyMs} ms, ${requests} calls per side per round, ${rounds} rounds`);
  const direct = directCalls();
  let server: LocalServer | undefined;
  const clients = startHttpLoadProcess();
  try {
    server = await startLocalServer({ port: 0, config: CONFIG, endpoint: fake.url });
    const url = server.url;
    /** The server's CPU per call is this process's: the client's is in the child. */
    const serverRun = async (): Promise<LoadResult> => {
      const cpuBefore = process.cpuUsage();
      const result = await clients.run(url, '/converse', BODY, requests, concurrency);
      const cpu = process.cpuUsage(cpuBefore);
      return { ...result, cpuUsPerCall: (cpu.user + cpu.system) / requests };
    };
    await fake.reset();
    await load(500, concurrency, direct.converse);
    await load(500, concurrency, direct.converseStream);
    await clients.run(url, '/converse', BODY, 500, concurrency);
    await fake.inject(CONFIG.regionPlan[0], faults.slow(modelLatencyMs));
    const rows: Row[] = [];
    let errors = 0;
    for (let round = 1; round <= rounds; round++) {
      const [directSide, serverSide, streamSide] = await inRotation([
        () => load(requests, concurrency, direct.converse),
        serverRun,
        () => load(requests, concurrency, direct.converseStream),
      ], round);
      const row: Row = {
        directP50: percentile(directSide.latencies, 50),
        serverP50: percentile(serverSide.latencies, 50),
        streamP50: percentile(streamSide.latencies, 50),
        directCpuUs: directSide.cpuUsPerCall,
        serverCpuUs: serverSide.cpuUsPerCall,
        streamCpuUs: streamSide.cpuUsPerCall,
      };
      rows.push(row);
      errors += directSide.errors + serverSide.errors + streamSide.errors;
      console.log(`round ${round}: direct p50 ${ms(row.directP50)} p99 ${ms(percentile(directSide.latencies, 99))}`
        + ` | local server p50 ${ms(row.serverP50)} p99 ${ms(percentile(serverSide.latencies, 99))}`
        + ` | diff p50 ${signedMs(row.serverP50 - row.directP50)} | direct stream p50 ${ms(row.streamP50)}`
        + ` | cpu/call direct ${row.directCpuUs.toFixed(0)} us, local server process ${row.serverCpuUs.toFixed(0)} us,`
        + ` direct stream ${row.streamCpuUs.toFixed(0)} us`);
    }
    const overheadP50 = median(rows.map((row) => row.serverP50 - row.directP50));
    const directP50 = median(rows.map((row) => row.directP50));
    const serverP50 = median(rows.map((row) => row.serverP50));
    console.log(`median over ${rounds} rounds: direct p50 ${ms(directP50)}, local server p50 ${ms(serverP50)},`
      + ` overhead p50 ${signedMs(overheadP50)} (ratio ${ratio(serverP50 / directP50)})`);
    const directCpu = median(rows.map((row) => row.directCpuUs));
    const serverCpu = median(rows.map((row) => row.serverCpuUs));
    const streamCpu = median(rows.map((row) => row.streamCpuUs));
    console.log(`  direct ConverseStream (what the local server sends underneath /converse), read to the end: p50 ${ms(median(rows.map((row) => row.streamP50)))},`
      + ` CPU per call ${streamCpu.toFixed(0)} us; the SDK's streaming adds ${signedMs(median(rows.map((row) => row.streamP50 - row.directP50)))} p50`
      + ` (${signedUs(streamCpu - directCpu)} CPU), the local server ${signedMs(median(rows.map((row) => row.serverP50 - row.streamP50)))} p50`
      + ` (${signedUs(serverCpu - streamCpu)} CPU)`);
    console.log(`errors ${errors}; target overhead <= ${TARGET_SERVE_OVERHEAD_P50_MS} ms at p50: ${overheadP50 <= TARGET_SERVE_OVERHEAD_P50_MS ? 'MET' : 'MISSED'}`);
  } finally {
    clients.close();
    await server?.close();
    direct.destroy();
    await fake.reset();
  }
}
