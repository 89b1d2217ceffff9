/**
 * Reads request bodies for the local server within a byte limit: a body announced larger than the limit
 * is refused before any of it is read, and one that grows past it is refused as soon as it does, so a
 * client can never make the server hold more than about the limit in memory.
 */
import type * as http from 'node:http';
import type { LocalAnswer } from './local-gateway';

/**
 * API Gateway REST's own payload limit (10 MB). The local server applies it when the invoker
 * configuration is unusable (every route then answers 500 without looking at the body).
 */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** How reading a body ended: the whole body, a 413 to answer, or the client gone first. */
export type BodyRead =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large'; readonly answer: LocalAnswer }
  | { readonly kind: 'aborted' };

/**
 * The 413 for a body over `maxBodyBytes`, in the handler's shape and wording (`checkBodySize`).
 *
 * @param byteLength the announced size (Content-Length), or undefined when only "more than the limit" is known
 */
export function payloadTooLarge(maxBodyBytes: number, byteLength?: number): LocalAnswer {
  const size = byteLength === undefined ? `more than ${maxBodyBytes}` : `${byteLength}`;
  return {
    status: 413,
    headers: { 'content-type': 'application/json' },
    body: { error: 'PayloadTooLarge', message: `the request body is ${size} bytes; send at most ${maxBodyBytes} bytes` },
  };
}

/** Whether the request says a body follows (a non-zero Content-Length, or Transfer-Encoding). */
export function announcesBody(request: http.IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * The 413 for a request whose Content-Length announces more than `maxBodyBytes`, answered before any of
 * the body is read; undefined when it announces no more (or nothing: a chunked body is counted as it comes).
 */
export function announcedTooLarge(request: http.IncomingMessage, maxBodyBytes: number): LocalAnswer | undefined {
  const length = request.headers['content-length'];
  if (length === undefined || request.headers['transfer-encoding'] !== undefined) {
    return undefined;
  }
  // Node's parser has already refused a Content-Length that is not a decimal number.
  const byteLength = Number(length);
  return byteLength > maxBodyBytes ? payloadTooLarge(maxBodyBytes, byteLength) : undefined;
}

/**
 * Reads the body of `request`, at most `maxBodyBytes` of it. Once more arrives, what was read is
 * dropped, reading stops (the request is paused, so Node's parser stops reading the socket once its
 * small buffer is full) and the result is a 413 to answer with `Connection: close`. Never rejects.
 */
export function readBoundedBody(request: http.IncomingMessage, maxBodyBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (read: BodyRead): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      resolve(read);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        chunks.length = 0;
        request.pause();
        finish({ kind: 'too-large', answer: payloadTooLarge(maxBodyBytes) });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'complete', body: Buffer.concat(chunks, received) });
    // Closed before its end: the client went away, or the server gave up on it (a clientError answered it).
    const onClose = (): void => finish({ kind: 'aborted' });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onClose);
    // An aborted request is reported by 'close'; its 'error' must not go unhandled.
    request.on('error', () => undefined);
  });
}
