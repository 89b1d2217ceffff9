#!/usr/bin/env node
/**
 * The package's command line, `cdk-bedrock-cross-region <command> [options]` (`npx cdk-bedrock-cross-region`
 * where the package is installed): dispatches to each command, prints the command list for `--help`, and
 * turns a command's failure into one line and exit status 1.
 */
import { CliCommand, packageCommands } from './commands';
import { CliIo, EXIT_OK, messageOf, PROCESS_IO, usageError } from '../shared/command-line';
import { CLI_NAME, cliCommand } from '../shared/package-cli';

/** Exit status: the command failed (its one-line reason is printed). */
export const EXIT_FAILED = 1;

/** Set to `1` (or `true`) for the stack trace of a failure, like `--debug`. */
export const DEBUG_ENV = 'CDK_BEDROCK_CROSS_REGION_DEBUG';

const DEBUG_FLAG = '--debug';

/** The entry point's usage: every command with its one line. */
export function usage(commands: readonly CliCommand[]): string {
  const rows = [...commands.map(c => [c.name, c.summary]), ['help [command]', 'this list, or a command\'s usage']];
  const width = Math.max(...rows.map(([name]) => name.length));
  return `Usage: ${cliCommand('<command>')} [options]

Commands:
${rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n')}

Every command has --help and refuses options it does not know.

Options:
  ${DEBUG_FLAG.padEnd(width)}  on a failure, print the stack trace too (or set ${DEBUG_ENV}=1)
  ${'-h, --help'.padEnd(width)}  this list

Exit status: 0 success, 1 the command failed or found a problem (it says which), 2 usage error.`;
}

/**
 * Runs the command line `argv` (without the node and script paths).
 *
 * @param commands the commands to dispatch to
 * @param env where `CDK_BEDROCK_CROSS_REGION_DEBUG` is read
 * @returns the exit status: the command's, 2 for an unknown or missing command, 1 when a command throws
 */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO, commands: readonly CliCommand[] = packageCommands(),
  env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const debug = argv.includes(DEBUG_FLAG) || ['1', 'true'].includes((env[DEBUG_ENV] ?? '').toLowerCase());
  const [name, ...args] = argv.filter(arg => arg !== DEBUG_FLAG);
  const entry = { name: CLI_NAME, usage: usage(commands), io };
  if (name === undefined) {
    return usageError(entry, 'missing command');
  }
  if (name === '-h' || name === '--help' || (name === 'help' && args.length === 0)) {
    io.out(entry.usage);
    return EXIT_OK;
  }
  if (name === 'help') {
    return args.length > 1 ? usageError(entry, `help takes one command, got '${args.join(' ')}'`) : dispatch(args[0], ['--help']);
  }
  return dispatch(name, args);

  async function dispatch(commandName: string, commandArgs: string[]): Promise<number> {
    const command = commands.find(c => c.name === commandName);
    if (command === undefined) {
      return usageError(entry, commandName.startsWith('-') ? `unknown option '${commandName}'` : `unknown command '${commandName}'`);
    }
    try {
      return await command.run(commandArgs, io);
    } catch (e) {
      io.err(`${CLI_NAME} ${commandName}: ${messageOf(e)}`);
      if (debug && e instanceof Error && e.stack) {
        io.err(e.stack);
      }
      return EXIT_FAILED;
    }
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
