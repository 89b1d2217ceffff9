/**
 * The local server's own front door, spoken to over raw TCP sockets on 127.0.0.1 (so nothing normalises
 * the request first): which request-targets reach a route, the JSON answers to what Node's HTTP parser
 * refuses, and the body limit enforced while reading, against the fake Bedrock.
 */
import * as net from 'node:net';
import { converseBody, send, testConfig, useSharedRig } from './invoker-harness';
import { startLocalServer } from '../../../lambda/invoker/host/local-server';

const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_TIMEOUT_MS = 600;

const shared = useSharedRig({ maxBodyBytes: MAX_BODY_BYTES });

/** A raw exchange: what came back, and whether the server closed the connection. */
interface RawAnswer {
  readonly text: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: { readonly error?: unknown; readonly message?: unknown } | undefined;
  readonly closedByServer: boolean;
}

function parseRaw(text: string, closedByServer: boolean): RawAnswer {
  // Skip interim 1xx answers (100 Continue) to the final one.
  const responses = text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((part) => part !== '');
  const final = responses.find((part) => !/^HTTP\/1\.1 1\d\d /.test(part)) ?? '';
  const [head, ...rest] = final.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = rest.join('\r\n\r\n');
  if (headers['transfer-encoding'] === 'chunked') {
    let unchunked = '';
    for (let at = 0; at < body.length;) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, lineEnd), 16);
      if (!(size > 0)) {
        break;
      }
      unchunked += body.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    body = unchunked;
  }
  let json: RawAnswer['json'];
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { text, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headers, json, closedByServer };
}

/**
 * Writes `request` on a fresh connection and reads until the server closes it, or until `waitMs` passes
 * (then `closedByServer` is false and whatever arrived is returned).
 */
function rawExchange(request: string, waitMs = 3_000, port = shared.rig.server.port): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(parseRaw(text, false));
    }, waitMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRaw(text, true));
    });
    socket.write(request);
  });
}

/** One complete request with a Content-Length body and `Connection: close`. */
function rawRequest(method: string, target: string, body = '', extraHeaders = ''): string {
  const length = body === '' ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${length}${extraHeaders}Connection: close\r\n\r\n${body}`;
}

const GATEWAY_REJECTION = { error: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' };

describe('request-targets reach a route only as API Gateway REST would route them', () => {
  test.each([
    '/%2e%2e/converse',
    '/%2E%2E/converse',
    '/x/%2e%2e/converse',
    '/x/../converse',
    '/./converse',
    '/converse/.',
    '/convers%65',
    '/%63onverse',
    '//converse',
    '/converse//',
    '/\\converse',
    '/converse\\',
    '/nope',
    '/',
    '*',
    'http://127.0.0.1/converse',
  ])('POST %s: 403 MISSING_AUTHENTICATION_TOKEN in the {error, message} shape, Bedrock never called', async (target) => {
    const answer = await rawExchange(rawRequest('POST', target, converseBody()));
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json).toEqual(GATEWAY_REJECTION);
    expect(shared.fake.regionsCalled()).toEqual([]);
  });

  test.each(['/converse', '/converse/', '/converse?trace=1'])('POST %s reaches /converse and is served', async (target) => {
    const answer = await rawExchange(rawRequest('POST', target, converseBody()));
    expect(answer.status).toBe(200);
    expect(shared.fake.regionsCalled()).toHaveLength(1);
  });

  test('a wrong method on a route still gets the handler\'s 405 with allow', async () => {
    const answer = await rawExchange(rawRequest('GET', '/converse'));
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(answer.json).toMatchObject({ error: 'MethodNotAllowed' });
  });
});

describe('what Node\'s HTTP server refuses is answered in JSON, and the server keeps serving', () => {
  const HOST = 'Host: 127.0.0.1\r\n';
  test.each([
    ['a request line that is not HTTP', 400, 'BadRequest', /HPE_INVALID_METHOD/, 'GARBAGE\r\n\r\n'],
    ['a non-numeric Content-Length', 400, 'BadRequest', /Content-Length/, `POST /converse HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n`],
    ['two different Content-Lengths', 400, 'BadRequest', /Content-Length/, `POST /converse HTTP/1.1\r\n${HOST}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`],
    ['Content-Length with Transfer-Encoding', 400, 'BadRequest', /Transfer-Encoding/, `POST /converse HTTP/1.1\r\n${HOST}Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n`],
    ['a malformed chunk size', 400, 'BadRequest', /chunk size/, `POST /converse HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nzz\r\n`],
    ['a space in the path', 400, 'BadRequest', /not valid HTTP\/1\.1/, `GET /a b HTTP/1.1\r\n${HOST}\r\n`],
    ['headers over the size limit', 431, 'RequestHeaderFieldsTooLarge', /larger than 16384 bytes/, `GET /health HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['an HTTP/1.1 request without Host', 400, 'BadRequest', /no Host header/, 'GET /health HTTP/1.1\r\n\r\n'],
    ['an unsupported Expect', 417, 'ExpectationFailed', /Expect: tea/, `POST /converse HTTP/1.1\r\n${HOST}Expect: tea\r\nContent-Length: 2\r\n\r\n{}`],
    ['CONNECT', 403, 'MISSING_AUTHENTICATION_TOKEN', /Missing Authentication Token/, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'],
  ])('%s: %i %s', async (_case, status, error, message, request) => {
    const answer = await rawExchange(request);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json).toEqual({ error, message: expect.stringMatching(message) });
    expect(answer.closedByServer).toBe(true);
    expect((await send(shared.rig.server.url, 'GET', '/health')).status).toBe(200);
  });

  test('a request that does not arrive within the request timeout: 408 RequestTimeout naming the limits', async () => {
    const server = await startLocalServer({ port: 0, config: testConfig(), endpoint: shared.fake.url, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    try {
      const slowHeaders = await rawExchange(`POST /converse HTTP/1.1\r\n${HOST}`, 5_000, server.port);
      expect(slowHeaders.status).toBe(408);
      expect(slowHeaders.json).toEqual({ error: 'RequestTimeout', message: expect.stringContaining(`within ${REQUEST_TIMEOUT_MS} ms`) });
      const slowBody = await rawExchange(`POST /converse HTTP/1.1\r\n${HOST}Content-Length: 100\r\n\r\n{"messa`, 5_000, server.port);
      expect(slowBody.status).toBe(408);
      expect(slowBody.json).toMatchObject({ error: 'RequestTimeout' });
      expect((await send(server.url, 'GET', '/health')).status).toBe(200);
    } finally {
      await server.close();
    }
    expect(shared.fake.regionsCalled()).toEqual([]);
  });
});

