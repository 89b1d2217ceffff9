import type { Writable } from 'node:stream';
import { requestFromApiGatewayEvent } from './api-gateway-event';
import type { HttpResponseStreamFactory, StreamingHandler } from './awslambda';
import { handleRequest } from '../http/handle-request';
import type { ResponseSink } from '../http/response-sink';
import type { InvokerRuntime } from '../runtime';

/**
 * Adapts the handler core to the Lambda response-streaming contract: the API Gateway REST proxy event
 * in, `HttpResponseStream.from(stream, { statusCode, headers })` then body chunks out.
 *
 * @param getRuntime the container's runtime (created lazily on first use, possibly asynchronously)
 * @param responseStreams `awslambda.HttpResponseStream` in Lambda; the local server passes its stand-in
 */
export function createStreamingHandler(
  getRuntime: () => InvokerRuntime | Promise<InvokerRuntime>,
  responseStreams: HttpResponseStreamFactory,
): StreamingHandler {
  return async (event, responseStream) => {
    const clientGone = new AbortController();
    let body: Writable | undefined;
    let ended = false;
    const onGone = (): void => {
      if (!ended) {
        clientGone.abort();
      }
    };
    responseStream.once('error', onGone);
    responseStream.once('close', onGone);
    const sink: ResponseSink = {
      start: (statusCode, headers) => {
        body = responseStreams.from(responseStream, { statusCode, headers });
        body.once('error', onGone);
        body.once('close', onGone);
      },
      write: (chunk) => writeChunk(body ?? responseStream, chunk),
      end: () => {
        ended = true;
        return endStream(body ?? responseStream);
      },
      clientGone: clientGone.signal,
    };
    await handleRequest(requestFromApiGatewayEvent(event), sink, await getRuntime());
  };
}

/** Writes with back-pressure; never hangs on a stream that was destroyed. */
function writeChunk(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  if (stream.destroyed || stream.writableEnded) {
    return Promise.resolve();
  }
  if (stream.write(chunk)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

function endStream(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableEnded) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.end(() => resolve());
  });
}
