/**
 * Local-server overhead run: what `npm run serve` (the handler behind the local HTTP server, as a
 * developer or a container would run it) adds on top of a direct SDK call. In this process, against the
 * same fake: (a) direct `ConverseCommand`; (b) `POST /converse` to the local server (in this process)
 * over keep-alive HTTP/1.1 connections from a load generator in a child process (as a real client is
 * another process: its CPU must not queue behind the server's), answer read whole. See scripts/bench.ts.
 */
/* eslint-disable import/no-extraneous-dependencies -- a dev script: it calls the SDK directly to measure the baseline */
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startHttpLoadProcess } from './http-load-process';
import { load, LoadResult } from './load';
import { BODY, CONFIG, MESSAGES } from './settings';
import { median, ms, percentile, ratio, signedMs } from './stats';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { faults } from '../../dev/fake-bedrock/faults';
import { BedrockClients } from '../../lambda/invoker/bedrock-clients';
import { LocalServer, startLocalServer } from '../../lambda/invoker/host/local-server';

/** The target for the local server: p50 within 2 ms of a direct SDK call. */
const TARGET_SERVE_OVERHEAD_P50_MS = 2;

/**
 * `rounds` rounds of `requests` calls per side at `concurrency`, the fake model answering after
 * `modelLatencyMs`; prints each round and the medians over rounds, and the verdict on the target.
 */
export async function serveOverhead(fake: FakeBedrockProcess, requests: number, rounds: number, concurrency: number,
  modelLatencyMs: number): Promise<void> {
  console.log('\n# 7. Local-server overhead: direct ConverseCommand vs POST /converse through the local server (npm run serve),'
    + ` concurrency ${concurrency}, fake model latency ${modelLatencyMs} ms, ${requests} calls per side per round, ${rounds} rounds`);
  const direct = new BedrockClients({ connectionTimeoutMs: Math.min(CONFIG.attemptTimeoutMs, 3_000) });
  let server: LocalServer | undefined;
  const clients = startHttpLoadProcess();
  try {
    server = await startLocalServer({ port: 0, config: CONFIG, endpoint: fake.url });
    const url = server.url;
    const directClient = direct.clientFor(CONFIG.regionPlan[0]);
    const directCall = async (): Promise<boolean> => {
      const output = await directClient.send(new ConverseCommand({ modelId: CONFIG.profileIds[0], messages: MESSAGES }));
      return output.$metadata.httpStatusCode === 200;
    };
    const directRun = (): Promise<LoadResult> => load(requests, concurrency, directCall);
    /** The server's CPU per call is this process's: the client's is in the child. */
    const serverRun = async (): Promise<LoadResult> => {
      const cpuBefore = process.cpuUsage();
      const result = await clients.run(url, '/converse', BODY, requests, concurrency);
      const cpu = process.cpuUsage(cpuBefore);
      return { ...result, cpuUsPerCall: (cpu.user + cpu.system) / requests };
    };
    await fake.reset();
    await load(500, concurrency, directCall);
    await clients.run(url, '/converse', BODY, 500, concurrency);
    await fake.inject(CONFIG.regionPlan[0], faults.slow(modelLatencyMs));
    const differences: number[] = [];
    const directP50s: number[] = [];
    const serverP50s: number[] = [];
    let errors = 0;
    for (let round = 1; round <= rounds; round++) {
      let directSide: LoadResult;
      let serverSide: LoadResult;
      if (round % 2 === 1) {
        directSide = await directRun();
        serverSide = await serverRun();
      } else {
        serverSide = await serverRun();
        directSide = await directRun();
      }
      const directP50 = percentile(directSide.latencies, 50);
      const serverP50 = percentile(serverSide.latencies, 50);
      directP50s.push(directP50);
      serverP50s.push(serverP50);
      differences.push(serverP50 - directP50);
      errors += directSide.errors + serverSide.errors;
      console.log(`round ${round}: direct p50 ${ms(directP50)} p99 ${ms(percentile(directSide.latencies, 99))}`
        + ` | local server p50 ${ms(serverP50)} p99 ${ms(percentile(serverSide.latencies, 99))}`
        + ` | diff p50 ${signedMs(serverP50 - directP50)} | cpu/call direct ${directSide.cpuUsPerCall.toFixed(0)} us,`
        + ` local server process ${serverSide.cpuUsPerCall.toFixed(0)} us`);
    }
    const overheadP50 = median(differences);
    console.log(`median over ${rounds} rounds: direct p50 ${ms(median(directP50s))}, local server p50 ${ms(median(serverP50s))},`
      + ` overhead p50 ${signedMs(overheadP50)} (ratio ${ratio(median(serverP50s) / median(directP50s))})`);
    console.log(`errors ${errors}; target overhead <= ${TARGET_SERVE_OVERHEAD_P50_MS} ms at p50: ${overheadP50 <= TARGET_SERVE_OVERHEAD_P50_MS ? 'MET' : 'MISSED'}`);
  } finally {
    clients.close();
    await server?.close();
    direct.destroy();
    await fake.reset();
  }
}
