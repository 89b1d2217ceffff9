/**
 * Load generation of the bench: a fixed number of calls with N workers ({@link load}, the overhead
 * runs, whose sides take turns going first: {@link inRotation}), a run bounded in both count and time that keeps what every call returned ({@link runLoad}, the
 * fault runs), and an HTTP client for the local server ({@link BenchHttpClient}).
 */
import * as http from 'node:http';

/** Result of one {@link load} run. */
export interface LoadResult {
  /** Sorted latencies, ms. */
  readonly latencies: number[];
  readonly errors: number;
  /** CPU time of this (bench) process per call, microseconds (the fake runs in its own process). */
  readonly cpuUsPerCall: number;
}

/** Runs `total` calls of `call` with `concurrency` workers; returns sorted latencies (ms), errors and CPU per call. */
export async function load(total: number, concurrency: number, call: () => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      const started = performance.now();
      const ok = await call().catch(() => false);
      latencies.push(performance.now() - started);
      if (!ok) {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies: latencies.sort((a, b) => a - b), errors, cpuUsPerCall: (cpu.user + cpu.system) / total };
}

/**
 * Runs `sides` one after another, starting with side `round % sides.length` and wrapping around, so that
 * over `sides.length` rounds each side runs first, and last, once (what runs first pays for the warm-up,
 * what runs after another for its garbage). Returns the results in the order of `sides`.
 */
export async function inRotation<T>(sides: ReadonlyArray<() => Promise<T>>, round: number): Promise<T[]> {
  const results: T[] = [];
  for (let turn = 0; turn < sides.length; turn++) {
    const side = (turn + round) % sides.length;
    results[side] = await sides[side]();
  }
  return results;
}

/** One call of a {@link runLoad} run. */
export interface Sample<T> {
  /** 0-based, in the order the calls started. */
  readonly index: number;
  /** When the call started, ms since the run started. */
  readonly startedMs: number;
  /** When the call ended, ms since the run started. */
  readonly endedMs: number;
  readonly latencyMs: number;
  /** What the call returned (a call that throws is recorded with `error`). */
  readonly result?: T;
  readonly error?: unknown;
}

/** Bounds and shape of a {@link runLoad} run. */
export interface LoadPlan<T> {
  readonly concurrency: number;
  /** No call starts after this many calls. */
  readonly maxRequests: number;
  /** No call starts after this many seconds (calls in flight then finish). */
  readonly maxSeconds: number;
  /** The call with index `index`. */
  readonly call: (index: number) => Promise<T>;
}

/**
 * Runs calls with `concurrency` workers until `maxRequests` calls have started or `maxSeconds` have
 * passed, whichever comes first, and returns every call's timing and result, in start order.
 */
export async function runLoad<T>(plan: LoadPlan<T>): Promise<Array<Sample<T>>> {
  const samples: Array<Sample<T>> = [];
  const runStarted = performance.now();
  const until = runStarted + plan.maxSeconds * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.maxRequests && performance.now() < until) {
      const index = next++;
      const started = performance.now();
      let result: T | undefined;
      let error: unknown;
      try {
        result = await plan.call(index);
      } catch (caught) {
        error = caught ?? new Error('the call failed');
      }
      const ended = performance.now();
      samples[index] = { index, startedMs: started - runStarted, endedMs: ended - runStarted, latencyMs: ended - started, result, error };
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return samples;
}

/** A client-visible answer, read whole. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** From the request's start to the first body byte, ms (the whole latency when the body is empty). */
  readonly firstByteMs: number;
}

/** HTTP/1.1 keep-alive client of the local server, with up to `maxSockets` connections. */
export class BenchHttpClient {
  private readonly agent: http.Agent;

  public constructor(private readonly baseUrl: string, maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** POSTs `body` to `path` and reads the whole answer. */
  public post(path: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(`${this.baseUrl}${path}`, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', ...headers },
      }, (response) => {
        const chunks: Buffer[] = [];
        let firstByteMs: number | undefined;
        response.on('data', (chunk: Buffer) => {
          firstByteMs ??= performance.now() - started;
          chunks.push(chunk);
        });
        response.on('end', () => resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          firstByteMs: firstByteMs ?? performance.now() - started,
        }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Closes the connections. */
  public destroy(): void {
    this.agent.destroy();
  }
}

/** The `error` field of a JSON error answer (`{ error, message }`), or `non-JSON` / `no error field`. */
export function errorName(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : 'no error field';
  } catch {
    return 'non-JSON';
  }
}

/** The names of the `event: error` Server-Sent Events in `text` (an SSE body), in order. */
export function sseErrorEvents(text: string): string[] {
  return text.split('\n\n')
    .filter((block) => block.split('\n').includes('event: error'))
    .map((block) => errorName(block.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? ''));
}
