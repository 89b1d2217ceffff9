/**
 * Local development server for the invoker: serves the handler's routes on 127.0.0.1, translating each
 * HTTP request into the API Gateway REST proxy event the deployed function receives, and standing in
 * for the Lambda `awslambda.HttpResponseStream` streaming contract (status and headers first, then
 * body chunks written as they come, so SSE streams live).
 *
 *   npx projen serve -- --help
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { HttpResponseStreamFactory, HttpResponseStreamPrelude } from './awslambda';
import { createInvokerRuntime, InvokerRuntime, InvokerRuntimeOptions } from '../runtime';
import { createStreamingHandler } from './streaming-adapter';
import { CommandLineError, HELP_REQUESTED, readCommandLine } from '../../../lib/shared/command-line';
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

/** Response stream the stand-in hands to the handler: a Writable over `http.ServerResponse`. */
export class LocalResponseStream extends Writable {
  private preludeSent = false;

  public constructor(private readonly response: http.ServerResponse) {
    super();
    response.on('close', () => {
      if (!response.writableFinished) {
        this.destroy();
      }
    });
  }

  /** Sends status and headers (what `HttpResponseStream.from` does in Lambda). */
  public sendPrelude(prelude: HttpResponseStreamPrelude): void {
    if (this.preludeSent) {
      throw new Error('HttpResponseStream.from called twice on one response stream');
    }
    this.preludeSent = true;
    const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
    for (const [name, values] of Object.entries(prelude.multiValueHeaders ?? {})) {
      headers[name] = [...values];
    }
    if (prelude.cookies !== undefined && prelude.cookies.length > 0) {
      headers['set-cookie'] = [...prelude.cookies];
    }
    this.response.writeHead(prelude.statusCode ?? 200, headers);
    this.response.flushHeaders();
  }

  public override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.preludeSent) {
      // Lambda streams without a prelude as 200 application/octet-stream.
      this.sendPrelude({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    }
    if (this.response.write(chunk)) {
      callback();
    } else {
      this.response.once('drain', () => callback());
    }
  }

  public override _final(callback: (error?: Error | null) => void): void {
    if (!this.preludeSent) {
      this.sendPrelude({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    }
    this.response.end(() => callback());
  }
}

/** Stand-in for `awslambda.HttpResponseStream`. */
export const localHttpResponseStream: HttpResponseStreamFactory = {
  from(stream, prelude) {
    if (!(stream instanceof LocalResponseStream)) {
      throw new Error('local HttpResponseStream.from needs the response stream the server passed to the handler');
    }
    stream.sendPrelude(prelude);
    return stream;
  },
};

/**
 * Builds the API Gateway REST proxy event (v1) API Gateway would send for this request. Bodies whose
 * content type is not JSON or text are base64-encoded with `isBase64Encoded: true`, as API Gateway does
 * for binary media types.
 */
export function apiGatewayEventFromHttp(request: http.IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index];
    const value = request.rawHeaders[index + 1];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  }
  const contentType = (request.headers['content-type'] ?? '').toLowerCase();
  const textual = contentType === '' || contentType.startsWith('application/json') || contentType.startsWith('text/');
  const hasBody = body.length > 0;
  return {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length > 0 ? multiValueQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: hasBody ? body.toString(textual ? 'utf8' : 'base64') : null,
    isBase64Encoded: hasBody && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: request.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/local${url.pathname}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
  };
}

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
}

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  /** The runtime behind it (its breakers persist across requests, as in one Lambda container). */
  readonly runtime: InvokerRuntime;
  close(): Promise<void>;
}

/** Starts the local server (used by `npx projen serve`, tests, bench and drill). Binds to loopback only. */
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

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const stream = new LocalResponseStream(response);
      handler(apiGatewayEventFromHttp(request, Buffer.concat(chunks)), stream, context).catch((error: unknown) => {
        // What API Gateway does when the integration fails before streaming anything.
        runtime.logger.error('Handler threw', { error: error as Error });
        if (!response.headersSent) {
          response.writeHead(502, { 'content-type': 'application/json' });
        }
        response.end(JSON.stringify({ message: 'Internal server error' }));
      });
    });
  });
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
  const list = (text: string): string[] => text.split(',').map((item) => item.trim()).filter((item) => item !== '');
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
      base.regionPlan = list(value);
    } else if (flag === 'profiles') {
      base.profileIds = list(value);
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
