/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { createCanaryMetrics, DEFAULT_CANARY_SERVICE_NAME, publishRun } from './canary-metrics';
import { CanaryConfigResult, parseCanaryConfig } from './config';
import { probeRegion } from './probe';
import { CanaryMeasurements, CanaryRun, measurementsOf } from './run-outcome';
import { runTimestampMs } from './run-timestamp';
import { BedrockClients } from '../invoker/bedrock-clients';

/** What lives for the whole container: the configuration, the client, the metrics and the logger. */
export interface CanaryRuntime {
  readonly configResult: CanaryConfigResult;
  /** The function's own region (`AWS_REGION`): where a run with an unusable configuration is reported. */
  readonly functionRegion: string;
  readonly clients: BedrockClients;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Options of {@link createCanaryRuntime}; the entry point passes the environment. */
export interface CanaryRuntimeOptions {
  readonly configJson?: string;
  readonly functionRegion?: string;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
}

/** Builds the container's runtime. Never throws: an unusable configuration makes every run a failure. */
export function createCanaryRuntime(options: CanaryRuntimeOptions = {}): CanaryRuntime {
  const logger = options.logger ?? new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_CANARY_SERVICE_NAME });
  const configResult = parseCanaryConfig(options.configJson);
  if (!configResult.ok) {
    logger.error('Invalid canary configuration: every run reports a failure', { problems: configResult.problems });
  }
  const timeoutMs = configResult.ok ? configResult.config.timeoutMs : 1_000;
  return {
    configResult,
    functionRegion: configResult.ok ? configResult.config.region : options.functionRegion ?? 'unknown',
    clients: new BedrockClients({ connectionTimeoutMs: Math.min(timeoutMs, 3_000) }),
    metrics: options.metrics ?? createCanaryMetrics(),
    logger,
  };
}

/** One run's report (what the handler returns; EventBridge ignores it, tests read it). */
export interface CanaryReport extends CanaryMeasurements {
  readonly region: string;
  readonly verdict: CanaryRun['verdict'];
  readonly errorName?: string;
}

/**
 * One scheduled run: probe the region, publish the result dated by the schedule's tick, log it. Never
 * throws (a throw would only make Lambda retry a run whose minute has passed): a failure to publish is
 * logged, and the missing datapoint is itself read as a failure by the canary alarm.
 */
export async function runCanary(runtime: CanaryRuntime, event: { readonly time?: unknown } = {}): Promise<CanaryReport> {
  const { configResult, logger } = runtime;
  const run: CanaryRun = configResult.ok
    ? await probeRegion(runtime.clients, configResult.config)
    : { verdict: 'failed', errorName: 'InvalidConfiguration', message: configResult.problems.join('; ') };
  const region = configResult.ok ? configResult.config.region : runtime.functionRegion;
  const measurements = measurementsOf(run);
  try {
    publishRun(runtime.metrics, region, measurements, runTimestampMs(event.time, Date.now()));
  } catch (error) {
    logger.warn('Could not publish the canary metrics', { error: error as Error });
  }
  const details = { region, verdict: run.verdict, latencyMs: run.latencyMs, errorName: run.errorName, message: run.message };
  if (run.verdict === 'failed') {
    logger.warn('Canary failed: Bedrock did not serve this region', details);
  } else {
    logger.info('Canary answered', details);
  }
  return { region, verdict: run.verdict, errorName: run.errorName, ...measurements };
}
