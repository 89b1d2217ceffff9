import { parseArgs, ParseArgsConfig } from 'node:util';

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

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The option values `parseArgs` gives for `options`. */
export type CommandLineValues<O extends OptionsConfig> =
  ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/**
 * Parses a command line the same way for every command: `-h`/`--help` prints the usage, an unknown
 * option or a missing required one prints what is wrong and the usage.
 *
 * @returns the option values, or the exit status to end with
 */
export function parseCommandLine<O extends OptionsConfig>(command: { name: string; usage: string; io: CliIo },
  argv: string[], options: O, required: ReadonlyArray<keyof O & string>): CommandLineValues<O> | number {
  const { name, usage, io } = command;
  let values: CommandLineValues<O>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }) as {
      values: CommandLineValues<O> & { help?: boolean };
    });
  } catch (e) {
    io.err(`${name}: ${messageOf(e)}\n\n${usage}`);
    return EXIT_USAGE;
  }
  if ((values as { help?: boolean }).help) {
    io.out(usage);
    return EXIT_OK;
  }
  const given = values as Record<string, unknown>;
  const missing = required.filter(option => {
    const value = given[option];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length > 0) {
    io.err(`${name}: missing ${missing.map(option => `--${option}`).join(', ')}\n\n${usage}`);
    return EXIT_USAGE;
  }
  return values;
}
