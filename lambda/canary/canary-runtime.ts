/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { publishRun } from './canary-metrics';
import { CanaryConfigResult, parseCanaryConfig } from './config';
import { probeRegion } from './probe';
import { CanaryMeasurements, CanaryRun, measurementsOf } from './run-outcome';
import { runTimestampMs } from './run-timestamp';
import { BedrockClients, MAX_CONNECTION_TIMEOUT_MS } from '../invoker/bedrock-clients';
import { DrillParameterReader, OutageDrillSwitch, outageDrillSwitchOf } from '../invoker/resilience/outage-drill';
import { createPowertoolsMetrics } from '../invoker/telemetry/invoker-metrics';
import { createLogger } from '../invoker/telemetry/observability';

/** What lives for the whole container: the configuration, the client, the metrics and the logger. */
export interface CanaryRuntime {
  readonly configResult: CanaryConfigResult;
  /** The region every run reports: the configured one, or the function's own when the configuration is unusable. */
  readonly region: string;
  readonly clients: BedrockClients;
  /**
   * In the invoker's namespace, with its service name: the construct sets `POWERTOOLS_SERVICE_NAME` to the
   * measured invoker's, so the canary's records carry the invoker's dimension set [`service`, `Region`].
   */
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The region's outage-drill switch (the invoker's): while it is on, every run reports a failure. */
  readonly outageDrill: OutageDrillSwitch | undefined;
}

/** Options of {@link createCanaryRuntime}; the entry point passes the environment. */
export interface CanaryRuntimeOptions {
  readonly configJson?: string;
  /** The function's own region (`AWS_REGION`): what runs report when the configuration is unusable. */
  readonly functionRegion?: string;
  /** How the outage-drill switch is read (default: SSM through Powertools Parameters). */
  readonly readOutageDrillParameter?: DrillParameterReader;
}

/** Builds the container's runtime. Never throws: an unusable configuration makes every run a failure. */
export function createCanaryRuntime(options: CanaryRuntimeOptions = {}): CanaryRuntime {
  const logger = createLogger();
  const configResult = parseCanaryConfig(options.configJson);
  if (!configResult.ok) {
    logger.error('Invalid canary configuration: every run reports a failure', { problems: configResult.problems });
  }
  const config = configResult.ok ? configResult.config : undefined;
  return {
    configResult,
    region: config?.region ?? options.functionRegion ?? 'unknown',
    clients: new BedrockClients({ connectionTimeoutMs: Math.min(config?.timeoutMs ?? MAX_CONNECTION_TIMEOUT_MS, MAX_CONNECTION_TIMEOUT_MS) }),
    metrics: createPowertoolsMetrics(),
    logger,
    outageDrill: outageDrillSwitchOf(configResult, logger, options.readOutageDrillParameter),
  };
}

/** The `errorName` of a run the outage drill failed. */
export const OUTAGE_DRILL_RUN = 'OutageDrill';

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
  const { configResult, region, logger } = runtime;
  const run: CanaryRun = !configResult.ok
    ? { verdict: 'failed', errorName: 'InvalidConfiguration', message: configResult.problems.join('; ') }
    : runtime.outageDrill !== undefined && await runtime.outageDrill.isOn()
      // What DNS must see during a drill: the region failing, without spending a call on Bedrock.
      ? { verdict: 'failed', errorName: OUTAGE_DRILL_RUN, message: `the outage drill switch ${runtime.outageDrill.parameterName} treats Bedrock in ${region} as failing` }
      : await probeRegion(runtime.clients, configResult.config);
  const measurements = measurementsOf(run);
  try {
    publishRun(runtime.metrics, region, measurements, runTimestampMs(event.time, Date.now()));
  } catch (error) {
    logger.warn('Could not publish the canary metrics', { error: error as Error });
  }
  const details = { region, verdict: run.verdict, latencyMs: run.latencyMs, errorName: run.errorName, message: run.message };
  if (run.errorName === OUTAGE_DRILL_RUN) {
    logger.warn('Canary reports a failure: the outage drill is on in this region', { ...details, outageDrill: true });
  } else if (!configResult.ok) {
    logger.error('Canary failed on a configuration fault: its configuration is unusable, so Bedrock was not called', details);
  } else if (run.verdict === 'failed') {
    logger.warn('Canary failed: Bedrock did not serve this region', details);
  } else {
    logger.info('Canary answered', details);
  }
  return { region, verdict: run.verdict, errorName: run.errorName, ...measurements };
}
