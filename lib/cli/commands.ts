import * as path from 'node:path';
import { BUNDLED_CATALOG_PATH } from '../profiles/private/catalog-document';
import { CliIo } from '../shared/command-line';
import { BundledCommandMain, cliCommand } from '../shared/package-cli';

/** One command of the package's entry point. */
export interface CliCommand {
  readonly name: string;
  /** Its line in the command list. */
  readonly summary: string;
  /** Runs it with the arguments after its name; resolves to the exit status. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Finds a bundled command's exported `main` by the command's name. */
export type BundleLoader = (name: string) => BundledCommandMain;

/**
 * Where the package keeps the commands that need more than `lib/` (the AWS SDK, the fake Bedrock, the
 * handler): `assets/cli/<command>.js`, bundled by scripts/bundle-handlers.mjs. Resolved from this file,
 * `lib/cli/`, so it holds wherever the package is installed.
 */
export const BUNDLED_COMMANDS_DIR = path.join(__dirname, '..', '..', 'assets', 'cli');

/**
 * Loads `<dir>/<name>.js` and returns its `main`; a missing or broken bundle is an error that says what to do.
 *
 * @param dir where the bundles are (default: the package's `assets/cli/`)
 */
export function loadBundledCommand(name: string, dir: string = BUNDLED_COMMANDS_DIR): BundledCommandMain {
  const file = path.join(dir, `${name}.js`);
  let loaded: { readonly main?: unknown };
  try {
    // A bundle found at run time by its path, not a module of the library: it cannot be an import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file);
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(file)) {
      throw new Error(`the package has no ${file}: reinstall cdk-bedrock-cross-region (in its repository, run npx projen bundle)`);
    }
    throw e;
  }
  if (typeof loaded.main !== 'function') {
    throw new Error(`${file} exports no main function: reinstall cdk-bedrock-cross-region`);
  }
  return loaded.main as BundledCommandMain;
}

/**
 * The package's commands, in the order the command list shows them.
 *
 * @param load how the bundled commands are found (tests load their TypeScript sources)
 */
export function packageCommands(load: BundleLoader = name => loadBundledCommand(name)): CliCommand[] {
  const bundled = (name: string, summary: string): CliCommand => ({
    name,
    summary,
    run: (argv, io) => load(name)(argv, io, { invocation: cliCommand(name), bundledCatalogPath: BUNDLED_CATALOG_PATH }),
  });
  return [
    bundled('update-profiles', 'refresh an inference-profile catalog of your own from Amazon Bedrock'),
    bundled('drill', 'run a local failover drill against fake regions (no AWS account)'),
    // The SCP commands load aws-cdk-lib, which the others do not need: each is loaded when it runs.
    /* eslint-disable @typescript-eslint/no-require-imports */
    {
      name: 'check-scp',
      summary: 'check that your SCPs let cross-region inference and its deployment through',
      run: (argv, io) => (require('./check-scp') as typeof import('./check-scp')).main(argv, io),
    },
    {
      name: 'generate-scp',
      summary: 'print an SCP that denies unapproved regions but not cross-region inference',
      run: (argv, io) => (require('./generate-scp') as typeof import('./generate-scp')).main(argv, io),
    },
    /* eslint-enable @typescript-eslint/no-require-imports */
  ];
}
