/** Runs the consumer test's commands: each one echoed, its output captured, a failure thrown with it. */
import { spawnSync } from 'node:child_process';

/** How a command runs. */
export interface RunOptions {
  readonly cwd: string;
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
}

/**
 * Runs `command` with `args` (no shell) and returns its standard output.
 * @throws Error with the command, its exit status and its whole output when it does not exit 0
 */
export function run(command: string, args: readonly string[], options: RunOptions): string {
  const shown = [command, ...args].map(a => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ');
  process.stdout.write(`  $ ${shown}\n`);
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${shown} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${shown} (in ${options.cwd}) exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}
