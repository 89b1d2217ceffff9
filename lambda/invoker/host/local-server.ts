/**
 * Local development server for the invoker: serves the handler's routes on 127.0.0.1, translating each
 * HTTP request into the API Gateway REST proxy event the deployed function receives (local-gateway.ts),
 * and standing in for the Lambda `awslambda.HttpResponseStream` streaming contract (local-response-stream.ts).
 *
 *   npx projen serve -- --help
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Context } from 'aws-lambda';
import { answerOnSocket, ClientError, clientErrorAnswer, ClientErrorLimits } from './local-client-errors';
import { apiGatewayEventFromHttp, gatewayResource, LocalAnswer, MISSING_AUTHENTICATION_TOKEN } from './local-gateway';
import { announcedTooLarge, announcesBody, API_GATEWAY_MAX_BODY_BYTES, readBoundedBody } from './local-request-reader';
import { LocalResponseStream, localHttpResponseStream } from './local-response-stream';
import { truncate } from '../http/client-text';
import { createInvokerRuntime, InvokerRuntime, InvokerRuntimeOptions } from '../runtime';
import { createStreamingHandler } from './streaming-adapter';
import { CommandLineError, HELP_REQUESTED, listValues, readCommandLine } from '../../../lib/shared/command-line';
import { INVOKER_CONFIG_ENV, InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** Defaults of the local server's configuration (a small EU plan, short enough deadlines for local work). */
export const LOCAL_DEFAULT_CONFIG: InvokerRuntimeConfig = {
  geography: 'eu',
  regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
  profileIds: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  deadlineMs: 25_000,
  attemptTimeoutMs: 10_000,
  firstTokenTimeoutMs: 10_000,
  maxBodyBytes: 1_048_576,
  breakerFailureThreshold: 3,
  breakerCooldownMs: 30_000,
  backoffBaseMs: 100,
  backoffMaxMs: 2_000,
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Options of {@link startLocalServer}. */
export interface LocalServerOptions {
  /** Port on 127.0.0.1 (0 = ephemeral; default 8787). */
  readonly port?: number;
  /** Loopback address to bind (default 127.0.0.1); anything else is refused. */
  readonly host?: string;
  /** Invoker configuration (default {@link LOCAL_DEFAULT_CONFIG}, or `INVOKER_CONFIG` from the environment). */
  readonly config?: InvokerRuntimeConfig;
  /** Sets `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` (e.g. the fake Bedrock's URL) before any client exists. */
  readonly endpoint?: string;
  /** Extra runtime options (tests inject clocks or metrics). */
  readonly runtimeOptions?: Omit<InvokerRuntimeOptions, 'configJson'>;
  /**
   * How long a client may take to send a whole request (headers and body) before it is answered 408;
   * its headers get at most 60 s of it.
   * @default 300000 (Node's `server.requestTimeout`)
   */
  readonly requestTimeoutMs?: number;
}

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  /** The runtime behind it (its breakers persist across requests, as in one Lambda container). */
  readonly runtime: InvokerRuntime;
  close(): Promise<void>;
}

