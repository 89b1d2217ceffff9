/**
 * The handler's own CPU per request, without any network (the SDK stubbed). See scripts/bench.ts.
 */
import { withEnvironment } from './environment';
import { BODY, CONFIG } from './settings';
import { median } from './stats';
import { CollectingSink } from '../../dev/collecting-sink';
import { restProxyEvent } from '../../dev/rest-proxy-event';
import type { BedrockClients } from '../../lambda/invoker/bedrock-clients';
import { requestFromApiGatewayEvent } from '../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../lambda/invoker/http/handle-request';
import type { AttemptControl } from '../../lambda/invoker/resilience/attempt-control';
import { createInvokerRuntime, InvokerRuntime } from '../../lambda/invoker/runtime';

/** The events of a ConverseStream output as the SDK yields them (what the fake streams). */
const CANNED_EVENTS = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'hello from eu-west-1' } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: 'end_turn' } },
  { metadata: { usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 }, metrics: { latencyMs: 5 } } },
] as const;

/** A ConverseStream output as the SDK resolves it: /converse is served through ConverseStream. */
function cannedStreamOutput(): unknown {
  return {
    $metadata: { httpStatusCode: 200, requestId: '00000000-0000-4000-8000-000000000001', attempts: 1, totalRetryDelay: 0 },
    stream: (async function* events() {
      yield* CANNED_EVENTS;
    })(),
  };
}

/** What the stub costs alone: one call, its stream read to the end. */
async function stubAlone(send: () => Promise<unknown>): Promise<void> {
  const output = await send() as { stream: AsyncIterable<unknown> };
  for await (const _event of output.stream) {
    // drained, as the handler drains it
  }
}

/**
 * The handler's own CPU per request, without any network: `handleRequest` with every region's client
 * replaced by a stub whose `send` resolves a canned ConverseStream output (what /converse is served
 * through), one request at a time. Twice: as the rest of the bench runs it (metrics disabled, logs
 * silent), and as Lambda runs it (an EMF metrics record and an INFO log line per request), with this
 * process's stdout discarded while it is timed so the records are built and formatted but not printed.
 */
export async function handlerCpu(rounds: number, perRound: number): Promise<void> {
  console.log(`\n## handler CPU per request, SDK stubbed (send resolves a canned ConverseStream output; no network), ${perRound} requests x ${rounds} rounds, one at a time`);
  const send = (): Promise<unknown> => Promise.resolve(cannedStreamOutput());
  const stubClients = {
    send: (_region: string, _command: unknown, control: AttemptControl) => {
      control.markSent();
      return send();
    },
    destroy: () => undefined,
  };
  const stubbedRuntime = (): InvokerRuntime => ({
    ...createInvokerRuntime({ configJson: JSON.stringify(CONFIG), functionRegion: 'eu-west-1' }),
    clients: stubClients as unknown as BedrockClients,
  });
  const quiet = stubbedRuntime();
  const lambdaLike = withEnvironment({ POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'INFO' }, stubbedRuntime);
  const event = restProxyEvent('POST', '/converse', BODY);
  const timed = async (call: () => Promise<unknown>, discardStdout: boolean): Promise<{ cpuUs: number; wallUs: number }> => {
    const write = process.stdout.write;
    if (discardStdout) {
      process.stdout.write = (() => true) as typeof process.stdout.write;
    }
    try {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < perRound; index++) {
        await call();
      }
      const cpu = process.cpuUsage(cpuBefore);
      return { cpuUs: (cpu.user + cpu.system) / perRound, wallUs: ((performance.now() - started) * 1000) / perRound };
    } finally {
      process.stdout.write = write;
    }
  };
  const viaHandler = (runtime: InvokerRuntime) => async (): Promise<void> => {
    const sink = new CollectingSink();
    await handleRequest(requestFromApiGatewayEvent(event), sink, runtime);
    if (sink.statusCode !== 200) {
      throw new Error(`stubbed handler answered ${sink.statusCode}: ${sink.text()}`);
    }
  };
  const variants = [
    { name: 'metrics disabled, logs silent', call: viaHandler(quiet), discardStdout: false },
    { name: 'metrics (EMF) and INFO logs on, stdout discarded', call: viaHandler(lambdaLike), discardStdout: true },
  ];
  for (const variant of variants) {
    await timed(variant.call, variant.discardStdout);
  }
  const added = new Map<string, { cpus: number[]; walls: number[] }>(variants.map((variant) => [variant.name, { cpus: [], walls: [] }]));
  for (let round = 1; round <= rounds; round++) {
    const alone = await timed(() => stubAlone(send), false);
    const parts: string[] = [];
    for (const variant of variants) {
      const handler = await timed(variant.call, variant.discardStdout);
      added.get(variant.name)!.cpus.push(handler.cpuUs - alone.cpuUs);
      added.get(variant.name)!.walls.push(handler.wallUs - alone.wallUs);
      parts.push(`${variant.name}: ${handler.cpuUs.toFixed(1)} us CPU, ${handler.wallUs.toFixed(1)} us wall`);
    }
    console.log(`round ${round}: ${parts.join(' | ')} | stub alone ${alone.cpuUs.toFixed(1)} us CPU`);
  }
  for (const [name, { cpus, walls }] of added) {
    console.log(`median (${name}): the handler adds ${median(cpus).toFixed(1)} us CPU, ${median(walls).toFixed(1)} us wall per request`);
  }
}

