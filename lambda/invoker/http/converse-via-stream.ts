/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { ConverseResponse, ConverseStreamCommand, ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { RouteContext } from './answers';
import { ConverseAssembler } from './converse-assembly';
import { sendJson } from './response-sink';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';
import type { AttemptControl } from '../resilience/attempt-control';
import { armWithinDeadline } from '../resilience/converse-stream';
import type { Attempt } from '../resilience/failover';

/** A Converse answer assembled from one region's complete stream. */
export interface AssembledAnswer {
  readonly response: ConverseResponse;
  /** From the start of the attempt to the region's first stream event. */
  readonly timeToFirstTokenMs: number;
}

/** The failover attempt of POST /converse, and what it saw. */
export interface StreamedConverse {
  readonly attempt: Attempt<AssembledAnswer>;
  /**
   * The region that was still generating when the request deadline passed, if that is how the walk
   * ended: a long answer, not a failure of the region.
   */
  cutByDeadline(): string | undefined;
}

/**
 * Serves Converse through ConverseStream, so that a long answer is not mistaken for a hung region.
 *
 * Converse returns only when the whole generation is done, so its only guard is a timeout that cannot
 * tell a long answer from a region that never answers. A stream shows within `firstTokenTimeoutMs`
 * (or the attempt timeout if that is shorter: the SDK hands back the stream only once its first event
 * has arrived) whether the region is generating; after that the region may take until the request
 * deadline, as long as it stays silent no longer than `firstTokenTimeoutMs` between events
 * (`StreamStalled`). The whole stream is read inside the attempt and assembled into the Converse
 * response ({@link ConverseAssembler}); nothing reaches the client before the answer is complete, so any
 * failure before the end (an in-stream exception, a stall, a reset, a stream that ends before
 * `messageStop`) is an ordinary failed attempt and the walk tries the next region.
 */
export function streamedConverse(context: RouteContext, input: ConverseStreamCommandInput): StreamedConverse {
  const { config, runtime } = context;
  /** The attempts that got their first event, with their region (several, should attempts ever overlap). */
  const generating = new Map<AttemptControl, string>();
  const attempt: Attempt<AssembledAnswer> = async (region, control, deadlineAt) => {
    const startedAt = runtime.now();
    if (config.firstTokenTimeoutMs < config.attemptTimeoutMs) {
      // Replaces the walk's attempt timer: a region that has not started generating by now is abandoned.
      armWithinDeadline(control, config.firstTokenTimeoutMs, 'FirstTokenTimeout', deadlineAt, startedAt);
    }
    const command = new ConverseStreamCommand(input);
    const connection = holdConnection(command);
    const response = await runtime.clients.send(region, command, control);
    const assembler = new ConverseAssembler();
    let timeToFirstTokenMs = 0;
    if (response.stream !== undefined) {
      const iterator = response.stream[Symbol.asyncIterator]();
      let ended = false;
      try {
        for (;;) {
          const next = await control.race(iterator.next());
          if (next.done === true) {
            ended = true;
            break;
          }
          if (!generating.has(control)) {
            timeToFirstTokenMs = runtime.now() - startedAt;
            generating.set(control, region);
            control.markFirstEvent(); // a hedged partner, if any, is aborted now
          }
          assembler.add(next.value);
          armWithinDeadline(control, config.firstTokenTimeoutMs, 'StreamStalled', deadlineAt, runtime.now());
        }
      } finally {
        if (!ended) {
          // Given up on (malformed, or aborted): stop the region generating into a connection nobody reads.
          connection.close();
          void iterator.return?.(undefined).catch(() => undefined);
        }
      }
    }
    return { response: assembler.finish(), timeToFirstTokenMs };
  };
  return {
    attempt,
    cutByDeadline: () => [...generating].find(([control]) => control.reason === 'DeadlineExceeded')?.[1],
  };
}

/** Where {@link holdConnection} sits: inside the deserializer, where the raw HTTP response passes by. */
const HOLD_CONNECTION = { step: 'deserialize', priority: 'low', name: 'invokerHoldStreamConnection' } as const;

/**
 * A handle on the HTTP response body of `command` once it arrives, to close it. Returning early from the
 * SDK's event-stream iterator does not close the connection under it (its outer generator does not pass
 * `return` down), so a stream abandoned for a reason of the invoker's own (a malformed event) would keep
 * the socket busy and the region generating until the answer ended.
 */
function holdConnection(command: ConverseStreamCommand): { close(): void } {
  let body: unknown;
  command.middlewareStack.add((next) => async (args) => {
    const result = await next(args);
    body = (result.response as { body?: unknown }).body;
    return result;
  }, HOLD_CONNECTION);
  return {
    close: () => {
      const destroy = (body as { destroy?: unknown } | undefined)?.destroy;
      if (typeof destroy === 'function') {
        destroy.call(body);
      }
    },
  };
}

/**
 * Answers a /converse request whose region was still generating when the request deadline passed:
 * 504 `DeadlineExceeded`, naming the deadline and what to do. The region did nothing wrong.
 */
export async function answerCutByDeadline(context: RouteContext, modelId: string, region: string, attempts: number): Promise<void> {
  context.runtime.logger.warn('The answer was still being generated when the request deadline passed', { region, deadlineMs: context.config.deadlineMs });
  return sendJson(context.sink, 504, {
    error: 'DeadlineExceeded',
    message: `region ${region} was still generating the answer when the request deadline passed (${context.config.deadlineMs} ms, the invoker's `
      + 'integrationTimeout minus 2 s); ask for a shorter answer (a lower inferenceConfig.maxTokens), use /converse-stream to receive '
      + 'the answer as it is generated, or raise integrationTimeout',
  }, { [INVOKER_HEADERS.attempts]: String(attempts), [INVOKER_HEADERS.profile]: modelId });
}
