import type { ClassifiedError } from '../resilience/error-classification';
import type { FailoverDependencies, FailoverResult } from '../resilience/failover';
import { NO_REGION, RequestMetrics } from '../telemetry/invoker-metrics';
import type { ClientProblem } from './request-validation';
import { ResponseSink, sendJson } from './response-sink';
import type { InvokerRuntime } from '../runtime';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** What a route handler gets. */
export interface RouteContext {
  readonly config: InvokerRuntimeConfig;
  readonly runtime: InvokerRuntime;
  readonly sink: ResponseSink;
  readonly metrics: RequestMetrics;
  readonly startedAt: number;
  readonly failoverDeps: FailoverDependencies;
}

/** Answers a client mistake (bad input): 4xx with `{ error, message }`. */
export async function answerProblem(sink: ResponseSink, metrics: RequestMetrics, problem: ClientProblem): Promise<void> {
  metrics.clientError(NO_REGION);
  return sendJson(sink, problem.status, { error: problem.code, message: problem.message }, problem.headers);
}

/** Answers a request that no region served: the client error as is, or 429/503 listing the attempts. */
export async function answerFailure(
  context: RouteContext,
  modelId: string,
  result: Exclude<FailoverResult<unknown>, { kind: 'served' }>,
): Promise<void> {
  if (result.kind === 'client-error') {
    return answerClientError(context, modelId, result.region, result.attempts.length, result.error);
  }
  if (result.stopped && result.attempts.length === 0 && result.skippedRegions.length === 0) {
    // Nothing was tried and no circuit was open: the request arrived with its deadline already spent.
    return sendJson(context.sink, 504, {
      error: 'DeadlineExceeded',
      message: 'the request reached the invoker too late to call any region before its deadline (for example after a long cold start); retry it',
    }, { [INVOKER_HEADERS.attempts]: '0', [INVOKER_HEADERS.profile]: modelId });
  }
  const retryAfterSeconds = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  const status = result.allThrottled ? 429 : 503;
  const error = result.allThrottled ? 'AllRegionsThrottled' : result.attempts.length === 0 ? 'AllRegionsUnavailable' : 'AllRegionsFailed';
  const message = result.allThrottled
    ? 'every region in the plan throttled the request; retry after the Retry-After delay'
    : result.attempts.length === 0
      ? `every region's circuit is open (${result.skippedRegions.join(', ')}); retry after the Retry-After delay`
      : 'no region could serve the request before the deadline; retry after the Retry-After delay';
  context.runtime.logger.warn('No region served the request', { status, attempts: result.attempts, skipped: result.skippedRegions });
  return sendJson(context.sink, status, {
    error,
    message,
    attempts: result.attempts.map((attempt) => ({ region: attempt.region, error: attempt.error })),
    ...(result.skippedRegions.length > 0 ? { skippedRegions: result.skippedRegions } : {}),
  }, {
    'retry-after': retryAfterSeconds,
    [INVOKER_HEADERS.attempts]: String(result.attempts.length),
    [INVOKER_HEADERS.profile]: modelId,
  });
}

async function answerClientError(context: RouteContext, modelId: string, region: string, attempts: number, error: ClassifiedError): Promise<void> {
  context.metrics.clientError(region);
  context.runtime.logger.info('Bedrock rejected the request', { region, error: error.name, status: error.status });
  return sendJson(context.sink, error.status, { error: error.name, message: error.message, region }, invokerHeaders(region, attempts, modelId));
}

/** The {@link INVOKER_HEADERS} of an answer from Bedrock. */
export function invokerHeaders(region: string, attempts: number, modelId: string): Record<string, string> {
  return {
    [INVOKER_HEADERS.servedRegion]: region,
    [INVOKER_HEADERS.attempts]: String(attempts),
    [INVOKER_HEADERS.profile]: modelId,
  };
}

/** Logs one served request (one line per request; failovers are logged as they happen). */
export function logServed(context: RouteContext, routeName: string, region: string, attempts: number): void {
  context.runtime.logger.info('Served', {
    route: routeName,
    region,
    attempts,
    latencyMs: Math.round(context.runtime.now() - context.startedAt),
  });
}
