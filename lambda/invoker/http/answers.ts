import type { ClientProblem } from './request-validation';
import { ResponseSink, sendJson } from './response-sink';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';
import type { ClassifiedError } from '../resilience/error-classification';
import type { AttemptRecord, FailoverDependencies, FailoverResult } from '../resilience/failover';
import type { InvokerRuntime } from '../runtime';
import { NO_REGION, RequestMetrics } from '../telemetry/invoker-metrics';

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

/**
 * Answers a request that no region served: a client error as the region gave it; a request that could not
 * be sent with its own status; 504 when the request's deadline ended the walk; 429 when every region
 * throttled (with the soonest Retry-After the regions gave); else 503 listing the attempts.
 */
export async function answerFailure(
  context: RouteContext,
  modelId: string,
  result: Exclude<FailoverResult<unknown>, { kind: 'served' }>,
): Promise<void> {
  if (result.kind === 'client-error') {
    return answerClientError(context, modelId, result.region, result.attempts.length, result.error);
  }
  if (result.kind === 'not-sent') {
    return answerNotSent(context, modelId, result.error);
  }
  const attemptHeaders = { [INVOKER_HEADERS.attempts]: String(result.attempts.length), [INVOKER_HEADERS.profile]: modelId };
  const attemptList = result.attempts.map((attempt) => ({ region: attempt.region, error: attempt.error }));
  if (result.stopped && !context.sink.clientGone?.aborted) {
    context.runtime.logger.warn('The request deadline ended the walk', { attempts: result.attempts });
    return sendJson(context.sink, 504, {
      error: 'DeadlineExceeded',
      message: result.attempts.length === 0
        ? 'the request reached the invoker too late to call any region before its deadline (for example after a long cold start); retry it'
        : `no region answered within the request deadline of ${context.config.deadlineMs} ms; retry it, or ask for a shorter answer`,
      ...(attemptList.length > 0 ? { attempts: attemptList } : {}),
    }, attemptHeaders);
  }
  const retryAfterSeconds = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  const status = result.allThrottled ? 429 : 503;
  const message = result.allThrottled
    ? 'every region in the plan throttled the request; retry after the Retry-After delay'
    : `every region in the plan failed (${describeAttempts(result.attempts)}); retry after the Retry-After delay`;
  context.runtime.logger.warn('No region served the request', { status, attempts: result.attempts, skipped: result.skippedRegions });
  return sendJson(context.sink, status, {
    error: result.allThrottled ? 'AllRegionsThrottled' : 'AllRegionsFailed',
    message,
    attempts: attemptList,
    ...(result.skippedRegions.length > 0 ? { skippedRegions: result.skippedRegions } : {}),
  }, { 'retry-after': retryAfterSeconds, ...attemptHeaders });
}

/** `eu-west-1: ServiceUnavailableException, eu-central-1: ECONNRESET` */
function describeAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts.map((attempt) => `${attempt.region}: ${attempt.error ?? 'no answer'}`).join(', ');
}

/** The request never left the invoker: 400 when its body could not be serialised, 500 for the invoker's own fault. */
async function answerNotSent(context: RouteContext, modelId: string, error: ClassifiedError): Promise<void> {
  if (error.status < 500) {
    context.metrics.clientError(NO_REGION);
    context.runtime.logger.info('The request could not be serialised', { error: error.name, detail: error.message });
  } else {
    context.runtime.logger.error('The request could not be sent to any region', { error: error.name, detail: error.message });
  }
  return sendJson(context.sink, error.status, { error: error.name, message: error.message },
    { [INVOKER_HEADERS.attempts]: '0', [INVOKER_HEADERS.profile]: modelId });
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
