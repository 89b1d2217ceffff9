/**
 * Long-answer run: a healthy region whose answer takes longer than the attempt timeout to finish (its
 * first event comes at once, the whole stream takes twice the attempt timeout). A long answer is not a
 * failure: the region must serve it with one upstream call, no failover and no `Errors` metric (which
 * feeds the DNS health checks). On the old code /converse abandoned it at the attempt timeout, re-ran it
 * in the next region and counted an error.
 */
import { describeMetricSums } from './environment';
import { runLoad } from './load';
import { startMeasuredInvoker, withInProcessFake } from './measured-invoker';
import { PRODUCTION_DEFAULTS } from './settings';
import { counts, ms, percentile, ratio, sortedCopy, tally } from './stats';
import { callsByTag, callsPerRequest, describeCallsPerRequest, requestTag, taggedConverseBody, taggedInvokeBody } from './tagged-requests';
import { faults } from '../../dev/fake-bedrock/faults';
import { INVOKER_HEADERS, INVOKER_METRIC_NAMES, InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** Production breaker, with timeouts scaled down so that the run takes seconds: first token 0.8 s, attempt 1.5 s, deadline 10 s. */
const CONFIG: InvokerRuntimeConfig = { ...PRODUCTION_DEFAULTS, deadlineMs: 10_000, attemptTimeoutMs: 1_500, firstTokenTimeoutMs: 800 };
/** Between stream events; under the first-token timeout, which also bounds the silence between events. */
const INTER_EVENT_MS = 600;
/** Events of the fake's default stream (messageStart, two text deltas, contentBlockStop, messageStop, metadata). */
const STREAM_EVENTS = 6;
/** How long the fake's stream lasts: the first event at once, each further one and the end of the body one gap later. */
const STREAM_MS = INTER_EVENT_MS * STREAM_EVENTS;
/** How long the fake takes to answer InvokeModel: until its last stream event would have been sent. */
const INVOKE_MS = INTER_EVENT_MS * (STREAM_EVENTS - 1);

const ROUTES = [
  { path: '/converse', body: taggedConverseBody, generationMs: STREAM_MS, note: 'served through ConverseStream' },
  { path: '/converse-stream', body: taggedConverseBody, generationMs: STREAM_MS, note: 'streamed to the client' },
  { path: '/invoke', body: taggedInvokeBody, generationMs: INVOKE_MS, note: 'InvokeModel, bounded by the request deadline' },
] as const;

/**
 * The long-answer run: per route, `requests` requests (up to `concurrency` at once) to a primary whose
 * answer takes {@link STREAM_MS} ms (InvokeModel {@link INVOKE_MS} ms), twice the attempt timeout or more; prints, per route, the serving
 * regions, upstream calls per request (from the fake's recorded calls), calls abandoned, the `Errors`,
 * `Failovers` and `Attempts` metrics, and p50/p99 beside the generation time.
 */
export async function longAnswer(requests: number, concurrency: number): Promise<void> {
  console.log(`\n# 5. Long answer: the primary streams every answer over ${STREAM_MS} ms (first event at once, then one every ${INTER_EVENT_MS} ms;`
    + ` InvokeModel answers after ${INVOKE_MS} ms);`
    + ` attempt timeout ${CONFIG.attemptTimeoutMs} ms, first-token timeout ${CONFIG.firstTokenTimeoutMs} ms, deadline ${CONFIG.deadlineMs} ms;`
    + ` ${requests} requests per route, up to ${concurrency} at once, fake Bedrock in this process`);
  await withInProcessFake(async (fake) => {
    for (const route of ROUTES) {
      fake.reset();
      fake.inject(CONFIG.regionPlan[0], faults.slowStream(INTER_EVENT_MS));
      const invoker = await startMeasuredInvoker(CONFIG, fake.url, concurrency);
      try {
        const run = route.path.slice(1);
        const samples = await runLoad({
          concurrency: Math.min(concurrency, requests),
          maxRequests: requests,
          maxSeconds: 120,
          call: (index) => invoker.client.post(route.path, route.body(requestTag(run, index))),
        });
        const tags = samples.map((sample) => requestTag(run, sample.index));
        const answers: Record<string, number> = {};
        for (const sample of samples) {
          const answer = sample.result;
          tally(answers, answer === undefined ? 'no answer' : `${answer.status} from ${String(answer.headers[INVOKER_HEADERS.servedRegion] ?? 'none')}`
            + ` in ${String(answer.headers[INVOKER_HEADERS.attempts] ?? '?')} attempt(s)`);
        }
        const latencies = sortedCopy(samples.map((sample) => sample.latencyMs));
        const sums = invoker.metrics.sums();
        console.log(`${route.path} (${route.note}): ${counts(answers)}; upstream calls per request: ${describeCallsPerRequest(callsPerRequest(tags, callsByTag(fake.calls)))};`
          + ` abandoned calls ${fake.abandoned().length}`);
        console.log(`  metrics: ${describeMetricSums(sums, [INVOKER_METRIC_NAMES.errors, INVOKER_METRIC_NAMES.failovers, INVOKER_METRIC_NAMES.attempts, INVOKER_METRIC_NAMES.requests])}`);
        console.log(`  p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; p50 / generation time (${route.generationMs} ms) ${ratio(percentile(latencies, 50) / route.generationMs)},`
          + ` p50 / attempt timeout ${ratio(percentile(latencies, 50) / CONFIG.attemptTimeoutMs)}`);
      } finally {
        await invoker.close();
      }
    }
  });
  console.log('(target: every request 200 from eu-west-1 in 1 attempt, 1 upstream call per request, 0 abandoned, Errors 0, Failovers 0)');
}
