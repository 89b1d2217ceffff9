import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { Fault, FakeOperation } from './faults';
import { isLoopbackHost } from './loopback-guard';

export { faults } from './faults';
export type { Fault, FakeOperation } from './faults';

/** One call the fake received. */
export interface RecordedCall {
  /** Region from the SigV4 credential scope of the Authorization header (`unknown` if unsigned). */
  readonly region: string;
  readonly operation: FakeOperation;
  readonly modelId: string;
  /** `Date.now()` when the request arrived. */
  readonly atMs: number;
  /** The request body bytes. */
  readonly body: Buffer;
  /** The fault injected into this call, if any. */
  readonly fault?: Fault['kind'];
}

/** Options of {@link startFakeBedrock}. */
export interface FakeBedrockOptions {
  /** Delay between stream events, in milliseconds (default 0). */
  readonly interEventDelayMs?: number;
  /** Number of text deltas per stream (default 2). */
  readonly textDeltas?: number;
}

/**
 * The events of one scripted ConverseStream answer, as `[event type, payload]` in sending order (the
 * payload is the event's JSON body; blobs as base64, as on the wire).
 */
export type StreamScript = ReadonlyArray<readonly [eventType: string, payload: unknown]>;

interface ScriptRule {
  readonly region: string;
  readonly script: StreamScript;
  remaining: number;
}

interface StreamPlan {
  readonly events?: StreamScript;
  readonly firstEventDelayMs?: number;
  readonly interEventDelayMs?: number;
  readonly exceptionAfter?: number;
  readonly exceptionType?: string;
  readonly exceptionMessage?: string;
  readonly endAfter?: number;
}

/** How a fault rule applies (see {@link FakeBedrock.inject}). */
export interface FaultRuleOptions {
  readonly times?: number;
  readonly operation?: FakeOperation;
  /** The share of matching calls the rule applies to, in (0, 1] (default: every call). */
  readonly share?: number;
  /** The draw for `share` (default Math.random). */
  readonly random?: () => number;
}

interface FaultRule {
  readonly region: string;
  readonly operation?: FakeOperation;
  readonly fault: Fault;
  readonly share?: number;
  readonly random: () => number;
  /** Calls left to fail; Infinity = until cleared. */
  remaining: number;
}

