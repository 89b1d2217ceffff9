/**
 * The invoker as the runs that count upstream calls per request see it: the local server on a fresh
 * runtime whose metrics are captured, in front of a fake Bedrock in this process (whose recorded calls,
 * with their bodies, tell which request each upstream call belonged to; the child-process fake reports
 * only counts). Those runs last seconds per request, so sharing the event loop with the fake costs them
 * nothing worth measuring.
 */
import { captureInvokerMetrics, MetricsCapture } from './environment';
import { BenchHttpClient } from './load';
import { FakeBedrock, startFakeBedrock } from '../../dev/fake-bedrock/fake-bedrock';
import { LocalServer, startLocalServer } from '../../lambda/invoker/host/local-server';
import type { InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** A local server with captured metrics, and a client for it. */
export interface MeasuredInvoker {
  readonly server: LocalServer;
  readonly client: BenchHttpClient;
  readonly metrics: MetricsCapture;
  close(): Promise<void>;
}

/** Starts the local server with `config` against `endpoint`, its metrics captured. */
export async function startMeasuredInvoker(config: InvokerRuntimeConfig, endpoint: string, maxSockets: number): Promise<MeasuredInvoker> {
  const metrics = captureInvokerMetrics();
  try {
    const server = await startLocalServer({ port: 0, config, endpoint, runtimeOptions: { newRequestMetrics: metrics.newRequestMetrics } });
    const client = new BenchHttpClient(server.url, maxSockets);
    return {
      server,
      client,
      metrics,
      close: async () => {
        client.destroy();
        await server.close();
        metrics.stop();
      },
    };
  } catch (error) {
    metrics.stop();
    throw error;
  }
}

/**
 * Runs `run` against a fake Bedrock in this process, then stops it and points the SDK back at the
 * endpoint it had (the local server sets `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`).
 */
export async function withInProcessFake<T>(run: (fake: FakeBedrock) => Promise<T>): Promise<T> {
  const endpoint = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  const fake = await startFakeBedrock();
  try {
    return await run(fake);
  } finally {
    await fake.close();
    if (endpoint === undefined) {
      delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    } else {
      process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = endpoint;
    }
  }
}
