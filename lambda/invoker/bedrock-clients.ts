/* eslint-disable import/no-extraneous-dependencies -- the handler bundles its SDK with esbuild (pinned versions), so it is a devDependency on purpose */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  BedrockRuntimeClient, ConverseCommand, ConverseCommandOutput, ConverseStreamCommand, ConverseStreamCommandOutput,
  InvokeModelCommand, InvokeModelCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AttemptControl } from './resilience/attempt-control';

/** The Bedrock runtime commands the invoker sends. */
type InvokerCommand = ConverseCommand | ConverseStreamCommand | InvokeModelCommand;

/**
 * Where the "sent" mark sits: the deserialize step wraps the HTTP handler itself, so everything before it
 * (serialisation, endpoint resolution, credentials, signing) has succeeded when it runs.
 */
const MARK_SENT = { step: 'deserialize', priority: 'low', name: 'invokerMarkSentMiddleware' } as const;

/** The first middleware of the SDK's stack: from here on a failure is the SDK building the request. */
const MARK_IN_SDK = { step: 'initialize', priority: 'high', name: 'invokerMarkInSdkMiddleware' } as const;

/** Optional hook to wrap each new client (the tracer uses it to capture AWS SDK calls). */
export type ClientInstrumentation = (client: BedrockRuntimeClient) => BedrockRuntimeClient;

/**
 * The longest the handlers wait for a TCP/TLS connection to Bedrock to open, in milliseconds (their
 * attempt timeout when that is shorter): a region that takes longer to accept a connection is not
 * worth the rest of the attempt.
 */
export const MAX_CONNECTION_TIMEOUT_MS = 3_000;

/** Settings of {@link BedrockClients}. */
export interface BedrockClientsOptions {
  /** Time allowed to open a TCP/TLS connection, in milliseconds. */
  readonly connectionTimeoutMs: number;
  readonly instrument?: ClientInstrumentation;
}

/**
 * One Bedrock runtime client per source region, created lazily on first use and kept for the life of
 * the container (connection reuse matters more than anything else for the invoker's overhead).
 *
 * - `maxAttempts: 1`: the invoker owns retries and failover; SDK retries would spend the deadline on a
 *   region that is already failing, and hide attempts from the breaker and the metrics.
 * - HTTP/1.1 (`NodeHttpHandler` with a keep-alive agent) instead of the runtime client's HTTP/2 default:
 *   Converse, ConverseStream and InvokeModel are plain request/response (ConverseStream is a streamed
 *   response body), so HTTP/2 buys nothing here, while one HTTP/2 session per region would multiplex
 *   every in-flight call over one connection, so a stalled or reset session fails them all together and
 *   per-attempt aborts are coarser. With HTTP/1.1 each attempt owns its socket: an attempt timeout or a
 *   reset kills exactly one call, and keep-alive still avoids a TLS handshake per request.
 * - No endpoint is set: the SDK resolves the regional endpoint, or honours `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
 *   (the local server, tests, bench and drill point it at the loopback fake Bedrock).
 */
export class BedrockClients {
  private readonly clients = new Map<string, BedrockRuntimeClient>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  public constructor(private readonly options: BedrockClientsOptions) {}

  /** The client for `region`, created on first use. */
  public clientFor(region: string): BedrockRuntimeClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new BedrockRuntimeClient({
        region,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({
          httpAgent: this.httpAgent,
          httpsAgent: this.httpsAgent,
          connectionTimeout: this.options.connectionTimeoutMs,
        }),
      });
      client = this.options.instrument?.(client) ?? client;
      this.clients.set(region, client);
    }
    return client;
  }

  /**
   * Sends `command` to `region` for one attempt: aborted by `control`'s signal, and marking `control` as
   * sent when the SDK hands the request to the HTTP handler, so the failover walk can tell a failure of
   * the region from one raised while the SDK was still building the request (for example a body it could
   * not serialise).
   */
  public send(region: string, command: ConverseStreamCommand, control: AttemptControl): Promise<ConverseStreamCommandOutput>;
  public send(region: string, command: ConverseCommand, control: AttemptControl): Promise<ConverseCommandOutput>;
  public send(region: string, command: InvokeModelCommand, control: AttemptControl): Promise<InvokeModelCommandOutput>;
  public send(region: string, command: InvokerCommand, control: AttemptControl): Promise<unknown> {
    // The overloads above give each command its own types; the SDK's generic signatures cannot take the union.
    const typed = command as ConverseStreamCommand;
    typed.middlewareStack.add((next) => (args) => {
      control.markHandedToSdk();
      return next(args);
    }, MARK_IN_SDK);
    typed.middlewareStack.add((next) => (args) => {
      control.markSent();
      return next(args);
    }, MARK_SENT);
    return this.clientFor(region).send(typed, { abortSignal: control.signal });
  }

  /** Closes every client and its sockets (tests and the local server call this on shutdown). */
  public destroy(): void {
    for (const client of this.clients.values()) {
      client.destroy();
    }
    this.clients.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