/** Token usage the fake reports on every successful call. */
export const FAKE_USAGE = { inputTokens: 11, outputTokens: 7, totalTokens: 18 } as const;

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/bedrock\/aws4_request/;
const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * A fake Amazon Bedrock runtime on 127.0.0.1 (ephemeral port, HTTP/1.1) speaking the real wire format:
 * JSON bodies, errors as JSON with `x-amzn-errortype`, ConverseStream as AWS event-stream binary frames.
 * One server plays every region (the SDK's SigV4 credential scope says which), records every call, and
 * injects per-region faults from a script.
 */
export class FakeBedrock {
  /** Every call received, in arrival order. */
  public readonly calls: RecordedCall[] = [];
  /** Calls whose caller closed the connection before the answer was complete (an aborted attempt). */
  private readonly abandonedCalls = new Set<RecordedCall>();
  private readonly rules: FaultRule[] = [];
  private readonly scripts: ScriptRule[] = [];
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  public constructor(private readonly server: http.Server, private readonly options: FakeBedrockOptions) {}

  /** Base URL to put in `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`. */
  public get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Injects `fault` into calls to `region` (`*` = every region), optionally only for one operation.
   * `times` = fail the next N matching calls, then recover (default: until {@link clearFaults}).
   * `share` = the rule applies to that share of the matching calls, drawn with `random` (default
   * `Math.random`); the others go on to the next rule. Rules are matched in the order they were added.
   */
  public inject(region: string, fault: Fault, options: FaultRuleOptions = {}): this {
    this.rules.push({
      region,
      fault,
      operation: options.operation,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      share: options.share,
      random: options.random ?? Math.random,
    });
    return this;
  }

  /**
   * Answers the next ConverseStream calls to `region` (`*` = every region) with `script` instead of the
   * default text answer (faults still apply on top: a `stream-exception` after N events cuts the script).
   * `times` = the next N matching calls (default: until {@link reset}).
   */
  public scriptStream(region: string, script: StreamScript, options: { readonly times?: number } = {}): this {
    this.scripts.push({ region, script, remaining: options.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Removes every fault (regions recover). */
  public clearFaults(): this {
    this.rules.length = 0;
    return this;
  }

  /** Forgets recorded calls, faults and stream scripts. */
  public reset(): this {
    this.calls.length = 0;
    this.scripts.length = 0;
    this.abandonedCalls.clear();
    return this.clearFaults();
  }

  /** Calls the caller gave up on (closed the connection) before their answer was complete, in arrival order. */
  public abandoned(): RecordedCall[] {
    return this.calls.filter((call) => this.abandonedCalls.has(call));
  }

  /** Regions called, in order. */
  public regionsCalled(): string[] {
    return this.calls.map((call) => call.region);
  }

  /** Stops the server, dropping open (hung) connections. */
  public async close(): Promise<void> {
    for (const timer of this.pendingTimers) {
      clearTimeout(timer);
    }
    this.pendingTimers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** @internal request entry point */
  public handle(request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): void {
    const route = ROUTE.exec((request.url ?? '').split('?')[0]);
    const region = CREDENTIAL_SCOPE.exec(request.headers.authorization ?? '')?.[1] ?? 'unknown';
    if (request.method !== 'POST' || route === null) {
      sendError(response, { kind: 'error', status: 404, name: 'UnknownOperationException', message: 'unknown operation' });
      return;
    }
    const operation = route[2] as FakeOperation;
    const modelId = decodeURIComponent(route[1]);
    const fault = this.takeFault(region, operation);
    const events = operation === 'converse-stream' ? this.takeScript(region) : undefined;
    const call: RecordedCall = { region, operation, modelId, atMs: Date.now(), body, fault: fault?.kind };
    this.calls.push(call);
    response.once('close', () => {
      if (!response.writableFinished && fault?.kind !== 'reset') {
        this.abandonedCalls.add(call);
      }
    });
    if (fault === undefined) {
      this.answer(response, operation, region, body, events);
      return;
    }
    switch (fault.kind) {
      case 'error':
        sendError(response, fault);
        return;
      case 'hang':
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'slow':
        this.later(fault.delayMs, () => this.answer(response, operation, region, body, events));
        return;
      case 'slow-first-event':
        if (operation !== 'converse-stream') {
          this.later(fault.delayMs, () => this.answer(response, operation, region, body));
          return;
        }
        this.stream(response, region, { events, firstEventDelayMs: fault.delayMs });
        return;
      case 'slow-stream':
        if (operation !== 'converse-stream') {
          // Without a stream the whole answer comes when the generation ends.
          const generationMs = fault.interEventDelayMs * ((events ?? this.streamEvents(region)).length - 1);
          this.later(generationMs, () => this.answer(response, operation, region, body));
          return;
        }
        this.stream(response, region, { events, interEventDelayMs: fault.interEventDelayMs });
        return;
      case 'stream-exception':
        if (operation !== 'converse-stream') {
          sendError(response, { kind: 'error', status: 500, name: 'InternalServerException', message: 'stream fault on a non-stream call' });
          return;
        }
        this.stream(response, region, {
          events,
          exceptionAfter: fault.afterEvents,
          exceptionType: fault.exceptionType,
          exceptionMessage: fault.message,
        });
        return;
      case 'stream-end-early':
        if (operation !== 'converse-stream') {
          sendError(response, { kind: 'error', status: 500, name: 'InternalServerException', message: 'stream fault on a non-stream call' });
          return;
        }
        this.stream(response, region, { events, endAfter: fault.afterEvents });
        return;
    }
  }

  private takeFault(region: string, operation: FakeOperation): Fault | undefined {
    const rule = this.rules.find((candidate) => (candidate.region === '*' || candidate.region === region)
      && (candidate.operation === undefined || candidate.operation === operation)
      && candidate.remaining > 0
      && (candidate.share === undefined || candidate.random() < candidate.share));
    if (rule === undefined) {
      return undefined;
    }
    rule.remaining -= 1;
    return rule.fault;
  }

  private takeScript(region: string): StreamScript | undefined {
    const rule = this.scripts.find((candidate) => (candidate.region === '*' || candidate.region === region) && candidate.remaining > 0);
    if (rule === undefined) {
      return undefined;
    }
    rule.remaining -= 1;
    return rule.script;
  }

  private answer(response: http.ServerResponse, operation: FakeOperation, region: string, body: Buffer, events?: StreamScript): void {
    if (response.destroyed) {
      return;
    }
    if (operation === 'converse-stream') {
      this.stream(response, region, { events });
      return;
    }
    if (operation === 'invoke') {
      sendJson(response, 200, { region, receivedBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
      return;
    }
    sendJson(response, 200, {
      output: { message: { role: 'assistant', content: [{ text: `hello from ${region}` }] } },
      stopReason: 'end_turn',
      usage: FAKE_USAGE,
      metrics: { latencyMs: 5 },
    });
  }

  /** The default ConverseStream answer: "hello from <region>" in `textDeltas` deltas, then stop and metadata. */
  private streamEvents(region: string): StreamScript {
    const deltas = this.options.textDeltas ?? 2;
    const events: Array<[string, unknown]> = [['messageStart', { role: 'assistant' }]];
    for (let index = 0; index < deltas; index++) {
      events.push(['contentBlockDelta', { contentBlockIndex: 0, delta: { text: index === 0 ? 'hello ' : `from ${region}${index > 1 ? ` ${index}` : ''}` } }]);
    }
    events.push(['contentBlockStop', { contentBlockIndex: 0 }]);
    events.push(['messageStop', { stopReason: 'end_turn' }]);
    events.push(['metadata', { usage: FAKE_USAGE, metrics: { latencyMs: 5 } }]);
    return events;
  }

  private stream(response: http.ServerResponse, region: string, plan: StreamPlan): void {
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': requestId(),
    });
    response.flushHeaders();
    const events = plan.events ?? this.streamEvents(region);
    const interEventDelay = plan.interEventDelayMs ?? this.options.interEventDelayMs ?? 0;
    let index = 0;
    const sendNext = (): void => {
      if (response.destroyed) {
        return;
      }
      if (plan.exceptionAfter !== undefined && index === plan.exceptionAfter) {
        response.end(exceptionFrame(plan.exceptionType ?? 'internalServerException', plan.exceptionMessage ?? 'in-stream failure'));
        return;
      }
      if (index >= events.length || index === plan.endAfter) {
        response.end();
        return;
      }
      const [name, payload] = events[index++];
      response.write(eventFrame(name, payload));
      if (interEventDelay > 0) {
        this.later(interEventDelay, sendNext);
      } else {
        setImmediate(sendNext);
      }
    };
    if (plan.firstEventDelayMs !== undefined) {
      this.later(plan.firstEventDelayMs, sendNext);
    } else {
      sendNext();
    }
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      action();
    }, ms);
    this.pendingTimers.add(timer);
  }
}

/** Starts a fake Bedrock runtime on 127.0.0.1 with an ephemeral port. */
export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  let fake: FakeBedrock | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => fake?.handle(request, response, Buffer.concat(chunks)));
    request.on('error', () => undefined);
  });
  server.keepAliveTimeout = 60_000;
  fake = new FakeBedrock(server, options);
  const host = '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new Error('the fake Bedrock only binds to loopback');
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return fake;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'x-amzn-requestid': requestId(),
    ...headers,
  });
  response.end(payload);
}

function sendError(response: http.ServerResponse, fault: Extract<Fault, { kind: 'error' }>): void {
  const headers: Record<string, string> = {};
  if (fault.name !== undefined) {
    // Real services append the namespace after a colon; the SDK strips it.
    headers['x-amzn-errortype'] = `${fault.name}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
  }
  if (fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(fault.retryAfterSeconds);
  }
  if (fault.rawBody !== undefined) {
    response.writeHead(fault.status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId(), ...headers });
    response.end(fault.rawBody);
    return;
  }
  sendJson(response, fault.status, { message: fault.message ?? fault.name }, headers);
}

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':message-type': { type: 'string', value: 'event' },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify({ ...(payload as object), p: 'abcdefgh' })),
  });
}

function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':message-type': { type: 'string', value: 'exception' },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  return `00000000-0000-4000-8000-${String(requestCounter).padStart(12, '0')}`;
}