/**
 * Starts the local server (used by `npx projen serve`, tests, bench and drill). Binds to loopback only.
 *
 * Before the handler runs, the server does what the deployed API Gateway would, and answers in the
 * `{ error, message }` JSON shape whatever it refuses:
 * - a request-target that reaches none of the API's resources, matched literally as API Gateway does
 *   (so `/%2e%2e/converse`, `//converse` or `/converse/.` reach nothing), gets API Gateway's 403
 *   `MISSING_AUTHENTICATION_TOKEN` (see {@link gatewayResource});
 * - a body over the configured `maxBodyBytes` gets 413 `PayloadTooLarge` naming the limit: at once when
 *   Content-Length announces it (without `100 Continue`), else as soon as the bytes read pass the limit;
 *   reading stops there and the connection is closed, so memory stays bounded by about the limit;
 * - what Node's HTTP parser refuses (malformed requests, headers too large, a request that does not
 *   arrive within `requestTimeoutMs`) gets 400, 431 or 408 (see {@link clientErrorAnswer}), as do a
 *   missing Host header (400), an unsupported `Expect` (417) and CONNECT (403, no resource).
 * Requests that reach a resource get the handler's answer, including its 405 for a wrong method.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(`the local server only binds to loopback (127.0.0.1, ::1 or localhost), not '${host}'`);
  }
  if (options.endpoint !== undefined) {
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = options.endpoint;
  }
  const configJson = options.config !== undefined
    ? JSON.stringify(options.config)
    : process.env[INVOKER_CONFIG_ENV] ?? JSON.stringify(LOCAL_DEFAULT_CONFIG);
  const runtime = createInvokerRuntime({ functionRegion: process.env.AWS_REGION, ...options.runtimeOptions, configJson });
  const handler = createStreamingHandler(() => runtime, localHttpResponseStream);
  const context = { functionName: 'local-invoker', awsRequestId: 'local' } as Context;
  const maxBodyBytes = runtime.configResult.ok ? runtime.configResult.config.maxBodyBytes : API_GATEWAY_MAX_BODY_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? 300_000;
  const limits: ClientErrorLimits = { maxHeaderBytes: http.maxHeaderSize, headersTimeoutMs: Math.min(60_000, requestTimeoutMs), requestTimeoutMs };
  /** The response under way on each socket, so a late parse error never writes into it. */
  const inFlight = new WeakMap<Socket, http.ServerResponse>();

  const serve = async (request: http.IncomingMessage, response: http.ServerResponse, expectsContinue: boolean): Promise<void> => {
    inFlight.set(request.socket, response);
    response.once('close', () => {
      if (inFlight.get(request.socket) === response) {
        inFlight.delete(request.socket);
      }
    });
    if (request.headers.host === undefined && request.httpVersion === '1.1') {
      return answerEarly(request, response, badRequest('the request has no Host header, which HTTP/1.1 requires; send one (e.g. Host: 127.0.0.1)'), true);
    }
    const resource = gatewayResource(request.url);
    if (resource === undefined) {
      return answerEarly(request, response, MISSING_AUTHENTICATION_TOKEN);
    }
    const announcedTooMuch = announcedTooLarge(request, maxBodyBytes);
    if (announcedTooMuch !== undefined) {
      return answerEarly(request, response, announcedTooMuch);
    }
    if (expectsContinue) {
      response.writeContinue();
    }
    const read = await readBoundedBody(request, maxBodyBytes);
    if (read.kind === 'aborted') {
      response.destroy();
      return;
    }
    if (read.kind === 'too-large') {
      return answerEarly(request, response, read.answer);
    }
    await handler(apiGatewayEventFromHttp(request, resource, read.body), new LocalResponseStream(response), context).catch((error: unknown) => {
      // What API Gateway does when the integration fails before streaming anything.
      runtime.logger.error('Handler threw', { error: error as Error });
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'application/json' });
      }
      response.end(JSON.stringify({ message: 'Internal server error' }));
    });
  };
  const serveSafely = (request: http.IncomingMessage, response: http.ServerResponse, expectsContinue: boolean): void => {
    serve(request, response, expectsContinue).catch((error: unknown) => {
      runtime.logger.error('Local server failed on a request', { error: error as Error });
      response.destroy();
    });
  };

  const server = http.createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
    // Checked in serve, to answer in JSON rather than with Node's empty 400.
    requireHostHeader: false,
  }, (request, response) => serveSafely(request, response, false));
  server.on('checkContinue', (request: http.IncomingMessage, response: http.ServerResponse) => serveSafely(request, response, true));
  server.on('checkExpectation', (request: http.IncomingMessage, response: http.ServerResponse) => answerEarly(request, response, {
    status: 417,
    headers: { 'content-type': 'application/json' },
    body: { error: 'ExpectationFailed', message: `'Expect: ${truncate(request.headers.expect ?? '')}' is not supported; send 'Expect: 100-continue' or no Expect header` },
  }));
  server.on('clientError', (error: ClientError, socket: Socket) => answerOnSocket(socket, clientErrorAnswer(error, limits), inFlight.get(socket)));
  server.on('connect', (_request: http.IncomingMessage, socket: Socket) => answerOnSocket(socket, MISSING_AUTHENTICATION_TOKEN));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    runtime,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      runtime.clients.destroy();
    },
  };
}

/**
 * Sends an answer the server gives itself. When part of an announced body is still unread (or `close`
 * says so), the answer says `Connection: close` and Node closes the connection after it, so the client
 * cannot keep sending.
 */
function answerEarly(request: http.IncomingMessage, response: http.ServerResponse, answer: LocalAnswer, close = false): void {
  const body = JSON.stringify(answer.body);
  const closing = close || (announcesBody(request) && !request.complete);
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(Buffer.byteLength(body)),
    ...(closing ? { connection: 'close' } : {}),
  });
  response.end(body);
}

function badRequest(message: string): LocalAnswer {
  return { status: 400, headers: { 'content-type': 'application/json' }, body: { error: 'BadRequest', message } };
}

