/**
 * The one command-line parser of the library's commands (`check-scp`, `generate-scp`), its scripts
 * (drill, bench, update-profiles) and the handler's local server, built on `node:util` `parseArgs`.
 * No CDK imports: the local server in `lambda/` uses it too.
 */
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

/** Exit status: the command succeeded (or printed its usage for `--help`). */
export const EXIT_OK = 0;
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

/** How a command line is read, besides its options. */
export interface CommandLineRules {
  /** Accept `--no-x` for a boolean option `x` (the last of `--x` and `--no-x` wins). @default false */
  readonly allowNegative?: boolean;
}

/** What does not fit a command's options: an unknown option, an option without its value, a stray argument. */
export type CommandLineProblem = 'unknown-option' | 'invalid-value' | 'unexpected-argument';

/** A command line that does not fit the command's options. */
export class CommandLineError extends Error {
  /**
   * @param problem what is wrong
   * @param argument the argument as typed (`--colour`, `--port`, `8787`), when it can be told
   */
  constructor(message: string, public readonly problem: CommandLineProblem, public readonly argument: string | undefined) {
    super(message);
    this.name = 'CommandLineError';
  }
}

/** What `readCommandLine` returns for `-h`/`--help`. */
export const HELP_REQUESTED = 'help';

const PROBLEMS: Readonly<Record<string, CommandLineProblem>> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'unknown-option',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'invalid-value',
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'unexpected-argument',
};

/**
 * Reads a command line: a leading `--` (as `npx projen <task> -- --flag` may pass it through) is
 * skipped, `-h`/`--help` asks for the usage, and every argument must be one of `options`.
 *
 * @returns the option values, or `HELP_REQUESTED`
 * @throws CommandLineError for an unknown option, an option without its value, or a positional argument
 */
export function readCommandLine<O extends OptionsConfig>(argv: readonly string[], options: O, rules: CommandLineRules = {}):
CommandLineValues<O> | typeof HELP_REQUESTED {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const config = { ...options, help: { type: 'boolean', short: 'h' } } as OptionsConfig;
  let values: CommandLineValues<O> & { help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: config, strict: true, allowPositionals: false, allowNegative: rules.allowNegative }) as unknown as {
      values: CommandLineValues<O> & { help?: boolean };
    });
  } catch (e) {
    const problem = PROBLEMS[(e as { code?: string }).code ?? ''];
    if (problem === undefined) {
      throw e;
    }
    throw new CommandLineError(messageOf(e), problem, offendingArgument(args, config, problem, rules));
  }
  if (values.help) {
    return HELP_REQUESTED;
  }
  delete values.help;
  return values;
}

/** The argument `parseArgs` refused, found again in its lenient reading of `args`. */
function offendingArgument(args: string[], options: OptionsConfig, problem: CommandLineProblem, rules: CommandLineRules): string | undefined {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, allowNegative: rules.allowNegative, tokens: true });
  const token = tokens.find(t => {
    if (problem === 'unexpected-argument') {
      return t.kind === 'positional';
    }
    if (t.kind !== 'option') {
      return false;
    }
    const type = options[t.name]?.type;
    if (problem === 'unknown-option') {
      return type === undefined;
    }
    return type === 'string' ? t.value === undefined || (!t.inlineValue && t.value.length > 1 && t.value.startsWith('-')) : t.value !== undefined;
  });
  return token === undefined ? undefined : token.kind === 'positional' ? token.value : token.kind === 'option' ? token.rawName : undefined;
}

/** A command as its parser prints it: its name, its usage text and where it writes. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly io: CliIo;
}

/** Prints `name: message` and the usage on the error stream; returns `EXIT_USAGE`. */
export function usageError(command: Command, message: string): number {
  command.io.err(`${command.name}: ${message}\n\n${command.usage}`);
  return EXIT_USAGE;
}

/**
 * Parses a command line the same way for every command: `-h`/`--help` prints the usage, an unknown
 * option or a missing required one prints what is wrong and the usage.
 *
 * @param required options that must be given
 * @returns the option values, or the exit status to end with
 */
export function parseCommandLine<O extends OptionsConfig>(command: Command, argv: readonly string[], options: O,
  required: ReadonlyArray<keyof O & string> = [], rules: CommandLineRules = {}): CommandLineValues<O> | number {
  let values: CommandLineValues<O> | typeof HELP_REQUESTED;
  try {
    values = readCommandLine(argv, options, rules);
  } catch (e) {
    if (e instanceof CommandLineError) {
      return usageError(command, e.message);
    }
    throw e;
  }
  if (values === HELP_REQUESTED) {
    command.io.out(command.usage);
    return EXIT_OK;
  }
  const missing = missingOptions(values, required);
  if (missing !== undefined) {
    return usageError(command, missing);
  }
  return values;
}

/**
 * What is missing of the options `names`: `missing --a, --b`, or undefined when each is given (an
 * option given as an empty list counts as missing).
 */
export function missingOptions(values: object, names: readonly string[]): string | undefined {
  const given = values as Record<string, unknown>;
  const missing = names.filter(option => {
    const value = given[option];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
  return missing.length > 0 ? `missing ${missing.map(option => `--${option}`).join(', ')}` : undefined;
}

/**
 * The items of a list option, repeatable and comma-separated (`--region a,b --region c`): trimmed,
 * empty items dropped, in the order given.
 */
export function listValues(values: readonly string[] = []): string[] {
  return values.flatMap(value => value.split(',')).map(item => item.trim()).filter(item => item !== '');
}
