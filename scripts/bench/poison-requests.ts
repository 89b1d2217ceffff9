/**
 * Poison-request run: a few bodies the AWS SDK cannot serialise, or with wrong types in nested fields,
 * among valid traffic, through the local server with the production breaker. Each is the client's
 * mistake: it must get a 400 naming what was wrong, reach no region, and cost nobody else anything (on
 * the old code two of them opened every circuit and every client got 503 for 30 s).
 */
import { BenchHttpClient, errorName, HttpAnswer, runLoad, Sample } from './load';
import { isPoison } from './schedules';
import { BODY, PRODUCTION_DEFAULTS } from './settings';
import { counts, ms, percentile, ratio, sortedCopy, tally } from './stats';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { startLocalServer } from '../../lambda/invoker/host/local-server';
import type { InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

const TEXT = [{ role: 'user', content: [{ text: 'Hello' }] }];

/** The poison bodies, sent in turn to /converse and /converse-stream. */
export const POISON_BODIES: ReadonlyArray<{ readonly name: string; readonly body: string }> = [
  { name: 'content $unknown', body: JSON.stringify({ messages: [{ role: 'user', content: [{ $unknown: [] }] }] }) },
  { name: 'text 5', body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 5 }] }] }) },
  { name: 'maxTokens "twenty"', body: JSON.stringify({ messages: TEXT, inferenceConfig: { maxTokens: 'twenty' } }) },
  { name: 'system $unknown', body: JSON.stringify({ messages: TEXT, system: [{ $unknown: [] }] }) },
  { name: 'toolConfig.tools $unknown', body: JSON.stringify({ messages: TEXT, toolConfig: { tools: [{ $unknown: [] }] } }) },
  { name: 'toolChoice $unknown', body: JSON.stringify({ messages: TEXT, toolConfig: { tools: [{ toolSpec: { name: 't', inputSchema: { json: {} } } }], toolChoice: { $unknown: [] } } }) },
];

/** Upper bound of one side of the run, seconds. */
const MAX_SECONDS = 120;

/** What one request of the run was and what it got. */
interface PoisonSample {
  readonly poison?: string;
  readonly route: string;
  readonly answer: HttpAnswer;
}

/** One side's outcome. */
interface SideResult {
  /** The share of poison requests (which ones: {@link isPoison}). */
  readonly share: number;
  readonly samples: ReadonlyArray<Sample<PoisonSample>>;
  readonly upstreamCalls: number;
}

/**
 * The poison-request run: `requests` requests at `concurrency` against an instant fake, first all valid
 * (the clean side), then with `poisonPercent` % poison bodies spread evenly among them (the mixed side),
 * each side on a fresh runtime with the production breaker (3 failures, 30 s). Prints, side by side,
 * the valid requests refused (target 0) and their p50/p99, and how the poison requests were answered.
 */
export async function poisonRequests(fake: FakeBedrockProcess, requests: number, concurrency: number, poisonPercent: number): Promise<void> {
  const config: InvokerRuntimeConfig = { ...PRODUCTION_DEFAULTS, deadlineMs: 20_000, attemptTimeoutMs: 5_000, firstTokenTimeoutMs: 5_000 };
  console.log(`\n# 3. Poison requests: ${requests} requests per side at concurrency ${concurrency} through the local server, instant fake,`
    + ` breaker ${config.breakerFailureThreshold} failures / ${config.breakerCooldownMs / 1000} s; clean side, then ${poisonPercent} % poison bodies`
    + ` (${POISON_BODIES.map((poison) => poison.name).join('; ')}) on /converse and /converse-stream`);
  await side(fake, config, Math.min(requests, 1000), concurrency, 0); // warm-up (JIT, sockets), not reported
  const clean = await side(fake, config, requests, concurrency, 0);
  const mixed = await side(fake, config, requests, concurrency, poisonPercent / 100);
  const isValid = (result: SideResult) => (sample: Sample<PoisonSample>): boolean => !isPoison(sample.index, result.share);
  const describe = (sample: Sample<PoisonSample>): string =>
    (sample.result === undefined ? 'no answer' : `${sample.result.answer.status} ${errorName(sample.result.answer.text)}`);
  const validLatencies = (result: SideResult): number[] => sortedCopy(result.samples.filter(isValid(result)).map((sample) => sample.latencyMs));
  for (const [name, result] of [['clean', clean], ['mixed', mixed]] as const) {
    const valid = result.samples.filter(isValid(result));
    const refused: Record<string, number> = {};
    for (const sample of valid.filter((candidate) => candidate.result?.answer.status !== 200)) {
      tally(refused, describe(sample));
    }
    const latencies = validLatencies(result);
    const poison = result.samples.length - valid.length;
    console.log(`${name}: ${result.samples.length} requests (${valid.length} valid, ${poison} poison); valid refused ${Object.values(refused).reduce((a, b) => a + b, 0)}`
      + ` (${counts(refused)}); valid p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; upstream calls ${result.upstreamCalls}`
      + ` (${result.upstreamCalls - valid.length} more than valid requests)`);
  }
  const poisoned = mixed.samples.filter((sample) => !isValid(mixed)(sample));
  const answers: Record<string, number> = {};
  for (const sample of poisoned) {
    tally(answers, `${sample.result?.poison ?? 'unknown'}: ${describe(sample)}`);
  }
  const got400 = poisoned.filter((sample) => sample.result?.answer.status === 400).length;
  const [cleanLatencies, mixedLatencies] = [validLatencies(clean), validLatencies(mixed)];
  console.log(`poison requests: ${poisoned.length}, answered 400: ${got400} (by body: ${counts(answers)})`);
  console.log(`valid requests, mixed vs clean: p50 ratio ${ratio(percentile(mixedLatencies, 50) / percentile(cleanLatencies, 50))},`
    + ` p99 ratio ${ratio(percentile(mixedLatencies, 99) / percentile(cleanLatencies, 99))}`
    + ' (target: 0 valid refused, every poison request 400, no poison request reaches a region)');
}

/** One side: `requests` requests, a `share` of them poison, on a fresh local server; what each got, and the upstream calls. */
async function side(
  fake: FakeBedrockProcess, config: InvokerRuntimeConfig, requests: number, concurrency: number, share: number,
): Promise<SideResult> {
  const server = await startLocalServer({ port: 0, config, endpoint: fake.url });
  const client = new BenchHttpClient(server.url, concurrency);
  try {
    await fake.reset();
    let poisonCount = 0;
    const samples = await runLoad<PoisonSample>({
      concurrency,
      maxRequests: requests,
      maxSeconds: MAX_SECONDS,
      call: async (index) => {
        if (!isPoison(index, share)) {
          const route = index % 2 === 0 ? '/converse' : '/converse-stream';
          return { route, answer: await client.post(route, BODY) };
        }
        const turn = poisonCount++;
        const poison = POISON_BODIES[turn % POISON_BODIES.length];
        const route = Math.floor(turn / POISON_BODIES.length) % 2 === 0 ? '/converse' : '/converse-stream';
        return { poison: poison.name, route, answer: await client.post(route, poison.body) };
      },
    });
    const stats = await fake.stats();
    return { share, samples, upstreamCalls: stats.totalCalls };
  } finally {
    client.destroy();
    await server.close();
  }
}
