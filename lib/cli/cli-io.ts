/** Where a command writes: the process's streams, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The process's standard output and error. */
export const PROCESS_IO: CliIo = {
  out: text => process.stdout.write(`${text}\n`),
  err: text => process.stderr.write(`${text}\n`),
};

/** Exit status: everything checked is allowed, or the command succeeded. */
export const EXIT_OK = 0;
/** Exit status: something is denied. */
export const EXIT_DENIED = 1;
/** Exit status: bad usage or unusable input (unknown option, unreadable file, invalid JSON, unknown profile). */
export const EXIT_USAGE = 2;

/** The message of an error thrown by the library, or its text. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
