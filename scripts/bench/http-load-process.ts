/**
 * A load generator in a child process: POSTs a body to a loopback URL with N keep-alive connections and
 * replies with the sorted latencies, so the client's CPU does not queue behind the server's (the serve
 * run, scripts/bench/serve-overhead.ts). Loopback only (the child installs the loopback guard: a connection
 * to any other host throws, and the call counts as an error); every run is bounded by its call count.
 */
import { fork, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { BenchHttpClient, load, LoadResult } from './load';
import { installLoopbackGuard } from '../../dev/fake-bedrock/loopback-guard';

interface LoadCommand {
  readonly id: number;
  readonly url: string;
  readonly path: string;
  readonly body: string;
  readonly requests: number;
  readonly concurrency: number;
}

interface LoadReply {
  readonly id: number;
  readonly result?: LoadResult;
  readonly error?: string;
}

/** The parent's handle on the child. */
export interface HttpLoadProcess {
  /** Runs `requests` POSTs of `body` to `url + path` with `concurrency` connections; a 200 counts as success. */
  run(url: string, requestPath: string, body: string, requests: number, concurrency: number): Promise<LoadResult>;
  close(): void;
}

/** Forks this script (through ts-node when run from TypeScript). */
export function startHttpLoadProcess(): HttpLoadProcess {
  const runningTs = __filename.endsWith('.ts');
  const child: ChildProcess = fork(__filename, ['--child'], {
    execArgv: runningTs ? ['-r', 'ts-node/register/transpile-only'] : [],
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.dev.json'), TS_NODE_PREFER_TS_EXTS: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();
  child.on('message', (reply: LoadReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.result) {
      waiter?.resolve(reply.result);
    } else {
      waiter?.reject(new Error(reply.error ?? 'the load child failed'));
    }
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error('the load child exited'));
    }
    pending.clear();
  });
  return {
    run: (url, requestPath, body, requests, concurrency) => new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      const command: LoadCommand = { id, url, path: requestPath, body, requests, concurrency };
      child.send(command);
    }),
    close: () => {
      child.kill();
    },
  };
}

function serveParent(): void {
  installLoopbackGuard();
  const clients = new Map<string, BenchHttpClient>();
  process.on('message', (command: LoadCommand) => {
    const key = `${command.url} ${command.concurrency}`;
    let client = clients.get(key);
    if (!client) {
      client = new BenchHttpClient(command.url, command.concurrency);
      clients.set(key, client);
    }
    const http = client;
    load(command.requests, command.concurrency, async () => (await http.post(command.path, command.body)).status === 200)
      .then((result) => process.send?.({ id: command.id, result } satisfies LoadReply))
      .catch((error: unknown) => process.send?.({ id: command.id, error: String(error) } satisfies LoadReply));
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module && process.argv.includes('--child')) {
  serveParent();
}
