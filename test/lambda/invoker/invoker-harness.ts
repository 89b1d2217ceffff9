import * as http from 'node:http';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { LocalServer, startLocalServer } from '../../../lambda/invoker/host/local-server';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** Default profile of the test configurations. */
export const PROFILE = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';

/** A three-region EU configuration with short, test-friendly timings. */
export function testConfig(overrides: Partial<InvokerRuntimeConfig> = {}): InvokerRuntimeConfig {
  return {
    geography: 'eu',
    regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
    profileIds: [PROFILE, 'eu.amazon.nova-pro-v1:0'],
    deadlineMs: 8_000,
    attemptTimeoutMs: 1_500,
    firstTokenTimeoutMs: 1_000,
    maxBodyBytes: 64 * 1024,
    breakerFailureThreshold: 100,
    breakerCooldownMs: 60_000,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    ...overrides,
  };
}

import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';

export { isolateEnvironment };

/** A client-visible answer. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (undefined if it is not JSON). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience over arbitrary JSON bodies
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends one HTTP request to the local server (keep-alive) and reads the whole answer. */
export function send(baseUrl: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A minimal valid Converse body. */
export function converseBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }], ...extra });
}

/** One parsed Server-Sent Event. */
export interface SseEvent {
  readonly event: string;
  readonly data: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary JSON payloads
}

/** Parses an SSE body into events. */
export function parseSse(text: string): SseEvent[] {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split('\n');
    const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
    const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? 'null';
    return { event, data: JSON.parse(data) };
  });
}

/** A fake Bedrock plus a local invoker server pointed at it. */
export interface Rig {
  readonly fake: FakeBedrock;
  readonly server: LocalServer;
  close(): Promise<void>;
}

/** Starts a fake and the real handler (through the local server) with `config`. */
export async function startRig(config: InvokerRuntimeConfig, fake?: FakeBedrock): Promise<Rig> {
  const bedrock = fake ?? await startFakeBedrock();
  const server = await startLocalServer({ port: 0, config, endpoint: bedrock.url });
  return {
    fake: bedrock,
    server,
    close: async () => {
      await server.close();
      if (fake === undefined) {
        await bedrock.close();
      }
    },
  };
}

/** One fake Bedrock shared by a test file's rigs. */
export interface SharedFakeBedrock {
  /** The fake (from `beforeAll` on); reset after every test. */
  readonly fake: FakeBedrock;
  /** Starts the real handler with `testConfig(overrides)` against the fake; closed after the test. */
  rigWith(overrides?: Partial<InvokerRuntimeConfig>): Promise<Rig>;
}

/**
 * Registers the hooks of a test file whose tests run rigs against one fake Bedrock: an offline
 * environment and the fake for the whole file, each test's rig closed and the fake reset after it.
 */
export function useSharedFakeBedrock(): SharedFakeBedrock {
  let restoreEnvironment: () => void;
  let fake: FakeBedrock | undefined;
  let rig: Rig | undefined;
  beforeAll(async () => {
    restoreEnvironment = isolateEnvironment();
    fake = await startFakeBedrock();
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    fake?.reset();
  });
  afterAll(async () => {
    await fake?.close();
    closeClientAgent();
    restoreEnvironment();
  });
  return {
    get fake(): FakeBedrock {
      if (fake === undefined) {
        throw new Error('the shared fake Bedrock starts in beforeAll');
      }
      return fake;
    },
    rigWith: async (overrides = {}) => {
      rig = await startRig(testConfig(overrides), fake);
      return rig;
    },
  };
}

/** One fake Bedrock and one handler serving a whole test file (or describe block). */
export interface SharedRig {
  /** The fake (from `beforeAll` on); reset after every test. */
  readonly fake: FakeBedrock;
  /** The handler through the local server, configured once with `testConfig(overrides)`. */
  readonly rig: Rig;
}

/**
 * Registers the hooks of tests that share one rig: an offline environment, the fake and the handler
 * with `testConfig(overrides)` for the whole block, the fake reset after each test.
 */
export function useSharedRig(overrides: Partial<InvokerRuntimeConfig> = {}): SharedRig {
  let restoreEnvironment: () => void;
  let fake: FakeBedrock | undefined;
  let rig: Rig | undefined;
  beforeAll(async () => {
    restoreEnvironment = isolateEnvironment();
    fake = await startFakeBedrock();
    rig = await startRig(testConfig(overrides), fake);
  });
  afterEach(() => {
    fake?.reset();
  });
  afterAll(async () => {
    await rig?.close();
    await fake?.close();
    closeClientAgent();
    restoreEnvironment();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('the shared rig starts in beforeAll');
    }
    return value;
  };
  return {
    get fake(): FakeBedrock {
      return started(fake);
    },
    get rig(): Rig {
      return started(rig);
    },
  };
}

/** Frees the shared keep-alive agent (afterAll). */
export function closeClientAgent(): void {
  agent.destroy();
}
