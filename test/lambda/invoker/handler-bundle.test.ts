/**
 * The SHIPPED handler bundle (`assets/invoker/index.js`, the asset the construct deploys), run the way
 * Lambda runs it: in its own process (one execution environment) under a stand-in for the Node.js
 * managed runtime (`lambda-runtime-host.js`: the `awslambda` global and the streaming prelude format),
 * with the environment the RegionalInvoker sets plus Lambda's own variables and Active tracing, and the
 * real AWS SDK the bundle carries against the fake Bedrock on 127.0.0.1. The X-Ray daemon is a UDP
 * socket on 127.0.0.1.
 *
 * The handler core is tested in depth elsewhere through the local server; this file checks what only the
 * bundle can show: the entry point loads and wires the runtime, the tracer captures Bedrock calls into
 * X-Ray subsegments, metrics and logs leave as Lambda would ship them, and answers use the streaming
 * integration format.
 */
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { converseBody, parseSse, PROFILE, testConfig } from './invoker-harness';
import { FakeBedrock, faults, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { restProxyEvent } from '../../../dev/rest-proxy-event';
import { INVOKER_CONFIG_ENV, INVOKER_HEADERS, INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE, TRACE_ENABLED_ENV } from '../../../lib/shared/invoker-config';

const ROOT = path.join(__dirname, '..', '..', '..');
const BUNDLE_DIR = path.join(ROOT, 'assets', 'invoker');
const SERVICE_NAME = 'bundle-test-invoker';
const FUNCTION_NAME = 'BedrockEu-InvokerHandler-TEST';

/** What the runtime stand-in reports for one invocation. */
interface Invocation {
  readonly ok: boolean;
  readonly error?: string;
  readonly preludeSent: boolean;
  readonly prelude?: { readonly statusCode?: number; readonly headers?: Record<string, string> };
  readonly body: string;
  /** Whether the X-Ray SDK had been loaded in the environment when the invocation ended. */
  readonly xraySdkLoaded: boolean;
}

/** One invocation's answer, decoded. */
interface Answer {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly xraySdkLoaded: boolean;
}

/** One X-Ray (sub)segment document as the SDK sends it to the daemon. */
interface XRayDocument {
  readonly name: string;
  readonly trace_id: string;
  readonly type?: string;
  readonly namespace?: string;
  readonly throttle?: boolean;
  readonly error?: boolean;
  readonly fault?: boolean;
  readonly aws?: { readonly operation?: string; readonly region?: string };
  readonly http?: { readonly response?: { readonly status?: number } };
}

let fake: FakeBedrock;
let daemon: dgram.Socket;
const xrayDocuments: XRayDocument[] = [];

let traceCounter = 0;
/** A sampled Lambda trace header (`_X_AMZN_TRACE_ID`) with a fresh root per invocation. */
function newTraceHeader(): { readonly header: string; readonly root: string } {
  traceCounter += 1;
  const root = `1-6740a000-${String(traceCounter).padStart(24, '0')}`;
  return { header: `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`, root };
}

/** One execution environment: the bundle loaded once in a child process under the runtime stand-in. */
class ExecutionEnvironment {
  /** Starts it with Lambda's and the construct's environment plus `overrides`; resolves when the bundle is loaded. */
  public static async start(overrides: Readonly<Record<string, string>> = {}): Promise<ExecutionEnvironment> {
    const child = fork(path.join(__dirname, 'lambda-runtime-host.js'), [path.join(BUNDLE_DIR, 'index.js')], {
      cwd: BUNDLE_DIR,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Only what Lambda and the construct set, nothing from the developer's shell (no real credentials or endpoints).
      env: {
        PATH: process.env.PATH,
        [INVOKER_CONFIG_ENV]: JSON.stringify(testConfig()),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: INVOKER_METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'ASIAFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_SESSION_TOKEN: 'fake-session-token',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
        LAMBDA_TASK_ROOT: BUNDLE_DIR,
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
        AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
        ...overrides,
      },
    });
    const environment = new ExecutionEnvironment(child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the runtime host exited (${code}) before it was ready\nstderr:\n${environment.stderr}`)));
      child.on('message', (message: Invocation | { ready: true }) => {
        if ('ready' in message) {
          resolve();
        } else {
          environment.pending.shift()?.(message);
        }
      });
    });
    return environment;
  }

  private stdout = '';
  private stderr = '';
  private readonly pending: Array<(message: Invocation) => void> = [];

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString('utf8');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
  }

  /** Runs one invocation. */
  public async invoke(event: APIGatewayProxyEvent, traceHeader: string): Promise<Answer> {
    const message = await new Promise<Invocation>((resolve) => {
      this.pending.push(resolve);
      this.child.send({ event, traceId: traceHeader });
    });
    if (!message.ok) {
      throw new Error(`the handler failed: ${message.error}\nstderr:\n${this.stderr}`);
    }
    expect(message.preludeSent).toBe(true);
    return {
      status: message.prelude?.statusCode,
      headers: message.prelude?.headers ?? {},
      text: Buffer.from(message.body, 'base64').toString('utf8'),
      xraySdkLoaded: message.xraySdkLoaded,
    };
  }

  /**
   * The JSON lines the function wrote (logs and EMF records): Lambda ships stdout and stderr alike to
   * CloudWatch Logs, and Powertools writes warnings and errors to stderr.
   */
  public logRecords(): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary log records
    return `${this.stdout}\n${this.stderr}`.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits (bounded) until `predicate` holds, for output that arrives asynchronously (logs, UDP). */
  public async eventually(predicate: () => boolean, what: string): Promise<void> {
    const until = Date.now() + 5_000;
    while (!predicate()) {
      if (Date.now() > until) {
        throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.disconnect();
      await exited;
    }
  }
}

beforeAll(async () => {
  // Build the bundle from the current sources (idempotent; rewrites nothing when it is up to date).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-handlers.mjs')], { cwd: ROOT, stdio: 'pipe' });
  fake = await startFakeBedrock();
  daemon = dgram.createSocket('udp4');
  daemon.on('message', (packet) => {
    // "{header}\n{document}" per packet.
    const [, document] = packet.toString('utf8').split('\n');
    if (document !== undefined) {
      xrayDocuments.push(JSON.parse(document) as XRayDocument);
    }
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  daemon?.close();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
});

describe('with Active tracing (the default)', () => {
  let lambda: ExecutionEnvironment;
  beforeAll(async () => {
    lambda = await ExecutionEnvironment.start();
  });
  afterAll(async () => {
    await lambda?.stop();
  });

  test('GET /health answers through the streaming prelude with the configured plan', async () => {
    const answer = await lambda.invoke(restProxyEvent('GET', '/health'), newTraceHeader().header);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toMatchObject({
      status: 'ok',
      region: 'eu-west-1',
      geography: 'eu',
      regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
    });
    expect(fake.calls).toHaveLength(0);
    expect(answer.xraySdkLoaded).toBe(true);
  });

  test('a throttled primary fails over inside the geography; the client sees 200 from the next region', async () => {
    fake.inject('eu-west-1', faults.throttle(0), { times: 1 }); // Retry-After 0: no quota back-off carried into the next test
    const trace = newTraceHeader();
    const answer = await lambda.invoke(restProxyEvent('POST', '/converse', converseBody()), trace.header);

    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('2');
    expect(answer.headers[INVOKER_HEADERS.profile]).toBe(PROFILE);
    expect(JSON.parse(answer.text).output.message.content[0].text).toBe('hello from eu-central-1');
    expect(fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);

    // X-Ray: one subsegment per Bedrock attempt, in this invocation's trace, with its region and outcome.
    // /converse is served through ConverseStream.
    const isBedrockCall = (document: XRayDocument): boolean => document.trace_id === trace.root && document.aws?.operation === 'ConverseStream';
    await lambda.eventually(() => xrayDocuments.filter(isBedrockCall).length >= 2, 'the X-Ray subsegments of both attempts');
    const attempts = xrayDocuments.filter(isBedrockCall);
    expect(attempts.map((document) => [document.aws?.region, document.http?.response?.status, document.throttle === true])).toEqual(
      expect.arrayContaining([['eu-west-1', 429, true], ['eu-central-1', 200, false]]),
    );
    expect(attempts.every((document) => document.type === 'subsegment' && document.namespace === 'aws')).toBe(true);

    // EMF: one record per region called, with the dimension set the construct's alarms read.
    const emf = (region: string): Record<string, unknown> | undefined => lambda.logRecords().find((record) => record._aws !== undefined
      && record.Region === region && record.service === SERVICE_NAME && record[INVOKER_METRIC_NAMES.attempts] !== undefined);
    await lambda.eventually(() => emf('eu-west-1') !== undefined && emf('eu-central-1') !== undefined, 'the EMF records of both regions');
    const primary = emf('eu-west-1')!;
    const secondary = emf('eu-central-1')!;
    expect((primary._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0]).toMatchObject({
      Namespace: INVOKER_METRICS_NAMESPACE,
      Dimensions: [['service', 'Region']],
    });
    expect(primary).toMatchObject({ [INVOKER_METRIC_NAMES.throttles]: 1, [INVOKER_METRIC_NAMES.failovers]: 1 });
    expect(secondary).toMatchObject({
      [INVOKER_METRIC_NAMES.requests]: 1,
      [INVOKER_METRIC_NAMES.servedBySecondary]: 1,
      [INVOKER_METRIC_NAMES.inputTokens]: 11,
    });

    // Logs: JSON lines correlated with the trace.
    const failingOver = lambda.logRecords().find((record) => record.message === 'Failing over' && record.region === 'eu-west-1');
    expect(failingOver).toMatchObject({ level: 'WARN', service: SERVICE_NAME, error: 'ThrottlingException', xray_trace_id: trace.root });
  });

  test('POST /converse-stream streams Server-Sent Events after a text/event-stream prelude', async () => {
    const answer = await lambda.invoke(restProxyEvent('POST', '/converse-stream', converseBody()), newTraceHeader().header);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    const events = parseSse(answer.text);
    expect(events[0].event).toBe('messageStart');
    const text = events.filter((event) => event.event === 'contentBlockDelta').map((event) => event.data.delta.text as string).join('');
    expect(text.length).toBeGreaterThan(0);
    expect(events.map((event) => event.event)).toContain('messageStop');
    expect(events.map((event) => event.event)).not.toContain('error');
  });

  test('bad input is a 400 with a JSON explanation, and calls nothing', async () => {
    const answer = await lambda.invoke(restProxyEvent('POST', '/converse', '{"messages": ['), newTraceHeader().header);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'InvalidJson' });
    expect(fake.calls).toHaveLength(0);
  });
});

describe('with tracing off (tracing: false)', () => {
  let lambda: ExecutionEnvironment;
  beforeAll(async () => {
    lambda = await ExecutionEnvironment.start({ [TRACE_ENABLED_ENV]: 'false' });
  });
  afterAll(async () => {
    await lambda?.stop();
  });

  test('the X-Ray SDK is never loaded, nothing reaches the daemon, and requests still fail over', async () => {
    fake.inject('eu-west-1', faults.throttle(0), { times: 1 }); // Retry-After 0: no quota back-off carried into the next test
    const trace = newTraceHeader();
    const answer = await lambda.invoke(restProxyEvent('POST', '/converse', converseBody()), trace.header);
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.xraySdkLoaded).toBe(false);
    // Metrics and logs are unaffected; by the time the record is out, any subsegment would have been sent too.
    const served = (): boolean => lambda.logRecords().some((record) => record._aws !== undefined && record.Region === 'eu-central-1');
    await lambda.eventually(served, 'the EMF record');
    expect(xrayDocuments.filter((document) => document.trace_id === trace.root)).toEqual([]);
  });
});
