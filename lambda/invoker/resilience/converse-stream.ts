/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { ConverseStreamCommand, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { AttemptControl } from './attempt-control';
import type { CircuitBreakerRegistry, CircuitPermit } from './circuit-breaker';
import { ClassifiedError, classifyBedrockError } from './error-classification';
import { runWithFailover, settleFailure } from './failover';
import { answerFailure, answerProblem, invokerHeaders, logServed, RouteContext } from '../http/answers';
import { IncompleteStreamError } from '../http/converse-assembly';
import { InvokerRequest, validateConverseBody } from '../http/request-validation';
import { sseEvent } from '../http/response-sink';
import { publishMetrics } from '../telemetry/invoker-metrics';

/** A stream whose first event has arrived: the point of no return for failover. */
interface OpenedStream {
  readonly iterator: AsyncIterator<ConverseStreamOutput>;
  readonly firstEvent: ConverseStreamOutput;
  readonly timeToFirstTokenMs: number;
}

/**
 * POST /converse-stream: ConverseStream answered as Server-Sent Events.
 *
 * Failover is possible only until the first byte reaches the client, so nothing is written until the
 * region's first stream event has arrived (within `firstTokenTimeoutMs`); an exception arriving as that
 * first event still fails over. After that, a failure (in-stream exception, reset, stall, deadline) ends
 * the stream with an explicit `event: error` carrying `{ error, message, retryable }`, never a silent
 * truncation, and so does a stream that ends before `messageStop`. Between events Bedrock may stay
 * silent at most `firstTokenTimeoutMs` (the time the client takes to read is not counted).
 */
export async function serveConverseStream(request: InvokerRequest, context: RouteContext): Promise<void> {
  const call = validateConverseBody(request, 'converse-stream', context.config);
  if (!call.ok) {
    return answerProblem(context.sink, context.metrics, call.problem);
  }
  const { modelId, input } = call.value;
  const { config, runtime } = context;
  const result = await runWithFailover<OpenedStream>(context.failoverDeps, async (region, control, deadlineAt) => {
    const attemptStartedAt = runtime.now();
    // The SDK's send() resolves only once the first event has arrived, so the first-token timeout runs from here.
    if (config.firstTokenTimeoutMs < config.attemptTimeoutMs) {
      armWithinDeadline(control, config.firstTokenTimeoutMs, 'FirstTokenTimeout', deadlineAt, attemptStartedAt);
    }
    const response = await runtime.clients.send(region,
      // SDK boundary: the validated body is structurally a ConverseStreamRequest.
      new ConverseStreamCommand({ ...(input as object), modelId } as ConstructorParameters<typeof ConverseStreamCommand>[0]),
      control);
    if (response.stream === undefined) {
      throw Object.assign(new Error('the region answered without an event stream'), { name: 'EmptyStream' });
    }
    armWithinDeadline(control, config.firstTokenTimeoutMs, 'FirstTokenTimeout', deadlineAt, runtime.now());
    const iterator = response.stream[Symbol.asyncIterator]();
    const first = await control.race(iterator.next());
    if (first.done === true) {
      throw Object.assign(new Error('the region closed the stream without any event'), { name: 'EmptyStream' });
    }
    control.markFirstEvent();
    return { iterator, firstEvent: first.value, timeToFirstTokenMs: runtime.now() - attemptStartedAt };
  }, { settleServedLater: true, hedge: runtime.hedging }); // a stream is the region's success only once it has ended well
  if (result.kind !== 'served') {
    return answerFailure(context, modelId, result);
  }

  const { region, control, attempts, permit } = result;
  const { iterator, firstEvent, timeToFirstTokenMs } = result.value;
  // The attempts are settled: publish them now rather than when the stream ends, possibly minutes later.
  publishMetrics(context.metrics, runtime.logger);
  const deadlineAt = context.startedAt + config.deadlineMs;
  const onClientGone = (): void => control.abort('ClientDisconnected');
  context.sink.clientGone?.addEventListener('abort', onClientGone, { once: true });
  context.sink.start(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...invokerHeaders(region, attempts.length, modelId),
  });
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let failure: ClassifiedError | undefined;
  try {
    let event: ConverseStreamOutput = firstEvent;
    let messageStopped = false;
    for (;;) {
      const [name, data] = eventNameAndData(event);
      if (name === 'messageStop') {
        messageStopped = true;
      } else if (name === 'metadata') {
        const usage = (data as { usage?: { inputTokens?: number; outputTokens?: number } } | undefined)?.usage;
        inputTokens = usage?.inputTokens;
        outputTokens = usage?.outputTokens;
      }
      // While the client reads, only the request's deadline runs (a slow reader is not the region's fault).
      control.arm(deadlineAt - runtime.now(), 'DeadlineExceeded');
      await control.race(context.sink.write(sseEvent(name, data)));
      if (runtime.now() >= deadlineAt) {
        control.abort('DeadlineExceeded'); // buffered events would otherwise win the race against a 0 ms timer
      }
      armWithinDeadline(control, config.firstTokenTimeoutMs, 'StreamStalled', deadlineAt, runtime.now());
      const next = await control.race(iterator.next());
      // The stall timer covers waiting for Bedrock only: a client reading slowly is not the region's fault.
      control.disarm();
      if (next.done === true) {
        if (!messageStopped) {
          throw new IncompleteStreamError();
        }
        break;
      }
      event = next.value;
    }
  } catch (error) {
    const classified = classifyBedrockError(error, control.reason, runtime.epochNow());
    failure = classified;
    if (control.reason !== 'ClientDisconnected') {
      runtime.logger.warn('Stream failed after the first byte', { region, error: classified.name, detail: classified.message });
      await context.sink.write(sseEvent('error', {
        error: classified.name,
        message: classified.message,
        retryable: classified.disposition !== 'client-error',
      })).catch(() => undefined);
    }
    void iterator.return?.().catch(() => undefined);
  } finally {
    control.disarm();
    context.sink.clientGone?.removeEventListener('abort', onClientGone);
  }
  settleStream(runtime.breakers, permit, failure);
  context.metrics.served(region, {
    latencyMs: runtime.now() - context.startedAt,
    bySecondary: region !== config.regionPlan[0],
    timeToFirstTokenMs: timeToFirstTokenMs,
    byHedge: result.wonHedge,
    inputTokens,
    outputTokens,
  });
  if (failure?.disposition === 'failover' && (failure.throttle || failure.blame)) {
    // The region failed the stream. A client leaving, the request's own deadline, a client error or a
    // failure nothing blames on the region are not counted against it.
    context.metrics.streamFailed(region, failure.throttle);
  } else if (failure?.disposition === 'client-error') {
    context.metrics.clientError(region);
  }
  logServed(context, 'converse-stream', region, attempts.length);
  await context.sink.end().catch(() => undefined);
}

