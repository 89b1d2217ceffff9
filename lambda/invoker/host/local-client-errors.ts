/**
 * Requests Node's HTTP server refuses before any handler runs (the `clientError` event: a malformed
 * request, headers too large, a request that does not arrive in time), answered by the local server
 * in the invoker's `{ error, message }` JSON shape instead of Node's empty-bodied defaults.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { LocalAnswer } from './local-gateway';

/** The server limits a rejection may name. */
export interface ClientErrorLimits {
  /** Largest request line plus headers Node accepts, in bytes. */
  readonly maxHeaderBytes: number;
  /** How long the headers may take to arrive, in milliseconds. */
  readonly headersTimeoutMs: number;
  /** How long the whole request may take to arrive, in milliseconds. */
  readonly requestTimeoutMs: number;
}

/** What `clientError` hands over: a socket error, or an llhttp parse error (`HPE_*`, with a `reason`). */
export interface ClientError extends Error {
  readonly code?: string;
  readonly reason?: string;
}

/** Socket errors that mean the client is gone: there is nobody to answer. */
const PEER_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * The answer to a request Node's server refused, or undefined when the client is gone. Statuses follow
 * Node's own choices: 431 for headers over the size limit, 413 for oversized chunk extensions, 408 for a
 * request not received in time, 400 for anything else (the parser's reason and code in the message).
 */
export function clientErrorAnswer(error: ClientError, limits: ClientErrorLimits): LocalAnswer | undefined {
  const answer = (status: number, code: string, message: string): LocalAnswer => ({ status, headers: JSON_HEADERS, body: { error: code, message } });
  if (error.code !== undefined && PEER_GONE.has(error.code)) {
    return undefined;
  }
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return answer(431, 'RequestHeaderFieldsTooLarge',
        `the request line and headers are larger than ${limits.maxHeaderBytes} bytes; send fewer or smaller headers`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return answer(413, 'PayloadTooLarge', 'the chunk extensions of the request body are too large; send the body without chunk extensions');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return answer(408, 'RequestTimeout',
        `the request did not arrive in time: the headers must arrive within ${limits.headersTimeoutMs} ms and the whole request within ${limits.requestTimeoutMs} ms`);
    default: {
      const detail = error.reason ?? error.message;
      return answer(400, 'BadRequest', `the request is not valid HTTP/1.1: ${detail}${error.code !== undefined ? ` (${error.code})` : ''}`);
    }
  }
}

/** An answer serialised as a whole HTTP/1.1 response that closes the connection, for writing to a raw socket. */
export function rawHttpResponse(answer: LocalAnswer): string {
  const body = JSON.stringify(answer.body);
  const headers = Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] ?? ''}\r\n${headers}`
    + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** How long a refused connection may take to receive its answer before it is cut. */
const CLOSE_GRACE_MS = 2_000;

const answered = new WeakSet<Duplex>();

/**
 * Answers on a raw socket (a `clientError`, or a CONNECT request) and closes it once the answer is
 * flushed, or after a short grace if the client does not read it. Nothing is written when the client
 * is gone, when the socket was already answered (the broken parser can report the same request twice),
 * or when `inFlight` (the response under way on this socket) has already sent its headers, so a
 * response is never corrupted. Never throws.
 */
export function answerOnSocket(socket: Duplex, answer: LocalAnswer | undefined, inFlight?: http.ServerResponse): void {
  if (answered.has(socket)) {
    return;
  }
  answered.add(socket);
  if (answer === undefined || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.once('error', () => socket.destroy());
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  socket.end(rawHttpResponse(answer), () => socket.destroy());
}
