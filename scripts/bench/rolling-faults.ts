/**
 * Rolling-fault run: faults move between the three regions, one region always healthy, at high
 * concurrency through the local server with the production breaker and timeouts. While one region can
 * serve, no client may see an error (on the old code open circuits refused for the whole cool-down).
 */
import { BenchHttpClient, errorName, HttpAnswer, runLoad, Sample, sseErrorEvents } from './load';
import { FaultPhase, phaseAt, RollingFault, rollingSchedule } from './schedules';
import { BODY, PRODUCTION_DEFAULTS, REGIONS } from './settings';
import { counts, ms, percent, percentile, sortedCopy, tally } from './stats';
import type { FakeBedrockProcess } from '../../dev/fake-bedrock/fake-bedrock-process';
import { faults, Fault } from '../../dev/fake-bedrock/faults';
import { startLocalServer } from '../../lambda/invoker/host/local-server';

const FAULTS: Readonly<Record<RollingFault, () => Fault>> = {
  unavailable: faults.unavailable,
  throttle: () => faults.throttle(),
  hang: faults.hang,
};

/** Settings of the rolling-fault run. */
export interface RollingOptions {
  readonly seconds: number;
  readonly phaseSeconds: number;
  readonly concurrency: number;
  readonly faults: readonly RollingFault[];
}

/** What one request got. */
interface RollingSample {
  readonly route: string;
  readonly answer: HttpAnswer;
}

/** How one request ended, as its client saw it. */
type Outcome = { readonly kind: 'served' } | { readonly kind: 'mid-stream'; readonly detail: string } | { readonly kind: 'error'; readonly detail: string };

function outcomeOf(sample: Sample<RollingSample>): Outcome {
  if (sample.result === undefined) {
    return { kind: 'error', detail: `no answer (${(sample.error as Error | undefined)?.message ?? 'unknown'})` };
  }
  const { answer, route } = sample.result;
  if (answer.status !== 200) {
    return { kind: 'error', detail: `${answer.status} ${errorName(answer.text)}` };
  }
  const streamErrors = route === '/converse-stream' ? sseErrorEvents(answer.text) : [];
  if (streamErrors.length > 0) {
    return { kind: 'mid-stream', detail: streamErrors[0] };
  }
  return { kind: 'served' };
}

/**
 * The rolling-fault run: `concurrency` clients call /converse and /converse-stream (alternately) for
 * `seconds` while the faults of {@link rollingSchedule} move between the regions; prints every phase
 * (its healthy region, its faults, requests, errors, p50/p99, upstream calls by region) and the totals:
 * client-visible errors (target 0: a region was always healthy), mid-stream error events counted apart,
 * the seconds that saw an error, p50/p99.
 */
export async function rollingFaults(fake: FakeBedrockProcess, options: RollingOptions): Promise<void> {
  const config = PRODUCTION_DEFAULTS;
  const schedule = rollingSchedule(REGIONS, options.seconds, options.phaseSeconds, options.faults);
  console.log(`\n# 4. Rolling faults: ${options.seconds} s at concurrency ${options.concurrency} through the local server, /converse and /converse-stream alternately;`
    + ` every ${options.phaseSeconds} s the healthy region moves and the two others fail (${options.faults.join(', ')}); production breaker`
    + ` (${config.breakerFailureThreshold} failures, ${config.breakerCooldownMs / 1000} s) and timeouts (first token ${config.firstTokenTimeoutMs / 1000} s,`
    + ` attempt ${config.attemptTimeoutMs / 1000} s, deadline ${config.deadlineMs / 1000} s)`);
  const server = await startLocalServer({ port: 0, config, endpoint: fake.url });
  const client = new BenchHttpClient(server.url, options.concurrency);
  const callsPerPhase: Array<Readonly<Record<string, number>>> = [];
  try {
    await fake.reset();
    const started = performance.now();
    const driver = drivePhases(fake, schedule, started, callsPerPhase);
    const samples = await runLoad<RollingSample>({
      concurrency: options.concurrency,
      maxRequests: Number.MAX_SAFE_INTEGER,
      maxSeconds: options.seconds,
      call: async (index) => {
        const route = index % 2 === 0 ? '/converse' : '/converse-stream';
        return { route, answer: await client.post(route, BODY) };
      },
    });
    await driver;
    report(schedule, samples, callsPerPhase);
  } finally {
    await fake.reset();
    client.destroy();
    await server.close();
  }
}

