/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { ConverseStreamCommandInput, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { answerFailure, answerProblem, invokerHeaders, logServed, RouteContext } from './answers';
import { answerCutByDeadline, streamedConverse } from './converse-via-stream';
import { checkBodySize, Checked, InvokerRequest, resolveRoute, validateConverseBody, validateInvokeRequest } from './request-validation';
import { ResponseSink, sendJson } from './response-sink';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';
import { serveConverseStream } from '../resilience/converse-stream';
import { runWithFailover } from '../resilience/failover';
import { GeographyViolationError } from '../resilience/geography-guard';
import type { InvokerRuntime } from '../runtime';
import { publishMetrics, RequestMetrics } from '../telemetry/invoker-metrics';


/**
 * The runtime-agnostic handler core: routes and validates the request, calls Bedrock with failover,
 * and writes the answer to `sink`. Never throws; never answers a client mistake with a 5xx.
 */
export async function handleRequest(request: Checked<InvokerRequest>, sink: ResponseSink, runtime: InvokerRuntime): Promise<void> {
  const metrics = runtime.newRequestMetrics();
  let started = false;
  const trackedSink: ResponseSink = {
    start: (statusCode, headers) => {
      started = true;
      sink.start(statusCode, headers);
    },
    write: (chunk) => sink.write(chunk),
    end: () => sink.end(),
    clientGone: sink.clientGone,
  };
  try {
    await route(request, trackedSink, runtime, metrics);
  } catch (error) {
    // A bug, not a client mistake: log it fully, answer without details.
    runtime.logger.error('Unhandled error in the invoker', { error: error as Error });
    if (!started) {
      await sendJson(trackedSink, 500, { error: 'InternalError', message: 'the invoker failed unexpectedly; the error is in the function logs' }).catch(() => undefined);
    } else {
      await sink.end().catch(() => undefined);
    }
  } finally {
    publishMetrics(metrics, runtime.logger);
  }
}

async function route(request: Checked<InvokerRequest>, sink: ResponseSink, runtime: InvokerRuntime, metrics: RequestMetrics): Promise<void> {
  if (!request.ok) {
    return answerProblem(sink, metrics, request.problem);
  }
  const resolved = resolveRoute(request.value.method, request.value.path);
  if (!resolved.ok) {
    return answerProblem(sink, metrics, resolved.problem);
  }
  const { configResult } = runtime;
  if (!configResult.ok) {
    return sendJson(sink, 500, {
      error: 'InvalidConfiguration',
      message: 'the invoker configuration is invalid, so no request can be served; the reasons are in the function logs',
    });
  }
  const config = configResult.config;
  if (resolved.value === 'health') {
    return answerHealth(sink, runtime, config);
  }
  if (runtime.geographyViolations.length > 0) {
    return sendJson(sink, 500, {
      error: 'GeographyViolation',
      message: `the invoker configuration would send requests outside geography '${config.geography}', so it calls nothing: ${runtime.geographyViolations.join('; ')}`,
    });
  }
  const sizeProblem = checkBodySize(request.value.body, config.maxBodyBytes);
  if (sizeProblem !== undefined) {
    return answerProblem(sink, metrics, sizeProblem);
  }
  const startedAt = runtime.now() - timeSinceReceipt(request.value, runtime, config);
  // The drill fails the invoker's own region (the plan's first), never another.
  const drilledRegion = runtime.outageDrill !== undefined && await runtime.outageDrill.isOn() ? config.regionPlan[0] : undefined;
  if (drilledRegion !== undefined) {
    metrics.drillActive(drilledRegion);
  }
  const context: RouteContext = {
    config,
    runtime,
    sink,
    metrics,
    startedAt,
    failoverDeps: {
      config,
      startedAtMs: startedAt,
      breakers: runtime.breakers,
      metrics,
      now: runtime.now,
      epochNow: runtime.epochNow,
      random: runtime.random,
      sleep: runtime.sleep,
      clientGone: sink.clientGone,
      drilledRegion,
      onFailover: (region, error) => runtime.logger.warn('Failing over', {
        region, error: error.name, detail: error.message, ...(region === drilledRegion ? { outageDrill: true } : {}),
      }),
    },
  };
  try {
    switch (resolved.value) {
      case 'converse':
        return await serveConverse(request.value, context);
      case 'converse-stream':
        return await serveConverseStream(request.value, context);
      case 'invoke':
        return await serveInvoke(request.value, context);
    }
  } catch (error) {
    if (error instanceof GeographyViolationError) {
      runtime.logger.error('Geography guard refused a call', { detail: error.message });
      return sendJson(sink, 500, { error: 'GeographyViolation', message: error.message });
    }
    throw error;
  }
}

/**
 * The most time before the handler ran that is believed: Lambda's init phase is limited to 10 s, so
 * more (or a receipt in the future) is a clock problem, not a cold start, and is ignored.
 */
const MAX_TIME_BEFORE_HANDLER_MS = 12_000;

/**
 * How long ago API Gateway received the request (cold start, queueing), so the deadline counts from
 * there; 0 when unknown or implausible.
 */
function timeSinceReceipt(request: InvokerRequest, runtime: InvokerRuntime, config: InvokerRuntimeConfig): number {
  if (request.receivedAtEpochMs === undefined) {
    return 0;
  }
  const elapsed = runtime.epochNow() - request.receivedAtEpochMs;
  if (elapsed < 0 || elapsed > MAX_TIME_BEFORE_HANDLER_MS) {
    return 0;
  }
  return Math.min(elapsed, config.deadlineMs);
}

/**
 * POST /converse: served through ConverseStream and answered with the assembled Converse response (see
 * {@link streamedConverse}), so a hung region is abandoned at the first-token timeout while a long answer
 * may generate until the request deadline. A deadline that cuts a generation short is a 504, not a
 * failure of the region.
 */
async function serveConverse(request: InvokerRequest, context: RouteContext): Promise<void> {
  const call = validateConverseBody(request, 'converse', context.config);
  if (!call.ok) {
    return answerProblem(context.sink, context.metrics, call.problem);
  }
  const { modelId, input } = call.value;
  // SDK boundary: the validated body is structurally a ConverseRequest, whose fields ConverseStream takes too.
  const converse = streamedConverse(context, { ...(input as object), modelId } as ConverseStreamCommandInput);
  const result = await runWithFailover(context.failoverDeps, converse.attempt, { hedge: context.runtime.hedging });
  if (result.kind !== 'served') {
    const cutShort = converse.cutByDeadline();
    if (result.kind === 'exhausted' && cutShort !== undefined) {
      return answerCutByDeadline(context, modelId, cutShort, result.attempts.length);
    }
    return answerFailure(context, modelId, result);
  }
  const { response, timeToFirstTokenMs } = result.value;
  context.metrics.served(result.region, {
    latencyMs: context.runtime.now() - context.startedAt,
    bySecondary: result.region !== context.config.regionPlan[0],
    timeToFirstTokenMs,
    byHedge: result.wonHedge,
    inputTokens: response.usage?.inputTokens,
    outputTokens: response.usage?.outputTokens,
  });
  logServed(context, 'converse', result.region, result.attempts.length);
  return sendJson(context.sink, 200, response, invokerHeaders(result.region, result.attempts.length, modelId));
}

async function serveInvoke(request: InvokerRequest, context: RouteContext): Promise<void> {
  const call = validateInvokeRequest(request, context.config);
  if (!call.ok) {
    return answerProblem(context.sink, context.metrics, call.problem);
  }
  const { modelId, body, contentType, accept } = call.value;
  // InvokeModel answers only when the whole generation is done, so a long answer cannot be told from a
  // hung region: the attempt is bounded by the request deadline alone (connection failures and error
  // answers still fail over at once). /converse streams underneath and detects a hung region by its first token.
  const result = await runWithFailover(context.failoverDeps, (region, control) =>
    context.runtime.clients.send(region, new InvokeModelCommand({ modelId, body, contentType, accept }), control),
  { attemptTimeoutMs: Number.POSITIVE_INFINITY });
  if (result.kind !== 'served') {
    return answerFailure(context, modelId, result);
  }
  context.metrics.served(result.region, {
    latencyMs: context.runtime.now() - context.startedAt,
    bySecondary: result.region !== context.config.regionPlan[0],
  });
  logServed(context, 'invoke', result.region, result.attempts.length);
  context.sink.start(200, {
    'content-type': result.value.contentType ?? 'application/json',
    ...invokerHeaders(result.region, result.attempts.length, modelId),
  });
  await context.sink.write(result.value.body ?? new Uint8Array());
  await context.sink.end();
}

async function answerHealth(sink: ResponseSink, runtime: InvokerRuntime, config: InvokerRuntimeConfig): Promise<void> {
  const now = runtime.now();
  const circuits = runtime.breakers.snapshot(config.regionPlan).map((circuit) => ({
    region: circuit.region,
    state: circuit.state,
    consecutiveFailures: circuit.consecutiveFailures,
    ...(circuit.retryAtMs === undefined ? {} : { probeInMs: Math.max(0, Math.round(circuit.retryAtMs - now)) }),
  }));
  const misconfigured = runtime.geographyViolations.length > 0;
  return sendJson(sink, misconfigured ? 500 : 200, {
    status: misconfigured ? 'GeographyViolation' : 'ok',
    region: runtime.functionRegion ?? null,
    geography: config.geography,
    regionPlan: config.regionPlan,
    profileIds: config.profileIds,
    circuits,
    ...(misconfigured ? { geographyViolations: runtime.geographyViolations } : {}),
  }, { 'cache-control': 'no-store' });
}
