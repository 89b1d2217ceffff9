/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE } from '../../../lib/shared/invoker-config';

/** Dimension value used for client errors answered before any region was called (bad input). */
export const NO_REGION = 'none';

/** What the serving region did for one request. */
export interface ServedMeasurements {
  /** From API Gateway's receipt of the request (when the event says; else the handler's start) to the answer. */
  readonly latencyMs: number;
  /** True when a region other than regionPlan[0] served the request. */
  readonly bySecondary: boolean;
  readonly timeToFirstTokenMs?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** True when a hedged attempt (started because the first region was slow to its first token) served. */
  readonly byHedge?: boolean;
}

/** How one Bedrock call to a region ended. */
export interface AttemptOutcome {
  /** It failed with a failover-class error (the request moved on). */
  readonly failover: boolean;
  readonly throttle: boolean;
  /** The failure counts against the region (its `Errors` metric, which the DNS health checks read). */
  readonly error: boolean;
  /** The call was a hedge: started beside a slow first attempt. */
  readonly hedge?: boolean;
}

/**
 * Collects one request's metrics, per source region, and publishes them at the end of the request as
 * one embedded-metric-format record per region called (dimension `Region`).
 */
export interface RequestMetrics {
  /** One Bedrock call to `region` ended; `failover` says it failed with a failover-class error. */
  attempt(region: string, outcome: AttemptOutcome): void;
  /** A stream `region` was serving failed after its first byte (counted as a throttle or an error). */
  streamFailed(region: string, throttle: boolean): void;
  /** `region` served the request. */
  served(region: string, measurements: ServedMeasurements): void;
  /** The request was answered with a 4xx (on `region` if Bedrock returned it, else {@link NO_REGION}). */
  clientError(region: string): void;
  /** The request ran while the outage drill treated `region` (the invoker's own) as failing. */
  drillActive(region: string): void;
  /**
   * Publishes everything recorded since the last flush. Called at the end of the request, and by a
   * stream once its region is chosen, so failed attempts reach CloudWatch (and the alarms behind the
   * DNS health checks) when they happen, not when a long stream ends.
   */
  flush(): void;
}

/**
 * Publishes what `metrics` recorded so far. A metrics failure is logged, never thrown: it must not
 * break the answer or the stream it happens during.
 */
export function publishMetrics(metrics: RequestMetrics, logger: Pick<Logger, 'warn'>): void {
  try {
    metrics.flush();
  } catch (error) {
    logger.warn('Could not publish metrics', { error: error as Error });
  }
}

/** One of the Powertools metric units. */
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

type Counters = Map<string, Array<{ name: string; unit: Unit; value: number }>>;

/** {@link RequestMetrics} backed by Powertools Metrics (EMF on stdout; `POWERTOOLS_METRICS_DISABLED=true` silences it). */
export class PowertoolsRequestMetrics implements RequestMetrics {
  private readonly byRegion: Counters = new Map();

  public constructor(private readonly metrics: Metrics) {}

  public attempt(region: string, outcome: AttemptOutcome): void {
    this.add(region, INVOKER_METRIC_NAMES.attempts, MetricUnit.Count, 1);
    if (outcome.hedge === true) {
      this.add(region, INVOKER_METRIC_NAMES.hedges, MetricUnit.Count, 1);
    }
    if (outcome.failover) {
      this.add(region, INVOKER_METRIC_NAMES.failovers, MetricUnit.Count, 1);
    }
    if (outcome.throttle) {
      this.add(region, INVOKER_METRIC_NAMES.throttles, MetricUnit.Count, 1);
    }
    if (outcome.error) {
      this.add(region, INVOKER_METRIC_NAMES.errors, MetricUnit.Count, 1);
    }
  }

  public streamFailed(region: string, throttle: boolean): void {
    this.add(region, throttle ? INVOKER_METRIC_NAMES.throttles : INVOKER_METRIC_NAMES.errors, MetricUnit.Count, 1);
  }

  public served(region: string, measurements: ServedMeasurements): void {
    this.add(region, INVOKER_METRIC_NAMES.requests, MetricUnit.Count, 1);
    this.add(region, INVOKER_METRIC_NAMES.latency, MetricUnit.Milliseconds, measurements.latencyMs);
    this.add(region, INVOKER_METRIC_NAMES.servedBySecondary, MetricUnit.Count, measurements.bySecondary ? 1 : 0);
    if (measurements.byHedge === true) {
      this.add(region, INVOKER_METRIC_NAMES.hedgeWins, MetricUnit.Count, 1);
    }
    if (measurements.timeToFirstTokenMs !== undefined) {
      this.add(region, INVOKER_METRIC_NAMES.timeToFirstToken, MetricUnit.Milliseconds, measurements.timeToFirstTokenMs);
    }
    if (measurements.inputTokens !== undefined) {
      this.add(region, INVOKER_METRIC_NAMES.inputTokens, MetricUnit.Count, measurements.inputTokens);
    }
    if (measurements.outputTokens !== undefined) {
      this.add(region, INVOKER_METRIC_NAMES.outputTokens, MetricUnit.Count, measurements.outputTokens);
    }
  }

  public clientError(region: string): void {
    this.add(region, INVOKER_METRIC_NAMES.clientErrors, MetricUnit.Count, 1);
  }

  public drillActive(region: string): void {
    this.add(region, INVOKER_METRIC_NAMES.drillActive, MetricUnit.Count, 1);
  }

  public flush(): void {
    for (const [region, entries] of this.byRegion) {
      this.metrics.addDimension('Region', region);
      for (const entry of entries) {
        this.metrics.addMetric(entry.name, entry.unit, entry.value);
      }
      this.metrics.publishStoredMetrics();
    }
    this.byRegion.clear();
  }

  private add(region: string, name: string, unit: Unit, value: number): void {
    let entries = this.byRegion.get(region);
    if (entries === undefined) {
      entries = [];
      this.byRegion.set(region, entries);
    }
    entries.push({ name, unit, value });
  }
}

/** `service` dimension value when `POWERTOOLS_SERVICE_NAME` is not set (local server, tests). */
export const DEFAULT_INVOKER_SERVICE_NAME = 'bedrock-invoker';

/**
 * The container's Powertools Metrics instance, namespaced for the invoker.
 *
 * Every record it publishes carries exactly the dimension set [`service`, `Region`]: Powertools adds
 * `service` as a default dimension, and {@link PowertoolsRequestMetrics.flush} adds `Region`. The
 * construct sets `POWERTOOLS_SERVICE_NAME` per invoker and its alarms, health checks and dashboards
 * read that very dimension set (`INVOKER_SERVICE_DIMENSION` = the `service` value, `Region`), so the
 * service name must come from the environment, never be hard-coded here.
 */
export function createPowertoolsMetrics(env: NodeJS.ProcessEnv = process.env): Metrics {
  const serviceName = env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_INVOKER_SERVICE_NAME;
  return new Metrics({ namespace: INVOKER_METRICS_NAMESPACE, serviceName });
}