describe('the body limit is enforced while reading', () => {
  const tooLarge = (size: string): unknown => ({ error: 'PayloadTooLarge', message: `the request body is ${size} bytes; send at most ${MAX_BODY_BYTES} bytes` });

  test('a Content-Length over the limit is refused before any of the body is sent, and the connection closed', async () => {
    const announced = 30 * 1024 * 1024;
    const answer = await rawExchange(`POST /converse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${announced}\r\n\r\n`);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(tooLarge(String(announced)));
    expect(answer.headers.connection).toBe('close');
    expect(answer.closedByServer).toBe(true);
  });

  test('with Expect: 100-continue, an oversized body gets the 413 instead of 100 Continue', async () => {
    const answer = await rawExchange(`POST /converse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${10 * MAX_BODY_BYTES}\r\nExpect: 100-continue\r\n\r\n`);
    expect(answer.text).not.toContain('100 Continue');
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(tooLarge(String(10 * MAX_BODY_BYTES)));
  });

  test('with Expect: 100-continue, a body within the limit gets 100 Continue and is served', async () => {
    const body = converseBody();
    const socket = net.connect(shared.rig.server.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text === 'HTTP/1.1 100 Continue\r\n\r\n') {
        socket.write(body);
      }
    });
    socket.write(`POST /converse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    await new Promise((resolve) => socket.on('close', resolve));
    expect(parseRaw(text, true).status).toBe(200);
  });

  test('a chunked body growing past the limit: the 413 arrives while the client is still sending, and the server closes the connection', async () => {
    const total = 48 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const socket = net.connect(shared.rig.server.port, '127.0.0.1');
    let text = '';
    let sent = 0;
    let sentWhenAnswered: number | undefined;
    let closed = false;
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1');
      sentWhenAnswered ??= sent;
    });
    socket.on('error', () => undefined);
    const done = new Promise<void>((resolve) => socket.on('close', () => {
      closed = true;
      resolve();
    }));
    await new Promise<void>((resolve) => socket.write('POST /converse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', () => resolve()));
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    while (sent < total && !closed && socket.writable) {
      await new Promise<void>((resolve) => socket.write(frame, () => resolve()));
      sent += chunk.length;
    }
    if (!closed && socket.writable) {
      socket.end('0\r\n\r\n');
    }
    await done;
    // Only socket buffers' worth beyond the limit was in flight when the server answered and stopped
    // reading (the kernel's loopback buffers hold a few MB); a server that reads the whole body first
    // answers only after all 48 MB are sent.
    expect(sentWhenAnswered).toBeDefined();
    expect(sentWhenAnswered!).toBeLessThan(16 * 1024 * 1024);
    expect(sent).toBeLessThan(total);
    const answer = parseRaw(text, true);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(tooLarge(`more than ${MAX_BODY_BYTES}`));
    expect(answer.headers.connection).toBe('close');
    expect(shared.fake.regionsCalled()).toEqual([]);
  });
});
