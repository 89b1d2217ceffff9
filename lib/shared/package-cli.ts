/**
 * The package's command-line entry point, `cdk-bedrock-cross-region <command>`: its name, how a user of
 * the npm package types its commands (the one home for both, used by every message, runbook and usage
 * text that names a command), and what the entry point tells the commands it ships as bundles.
 * No CDK imports: the bundled commands use it too.
 */
import { CliIo } from './command-line';

/** The name of the package's command (its `bin`), as `npx` runs it. */
export const CLI_NAME = 'cdk-bedrock-cross-region';

/** How a user of the package runs `command`, e.g. `npx cdk-bedrock-cross-region update-profiles`. */
export function cliCommand(command: string): string {
  return `npx ${CLI_NAME} ${command}`;
}

/** How a user of the package writes a fresh inference-profile catalog of their own, to load with `InferenceProfileCatalog.fromFile`. */
export const UPDATE_PROFILES_EXAMPLE = `${cliCommand('update-profiles')} --region <source-region> --out my-catalog.json`;

/**
 * What started a command that runs both from the package's entry point and as a projen task of this
 * repository (`drill`, `update-profiles`).
 */
export interface CommandContext {
  /**
   * What the user types to start the command, as its usage shows it: `npx cdk-bedrock-cross-region drill`
   * from the package, or the projen task (with its `--`) in this repository.
   */
  readonly invocation: string;
  /**
   * The inference-profile catalog the library ships (the entry point knows where the package put it).
   * @default - the catalog next to the sources
   */
  readonly bundledCatalogPath?: string;
}

/** The exported function of a command bundled into the package's `assets/cli/<command>.js`. */
export type BundledCommandMain = (argv: string[], io: CliIo, context: CommandContext) => Promise<number>;