/**
 * The verdict on the serving region once its stream is over: a clean end or a client error is its
 * success, a failure that is its own counts against its circuit (so a region that fails every stream
 * after the first event still opens it), and a client leaving or the request's deadline says nothing.
 */
function settleStream(breakers: CircuitBreakerRegistry, permit: CircuitPermit, failure: ClassifiedError | undefined): void {
  if (failure === undefined || failure.disposition === 'client-error') {
    breakers.recordSuccess(permit.region);
  } else if (failure.disposition === 'failover') {
    settleFailure(breakers, permit, failure);
  } else {
    breakers.release(permit);
  }
}

/** Arms `control` for `budgetMs`, or for what is left of the request deadline if that is sooner. */
export function armWithinDeadline(control: AttemptControl, budgetMs: number, reason: 'FirstTokenTimeout' | 'StreamStalled', deadlineAt: number, now: number): void {
  const remaining = deadlineAt - now;
  if (budgetMs < remaining) {
    control.arm(budgetMs, reason);
  } else {
    control.arm(remaining, 'DeadlineExceeded');
  }
}

/** `{ contentBlockDelta: {...} }` → `['contentBlockDelta', {...}]` (the SSE event name is the union member). */
function eventNameAndData(event: ConverseStreamOutput): [string, unknown] {
  for (const [name, data] of Object.entries(event)) {
    if (data !== undefined && name !== '$unknown') {
      return [name, data];
    }
  }
  const unknown = (event as { $unknown?: [string, unknown] }).$unknown;
  return unknown === undefined ? ['unknown', {}] : [unknown[0], unknown[1]];
}
