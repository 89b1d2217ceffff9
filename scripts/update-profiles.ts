/**
 * `update-profiles`: refreshes an inference-profile catalog from the Bedrock control plane,
 * `ListInferenceProfiles` (system-defined) and `GetInferenceProfile` in every named source region; the
 * region inside each `models[].modelArn` is a destination of that source region. Prints a line per
 * region as it answers, then the summary; writes the file only if every region answered.
 *
 *   npx cdk-bedrock-cross-region update-profiles --region us-east-1 --region eu-west-1 --out my-catalog.json
 *   npx projen update-profiles -- --region us-east-1 [--no-merge]     (this repository: lib/profiles/catalog.json)
 *
 * The package runs it from `assets/cli/update-profiles.js` (bundled by scripts/bundle-handlers.mjs, SDK
 * included); `main` only reads arguments, calls AWS and writes the file, the logic is in
 * `update-profiles/catalog-refresh.ts`. The endpoint can be redirected with the standard
 * `AWS_ENDPOINT_URL_BEDROCK` environment variable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildProfiles,
  CatalogFile,
  composeCatalog,
  diffCatalogs,
  progressLine,
  regionReport,
  serializeCatalog,
  sortedUnique,
  summarize,
} from './update-profiles/catalog-refresh';
import { createLimiter, DEFAULT_CONCURRENCY, fetchRegion, ProfileApi, sdkProfileApi } from './update-profiles/profile-api';
import { BUNDLED_CATALOG_PATH, parseCatalog } from '../lib/profiles/private/catalog-document';
import { CliIo, listValues, messageOf, parseCommandLine, PROCESS_IO, usageError } from '../lib/shared/command-line';
import { CommandContext } from '../lib/shared/package-cli';
import { isRegionName } from '../lib/shared/region-name';

/** Exit status: a region failed, or the existing or new catalog is unusable; nothing was written. */
export const EXIT_FAILED = 1;

/** Where the command runs, and the test seams. */
export interface UpdateProfilesContext extends CommandContext {
  /**
   * The catalog `--out` updates when it is not given (this repository's own).
   * @default - `--out` is required: the package's catalog is replaced by every install, so a user writes their own
   */
  readonly defaultOut?: string;
  /** Today's ISO date. @default - the current UTC date */
  readonly today?: () => string;
  /** Client factory. @default sdkProfileApi */
  readonly profileApi?: (region: string) => ProfileApi;
}

/** This repository's projen task: it refreshes the bundled catalog, `lib/profiles/catalog.json`. */
export const REPOSITORY_CONTEXT: UpdateProfilesContext = {
  invocation: 'npx projen update-profiles --',
  defaultOut: BUNDLED_CATALOG_PATH,
};

/** The usage text, as the command was started. */
export function usage(context: CommandContext & { readonly defaultOut?: string }): string {
  const out = context.defaultOut === undefined
    ? '  --out FILE       catalog to write or update (required); load it with InferenceProfileCatalog.fromFile(FILE)'
    : `  --out FILE       catalog to update (default: ${path.relative(process.cwd(), context.defaultOut) || context.defaultOut})`;
  return `Usage: ${context.invocation} --region <source-region> [--region ...]${context.defaultOut === undefined ? ' --out FILE' : ''} [options]

Refreshes an inference-profile catalog from Amazon Bedrock: ListInferenceProfiles (SYSTEM_DEFINED)
and GetInferenceProfile in each source region; destinations are the regions in models[].modelArn.
Prints a line per region as it answers, then what changed.

Options:
  --region R       source region to query (repeatable, required)
${out}
  --merge          keep source regions and profiles of the existing catalog that were not queried (default);
                   a new FILE holds the queried source regions only
  --no-merge       replace the catalog with what was queried
  --concurrency N  GetInferenceProfile calls in flight (default: ${DEFAULT_CONCURRENCY})
  -h, --help       show this help

Uses the standard AWS credential chain; AWS_ENDPOINT_URL_BEDROCK overrides the endpoint.
The file is written only if every region answered and the result passes the catalog parser.
Exit status: 0 written, 1 a region failed or a catalog is unusable (nothing written), 2 usage error.`;
}

/** Command-line options after parsing. */
export interface CliOptions {
  readonly regions: string[];
  readonly out: string;
  readonly merge: boolean;
  readonly concurrency: number;
}

/**
 * Parses the command line; prints the usage for `--help`, and what is wrong and the usage for bad input.
 *
 * @returns the options, or the exit status to end with (0 after `--help`, 2 for bad input)
 */
