/**
 * Slow-primary run: the primary takes 2 s to its first token, the secondary answers at once; the same
 * traffic without hedging and with `hedging: { minDelayMs: 200, maxShare: 0.2 }`, side by side. A slow
 * first token is not a failure (it is under the first-token timeout), so without hedging every request
 * waits for the primary; hedging may start the request in the next region after the hedge delay, for at
 * most `maxShare` of the requests.
 */
import { describeMetricSums } from './environment';
import { HttpAnswer, runLoad, Sample } from './load';
import { startMeasuredInvoker, withInProcessFake } from './measured-invoker';
import { PRODUCTION_DEFAULTS } from './settings';
import { counts, mean, ms, percent, percentile, ratio, sortedCopy, tally } from './stats';
import { callsByTag, callsPerRequest, describeCallsPerRequest, requestTag, taggedConverseBody } from './tagged-requests';
import type { FakeBedrock } from '../../dev/fake-bedrock/fake-bedrock';
import { faults } from '../../dev/fake-bedrock/faults';
import { HedgingConfig, INVOKER_HEADERS, INVOKER_METRIC_NAMES, InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** The primary's time to first token, ms. */
export const SLOW_FIRST_TOKEN_MS = 2_000;
/** The hedging of the "with hedging" side. */
export const BENCH_HEDGING: HedgingConfig = { minDelayMs: 200, maxShare: 0.2 };

const ROUTES = ['/converse', '/converse-stream'] as const;

/** What one side measured. */
interface SideResult {
  readonly name: string;
  readonly samples: ReadonlyArray<Sample<HttpAnswer>>;
  /** Share of requests that made more than one upstream call. */
  readonly hedgeShare: number;
  readonly lines: readonly string[];
}

/** Latency figures of one side for one route and one measure (whole answer, or first byte). */
interface Figures {
  readonly p10: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

function figures(values: readonly number[]): Figures {
  const sorted = sortedCopy(values);
  return { p10: percentile(sorted, 10), p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: mean(sorted) };
}

/**
 * The slow-primary run: `requests` requests per side (/converse and /converse-stream alternately, up to
 * `concurrency` at once), the primary {@link SLOW_FIRST_TOKEN_MS} ms to its first token on ConverseStream
 * (which serves both routes), production breaker and timeouts. Prints p10/p50/p99/mean per route without
 * and with hedging with their ratios, the hedge share (requests with more than one upstream call, from
 * the fake's recorded calls), the serving regions and the Hedges / HedgeWins metrics.
 */
export async function slowPrimary(requests: number, concurrency: number): Promise<void> {
  console.log(`\n# 6. Slow primary: eu-west-1 takes ${SLOW_FIRST_TOKEN_MS} ms to its first token (ConverseStream), the others answer at once;`
    + ` ${requests} requests per side (/converse and /converse-stream alternately), up to ${concurrency} at once, production breaker and timeouts,`
    + ` fake Bedrock in this process; without hedging, then with hedging ${JSON.stringify(BENCH_HEDGING)}`);
  const sides = await withInProcessFake(async (fake) => [
    await side(fake, 'without hedging', PRODUCTION_DEFAULTS, requests, concurrency),
    await side(fake, 'with hedging', { ...PRODUCTION_DEFAULTS, hedging: BENCH_HEDGING }, requests, concurrency),
  ]);
  for (const result of sides) {
    console.log(`${result.name}: hedge share ${percent(result.hedgeShare)}`);
    for (const line of result.lines) {
      console.log(`  ${line}`);
    }
  }
  const [without, withHedging] = sides;
  const measures: ReadonlyArray<readonly [string, (sample: Sample<HttpAnswer>) => number, string]> = [
    ['whole answer', (sample) => sample.latencyMs, '/converse'],
    ['whole answer', (sample) => sample.latencyMs, '/converse-stream'],
    ['first byte', (sample) => sample.result?.firstByteMs ?? sample.latencyMs, '/converse-stream'],
  ];
  for (const [measure, pick, route] of measures) {
    const of = (result: SideResult): Figures => figures(result.samples.filter((sample) => routeOf(sample) === route).map(pick));
    const a = of(without);
    const b = of(withHedging);
    console.log(`${route} ${measure}: without hedging p50 ${ms(a.p50)} p99 ${ms(a.p99)} (p10 ${ms(a.p10)}, mean ${ms(a.mean)})`
      + ` | with hedging p50 ${ms(b.p50)} p99 ${ms(b.p99)} (p10 ${ms(b.p10)}, mean ${ms(b.mean)})`
      + ` | ratio p50 ${ratio(b.p50 / a.p50)} p99 ${ratio(b.p99 / a.p99)} mean ${ratio(b.mean / a.mean)}`);
  }
  console.log(`hedge share: without ${percent(without.hedgeShare)}, with ${percent(withHedging.hedgeShare)} (budget ${percent(BENCH_HEDGING.maxShare)})`);
}

function routeOf(sample: Sample<HttpAnswer>): string {
  return ROUTES[sample.index % ROUTES.length];
}

async function side(fake: FakeBedrock, name: string, config: InvokerRuntimeConfig, requests: number, concurrency: number): Promise<SideResult> {
  fake.reset();
  fake.inject(config.regionPlan[0], faults.slowFirstEvent(SLOW_FIRST_TOKEN_MS), { operation: 'converse-stream' });
  const run = name.replace(/ /g, '-');
  const invoker = await startMeasuredInvoker(config, fake.url, concurrency);
  try {
    const samples = await runLoad({
      concurrency: Math.min(concurrency, requests),
      maxRequests: requests,
      maxSeconds: 180,
      call: (index) => invoker.client.post(ROUTES[index % ROUTES.length], taggedConverseBody(requestTag(run, index))),
    });
    const grouped = callsByTag(fake.calls);
    const tags = samples.map((sample) => requestTag(run, sample.index));
    const hedged = tags.filter((tag) => (grouped.get(tag)?.length ?? 0) > 1).length;
    const answers: Record<string, number> = {};
    for (const sample of samples) {
      tally(answers, sample.result === undefined ? 'no answer' : `${sample.result.status} from ${String(sample.result.headers[INVOKER_HEADERS.servedRegion] ?? 'none')}`);
    }
    return {
      name,
      samples,
      hedgeShare: hedged / Math.max(1, samples.length),
      lines: [
        `answers: ${counts(answers)}; upstream calls per request: ${describeCallsPerRequest(callsPerRequest(tags, grouped))}; abandoned calls ${fake.abandoned().length}`,
        `metrics: ${describeMetricSums(invoker.metrics.sums(), [INVOKER_METRIC_NAMES.hedges, INVOKER_METRIC_NAMES.hedgeWins, INVOKER_METRIC_NAMES.attempts,
          INVOKER_METRIC_NAMES.failovers, INVOKER_METRIC_NAMES.errors])}`,
      ],
    };
  } finally {
    await invoker.close();
  }
}