/**
 * Applies each phase's faults at its start and records the upstream calls of each phase, by region (read
 * and forgotten at the next phase's start: a call arriving between the two is not counted).
 */
async function drivePhases(
  fake: FakeBedrockProcess, schedule: readonly FaultPhase[], started: number, callsPerPhase: Array<Readonly<Record<string, number>>>,
): Promise<void> {
  const sleepUntil = async (seconds: number): Promise<void> => {
    const wait = started + seconds * 1000 - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  for (const [index, phase] of schedule.entries()) {
    await sleepUntil(phase.startSeconds);
    if (index > 0) {
      callsPerPhase.push((await fake.stats()).callsByRegion);
    }
    await fake.reset();
    for (const { region, fault } of phase.faulted) {
      await fake.inject(region, FAULTS[fault]());
    }
  }
  await sleepUntil(schedule[schedule.length - 1].endSeconds);
  callsPerPhase.push((await fake.stats()).callsByRegion);
}

function report(
  schedule: readonly FaultPhase[], samples: ReadonlyArray<Sample<RollingSample>>, callsPerPhase: ReadonlyArray<Readonly<Record<string, number>>>,
): void {
  const outcomes = samples.map((sample) => ({ sample, outcome: outcomeOf(sample), phase: phaseAt(schedule, sample.startedMs / 1000) }));
  schedule.forEach((phase, index) => {
    const inPhase = outcomes.filter((entry) => entry.phase === phase);
    const errors = inPhase.filter((entry) => entry.outcome.kind === 'error').length;
    const midStream = inPhase.filter((entry) => entry.outcome.kind === 'mid-stream').length;
    const latencies = sortedCopy(inPhase.map((entry) => entry.sample.latencyMs));
    const calls = callsPerPhase[index] ?? {};
    const faultedCalls = phase.faulted.reduce((sum, { region }) => sum + (calls[region] ?? 0), 0);
    console.log(`phase ${index + 1} (${phase.startSeconds}-${phase.endSeconds} s): healthy ${phase.healthy};`
      + ` ${phase.faulted.map(({ region, fault }) => `${region} ${fault}`).join(', ')} | started ${inPhase.length}, errors ${errors}, mid-stream ${midStream},`
      + ` p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))} | upstream calls ${counts(calls)} (${faultedCalls} to faulted regions)`);
  });
  const errorDetails: Record<string, number> = {};
  const midStreamDetails: Record<string, number> = {};
  const secondsWithErrors = new Set<number>();
  for (const { sample, outcome } of outcomes) {
    if (outcome.kind === 'error') {
      tally(errorDetails, outcome.detail);
      secondsWithErrors.add(Math.floor(sample.endedMs / 1000));
    } else if (outcome.kind === 'mid-stream') {
      tally(midStreamDetails, outcome.detail);
    }
  }
  const errors = Object.values(errorDetails).reduce((sum, value) => sum + value, 0);
  const midStream = Object.values(midStreamDetails).reduce((sum, value) => sum + value, 0);
  const latencies = sortedCopy(samples.map((sample) => sample.latencyMs));
  const upstream = callsPerPhase.reduce((sum, calls) => sum + Object.values(calls).reduce((a, b) => a + b, 0), 0);
  const seconds = Math.ceil(schedule[schedule.length - 1].endSeconds);
  console.log(`total: requests ${samples.length}, client-visible errors while a region was healthy ${errors} (${counts(errorDetails)}),`
    + ` mid-stream error events ${midStream} (${counts(midStreamDetails)}), seconds with an error ${secondsWithErrors.size} of ${seconds}`);
  console.log(`p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; upstream calls ${upstream}`
    + ` (${(upstream / Math.max(1, samples.length)).toFixed(2)} per request, ${percent(errors / Math.max(1, samples.length))} errors)`
    + ' (target: 0 client-visible errors apart from honest mid-stream error events)');
}