export function parseCliArgs(argv: readonly string[], io: CliIo, context: UpdateProfilesContext = REPOSITORY_CONTEXT): CliOptions | number {
  const command = { name: 'update-profiles', usage: usage(context), io };
  const values = parseCommandLine(command, argv, {
    region: { type: 'string', multiple: true },
    out: { type: 'string' },
    merge: { type: 'boolean', default: true },
    concurrency: { type: 'string' },
  }, [], { allowNegative: true });
  if (typeof values === 'number') {
    return values;
  }
  const regions = sortedUnique(listValues(values.region));
  for (const region of regions) {
    if (!isRegionName(region)) {
      return usageError(command, `--region '${region}' is not a region name (for example us-east-1).`);
    }
  }
  const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return usageError(command, `--concurrency '${values.concurrency}' must be a positive integer.`);
  }
  if (regions.length === 0) {
    return usageError(command, 'At least one --region is required.');
  }
  const out = values.out ?? context.defaultOut;
  if (out === undefined) {
    return usageError(command, "missing --out: the package's own catalog is replaced by every install, so write yours "
      + '(for example --out my-catalog.json) and load it with InferenceProfileCatalog.fromFile().');
  }
  return {
    regions,
    out: path.resolve(out),
    merge: values.merge !== false,
    concurrency,
  };
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`;
  }
  return String(e);
}

function readExisting(file: string): CatalogFile | undefined {
  if (!fs.existsSync(file)) { return undefined; }
  return parseCatalog(fs.readFileSync(file, 'utf-8'), file) as CatalogFile;
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * The command: returns the exit code (0 written, 1 a region failed or a catalog is unusable, 2 bad
 * arguments). Prints a line per region as it answers (failures on the error stream), then the summary.
 * Never writes the file unless every region answered.
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, context: UpdateProfilesContext = REPOSITORY_CONTEXT): Promise<number> {
  const options = parseCliArgs(argv, io, context);
  if (typeof options === 'number') {
    return options;
  }
  const relativeOut = path.relative(process.cwd(), options.out);
  const displayOut = relativeOut && !relativeOut.startsWith('..') ? relativeOut : options.out;

  let existing: CatalogFile | undefined;
  try {
    existing = readExisting(options.out);
  } catch (e) {
    io.err(`update-profiles: cannot use the existing catalog: ${(e as Error).message}`);
    return EXIT_FAILED;
  }
  const bundledCatalogPath = context.bundledCatalogPath ?? BUNDLED_CATALOG_PATH;
  const baseCommercialRegions = existing?.commercialRegions
    ?? parseCatalog(fs.readFileSync(bundledCatalogPath, 'utf-8'), bundledCatalogPath).commercialRegions;

  const total = options.regions.length;
  io.out(`update-profiles: querying ${total} source region(s) (${options.regions.join(', ')}), `
    + `${options.concurrency} GetInferenceProfile call(s) at a time`);
  const limit = createLimiter(options.concurrency);
  const makeApi = context.profileApi ?? sdkProfileApi;
  let done = 0;
  const results = await Promise.all(options.regions.map(async region => {
    const api = makeApi(region);
    try {
      const data = await fetchRegion(api, region, limit);
      io.out(progressLine(regionReport(existing?.profiles ?? [], data), ++done, total));
      return { region, data };
    } catch (e) {
      const error = describeError(e);
      io.err(`[${++done}/${total}] ${region}: FAILED ${error}`);
      return { region, error };
    } finally {
      api.close();
    }
  }));

  const failed = results.filter(r => r.error !== undefined);
  if (failed.length > 0) {
    io.err(`update-profiles: ${failed.length} of ${total} region(s) failed (${failed.map(r => r.region).join(', ')}); `
      + `${displayOut} was not changed.`);
    return EXIT_FAILED;
  }

  for (const r of results) {
    if (r.data!.profiles.length === 0) {
      io.err(`warning: ${r.region} lists no system-defined inference profiles (is Amazon Bedrock available there?)`);
    }
  }
  const built = buildProfiles(results.map(r => r.data!));
  for (const s of built.skipped) {
    io.err(`warning: skipping ${s.id} from ${s.sourceRegion}: ${s.reason}`);
  }
  const doc = composeCatalog({
    existing,
    baseCommercialRegions,
    built,
    queriedRegions: options.regions,
    merge: options.merge,
    retrievedAt: context.today?.() ?? new Date().toISOString().slice(0, 10),
  });
  const text = serializeCatalog(doc);
  try {
    parseCatalog(text, `${displayOut} (new)`);
  } catch (e) {
    io.err(`update-profiles: the new catalog is invalid, ${displayOut} was not changed: ${(e as Error).message}`);
    return EXIT_FAILED;
  }
  writeAtomically(options.out, text);

  summarize(diffCatalogs(existing?.profiles ?? [], doc.profiles, options.regions), built.skipped).forEach(line => io.out(line));
  io.out(`Wrote ${displayOut}: ${doc.profiles.length} profiles, ${doc.commercialRegions.length} commercial regions `
    + `(${options.merge ? 'merged with' : 'replacing'} the existing catalog).`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`update-profiles: ${messageOf(e)}\n`);
    process.exitCode = EXIT_FAILED;
  });
}
