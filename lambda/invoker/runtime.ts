import type { Logger } from '@aws-lambda-powertools/logger'; // eslint-disable-line import/no-extraneous-dependencies
import { BedrockClients, ClientInstrumentation, MAX_CONNECTION_TIMEOUT_MS } from './bedrock-clients';
import type { InvokerClock } from './clock';
import { ConfigResult, parseInvokerConfig } from './config';
import { CircuitBreakerRegistry } from './resilience/circuit-breaker';
import { findGeographyViolations } from './resilience/geography-guard';
import { HedgePolicy } from './resilience/hedging';
import { DrillParameterReader, OutageDrillSwitch, outageDrillSwitchOf } from './resilience/outage-drill';
import { createPowertoolsMetrics, PowertoolsRequestMetrics, RequestMetrics } from './telemetry/invoker-metrics';
import { createLogger } from './telemetry/observability';

/** Everything a request needs that lives for the whole container: config, clients, breakers, clocks. */
export interface InvokerRuntime extends InvokerClock {
  readonly configResult: ConfigResult;
  /** Reasons the configuration would leave its geography (empty when compliant or when the config is invalid). */
  readonly geographyViolations: readonly string[];
  /** Region this function runs in (`AWS_REGION`), reported by /health. */
  readonly functionRegion: string | undefined;
  readonly breakers: CircuitBreakerRegistry;
  /** When and how much to hedge slow streaming attempts; undefined when hedging is off. */
  readonly hedging: HedgePolicy | undefined;
  /** The region's outage-drill switch; undefined when the construct gave this invoker none. */
  readonly outageDrill: OutageDrillSwitch | undefined;
  readonly clients: BedrockClients;
  readonly logger: Logger;
  /** A fresh per-request metrics collector. */
  readonly newRequestMetrics: () => RequestMetrics;
}

/** Overrides for {@link createInvokerRuntime} (tests inject clocks and metrics; the entry point uses the defaults). */
export interface InvokerRuntimeOptions {
  /** The JSON configuration (defaults to none, which is an invalid configuration). */
  readonly configJson?: string;
  readonly functionRegion?: string;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly newRequestMetrics?: () => RequestMetrics;
  readonly logger?: Logger;
  readonly instrumentClient?: ClientInstrumentation;
  /** How the outage-drill switch is read (default: SSM through Powertools Parameters). */
  readonly readOutageDrillParameter?: DrillParameterReader;
}

/**
 * Builds the container-scoped runtime: parses and validates the configuration once, checks the
 * geography once (the guard also runs before every call), and prepares lazy per-region clients.
 * Never throws: an unusable configuration is recorded and answered per request.
 */
export function createInvokerRuntime(options: InvokerRuntimeOptions = {}): InvokerRuntime {
  const logger = options.logger ?? createLogger();
  const configResult = parseInvokerConfig(options.configJson);
  const now = options.now ?? (() => performance.now());
  const geographyViolations = configResult.ok ? findGeographyViolations(configResult.config) : [];
  if (!configResult.ok) {
    logger.error('Invalid invoker configuration: every route will answer 500 InvalidConfiguration', { problems: configResult.problems });
  } else if (geographyViolations.length > 0) {
    logger.error('Configuration leaves its geography: refusing every Bedrock call', { violations: geographyViolations });
  }
  const config = configResult.ok ? configResult.config : undefined;
  const epochNow = (): number => Date.now();
  const metrics = options.newRequestMetrics === undefined ? createPowertoolsMetrics() : undefined;
  return {
    configResult,
    geographyViolations,
    functionRegion: options.functionRegion,
    breakers: new CircuitBreakerRegistry({
      failureThreshold: config?.breakerFailureThreshold ?? 1,
      cooldownMs: config?.breakerCooldownMs ?? 1,
      now,
    }),
    hedging: config?.hedging === undefined ? undefined : new HedgePolicy(config.hedging),
    outageDrill: outageDrillSwitchOf(configResult, logger, options.readOutageDrillParameter),
    clients: new BedrockClients({
      connectionTimeoutMs: Math.min(config?.attemptTimeoutMs ?? MAX_CONNECTION_TIMEOUT_MS, MAX_CONNECTION_TIMEOUT_MS),
      instrument: options.instrumentClient,
    }),
    logger,
    newRequestMetrics: options.newRequestMetrics ?? (() => new PowertoolsRequestMetrics(metrics!)),
    now,
    epochNow,
    random: options.random ?? Math.random,
    sleep: abortableSleep,
  };
}

/** setTimeout as a promise that resolves early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
