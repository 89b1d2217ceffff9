/**
 * Outage run: the primary throttles every call for a while; clients through the local HTTP server.
 * See scripts/bench.ts.
 */
import * as http from 'node:http';
import { BODY, CONFIG } from './settings';
import { ms, percentile } from './stats';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { faults } from '../../dev/fake-bedrock/faults';
import { LocalServer, startLocalServer } from '../../lambda/invoker/host/local-server';

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

/**
 * The outage run: the primary throttles every call for `outageSeconds` while `concurrency` clients call
 * /converse through the local server; prints client-visible errors, primary attempts and p50/p99.
 */
export async function outage(fake: FakeBedrockProcess, concurrency: number, outageSeconds: number): Promise<void> {
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
      + ' (throttles never open the circuit: each skips the region for its Retry-After, or 1 s, so it is probed about once a second),'
      + ` calls by region ${JSON.stringify(stats.callsByRegion)}`);
    console.log(`p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))} (target: 0 client-visible errors)`);
  } finally {
    agent.destroy();
    await server?.close();
  }
}