const HELP = `Local invoker server: serves POST /converse, POST /converse-stream, POST /invoke, GET /health on loopback.

Usage: npx projen serve -- [options]

  --port <n>                 port on 127.0.0.1 (default 8787; 0 = ephemeral)
  --host <addr>              loopback address: 127.0.0.1 (default), ::1 or localhost; anything else is refused
  --endpoint <url>           Bedrock runtime endpoint; sets AWS_ENDPOINT_URL_BEDROCK_RUNTIME
                             (e.g. a fake: http://127.0.0.1:9000). Without it the real regional endpoints and
                             your AWS credentials are used.
  --geography <geo>          us | eu | apac | jp | au | ca | us-gov | global (default ${LOCAL_DEFAULT_CONFIG.geography})
  --region-plan <r1,r2,...>  source regions in order of preference (default ${LOCAL_DEFAULT_CONFIG.regionPlan.join(',')})
  --profiles <id1,id2,...>   allowed inference profile ids; the first is the default
  --config <json>            a whole InvokerRuntimeConfig as JSON (flags above override its fields)
  --deadline-ms, --attempt-timeout-ms, --first-token-timeout-ms, --max-body-bytes,
  --breaker-failure-threshold, --breaker-cooldown-ms, --backoff-base-ms, --backoff-max-ms <n>
  --help                     this text

Environment: ${INVOKER_CONFIG_ENV} (JSON config, used when --config is absent), AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
AWS_REGION (reported by /health), POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_DISABLED=true (silences EMF output).

Examples:
  curl -s localhost:8787/health
  curl -s localhost:8787/converse -d '{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}'
  curl -N localhost:8787/converse-stream -d '{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}'
`;

const NUMERIC_FLAGS: Readonly<Record<string, keyof InvokerRuntimeConfig>> = {
  'deadline-ms': 'deadlineMs',
  'attempt-timeout-ms': 'attemptTimeoutMs',
  'first-token-timeout-ms': 'firstTokenTimeoutMs',
  'max-body-bytes': 'maxBodyBytes',
  'breaker-failure-threshold': 'breakerFailureThreshold',
  'breaker-cooldown-ms': 'breakerCooldownMs',
  'backoff-base-ms': 'backoffBaseMs',
  'backoff-max-ms': 'backoffMaxMs',
};

const TEXT = { type: 'string' } as const;

/** The options of the command line, every one with a value. */
const OPTIONS = {
  'port': TEXT,
  'host': TEXT,
  'endpoint': TEXT,
  'geography': TEXT,
  'region-plan': TEXT,
  'profiles': TEXT,
  'config': TEXT,
  ...Object.fromEntries(Object.keys(NUMERIC_FLAGS).map((flag) => [flag, TEXT])),
} as const;

/** Parses the command line into server options; throws with a readable message on a bad flag. */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LocalServerOptions | 'help' {
  let values: Record<string, string | undefined>;
  try {
    const read = readCommandLine(argv, OPTIONS);
    if (read === HELP_REQUESTED) {
      return 'help';
    }
    values = read as Record<string, string | undefined>;
  } catch (error) {
    if (!(error instanceof CommandLineError) || error.argument === undefined) {
      throw error;
    }
    throw new Error(error.problem === 'unknown-option'
      ? `unknown flag '${error.argument}'; see --help`
      : `unexpected argument '${error.argument}'; see --help`);
  }
  const base: Record<string, unknown> = { ...LOCAL_DEFAULT_CONFIG };
  const configSource = values.config !== undefined ? '--config' : INVOKER_CONFIG_ENV;
  const configJson = values.config ?? env[INVOKER_CONFIG_ENV];
  if (configJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(configJson);
    } catch (error) {
      throw new Error(`${configSource} is not valid JSON (${(error as Error).message}); pass an InvokerRuntimeConfig object`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${configSource} must be a JSON object (an InvokerRuntimeConfig), got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
    }
    Object.assign(base, parsed);
  }
  let port = 8787;
  let host: string | undefined;
  let endpoint: string | undefined = env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined) {
      continue;
    }
    if (flag === 'port') {
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be an integer 0-65535, got '${value}'`);
      }
    } else if (flag === 'host') {
      host = value;
    } else if (flag === 'endpoint') {
      endpoint = value;
    } else if (flag === 'geography') {
      base.geography = value;
    } else if (flag === 'region-plan') {
      base.regionPlan = listValues([value]);
    } else if (flag === 'profiles') {
      base.profileIds = listValues([value]);
    } else if (NUMERIC_FLAGS[flag] !== undefined) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) {
        throw new Error(`--${flag} must be a number, got '${value}'`);
      }
      base[NUMERIC_FLAGS[flag]] = number;
    }
  }
  return { port, host, endpoint, config: base as unknown as InvokerRuntimeConfig };
}

async function main(): Promise<void> {
  let options: LocalServerOptions | 'help';
  try {
    options = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const server = await startLocalServer(options);
  const config = server.runtime.configResult;
  process.stdout.write(`invoker listening on ${server.url} (endpoint: ${process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? 'real AWS regional endpoints'})\n`);
  if (config.ok) {
    process.stdout.write(`geography ${config.config.geography}, region plan ${config.config.regionPlan.join(' → ')}, profiles ${config.config.profileIds.join(', ')}\n`);
  } else {
    process.stdout.write(`configuration is invalid (every route answers 500): ${config.problems.join('; ')}\n`);
  }
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
