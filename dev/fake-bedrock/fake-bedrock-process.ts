/**
 * The fake Bedrock in a process of its own, so a benchmark's load generator and the fake do not share
 * one event loop (their CPU queueing would be measured as invoker overhead). Started by
 * {@link startFakeBedrockProcess} (node child_process fork with an IPC channel): binds 127.0.0.1 on an
 * ephemeral port, prints `fake-bedrock listening on <url>` and reports the URL over IPC, then obeys
 * inject / reset / stats / stop messages. Exits by itself when its parent goes away or after
 * --max-lifetime-seconds (default 1800).
 */
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { startFakeBedrock } from './fake-bedrock';
import type { Fault } from './faults';
import { installLoopbackGuard } from './loopback-guard';

/** A command to the child. */
export type FakeCommand =
  | { readonly op: 'inject'; readonly region: string; readonly fault: Fault; readonly times?: number }
  | { readonly op: 'reset' }
  | { readonly op: 'stats' }
  | { readonly op: 'stop' };

/** What the child reports. */
export interface FakeStats {
  /** Calls received per region since the last reset. */
  readonly callsByRegion: Readonly<Record<string, number>>;
  readonly totalCalls: number;
}

type ChildMessage =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'reply'; readonly id: number; readonly stats?: FakeStats; readonly error?: string };

/** The parent's handle on the child. */
export interface FakeBedrockProcess {
  readonly url: string;
  readonly pid: number;
  inject(region: string, fault: Fault, times?: number): Promise<void>;
  reset(): Promise<void>;
  stats(): Promise<FakeStats>;
  /** Stops the child (gracefully, then SIGKILL after 2 s). */
  close(): Promise<void>;
}

/** Forks this script (through ts-node when run from TypeScript) and waits until the fake listens. */
export async function startFakeBedrockProcess(options: { readonly maxLifetimeSeconds?: number } = {}): Promise<FakeBedrockProcess> {
  const runningTs = __filename.endsWith('.ts');
  const child = fork(__filename, ['--max-lifetime-seconds', String(options.maxLifetimeSeconds ?? 1800)], {
    execArgv: runningTs ? ['-r', 'ts-node/register/transpile-only'] : [],
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.dev.json'),
      TS_NODE_PREFER_TS_EXTS: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the fake Bedrock child did not start within 30 s'));
    }, 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fake Bedrock child exited before listening (code ${code})`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(message.url);
      }
    });
  });
  child.stdout?.resume();
  return handleFor(child, url);
}

function handleFor(child: ChildProcess, url: string): FakeBedrockProcess {
  let nextId = 0;
  const pending = new Map<number, { resolve: (stats: FakeStats | undefined) => void; reject: (error: Error) => void }>();
  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'reply') {
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) {
      waiter?.reject(new Error(message.error));
    } else {
      waiter?.resolve(message.stats);
    }
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error('the fake Bedrock child exited'));
    }
    pending.clear();
  });
  const call = (command: FakeCommand): Promise<FakeStats | undefined> => new Promise((resolve, reject) => {
    if (!child.connected) {
      reject(new Error('the fake Bedrock child is gone'));
      return;
    }
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    child.send({ id, ...command });
  });
  return {
    url,
    pid: child.pid ?? -1,
    inject: async (region, fault, times) => {
      await call({ op: 'inject', region, fault, times });
    },
    reset: async () => {
      await call({ op: 'reset' });
    },
    stats: async () => (await call({ op: 'stats' }))!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call({ op: 'stop' }).catch(() => undefined);
      const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function childMain(): Promise<void> {
  installLoopbackGuard();
  const index = process.argv.indexOf('--max-lifetime-seconds');
  const maxLifetimeSeconds = index >= 0 ? Number(process.argv[index + 1]) : 1800;
  const fake = await startFakeBedrock();
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    void fake.close().finally(() => process.exit(0));
  };
  setTimeout(stop, (Number.isFinite(maxLifetimeSeconds) && maxLifetimeSeconds > 0 ? maxLifetimeSeconds : 1800) * 1000).unref();
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (message: FakeCommand & { readonly id: number }) => {
    const reply = (extra: { stats?: FakeStats; error?: string } = {}): void => {
      process.send?.({ type: 'reply', id: message.id, ...extra });
    };
    switch (message.op) {
      case 'inject':
        fake.inject(message.region, message.fault, { times: message.times ?? undefined });
        reply();
        return;
      case 'reset':
        fake.reset();
        reply();
        return;
      case 'stats': {
        const callsByRegion: Record<string, number> = {};
        for (const recorded of fake.calls) {
          callsByRegion[recorded.region] = (callsByRegion[recorded.region] ?? 0) + 1;
        }
        reply({ stats: { callsByRegion, totalCalls: fake.calls.length } });
        return;
      }
      case 'stop':
        reply();
        stop();
        return;
      default:
        reply({ error: `unknown command ${JSON.stringify(message)}` });
    }
  });
  process.stdout.write(`fake-bedrock listening on ${fake.url}\n`);
  process.send?.({ type: 'ready', url: fake.url });
}

if (require.main === module) {
  childMain().catch((error: unknown) => {
    process.stderr.write(`fake-bedrock child: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
