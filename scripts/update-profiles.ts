/* eslint-disable import/no-extraneous-dependencies -- a dev-time maintenance script: the SDK is a devDependency on purpose */
/**
 * Refreshes the inference-profile catalog (`lib/profiles/catalog.json`) from the Bedrock control
 * plane: `ListInferenceProfiles` (system-defined) and `GetInferenceProfile` in every named source
 * region; the region inside each `models[].modelArn` is a destination of that source region.
 *
 *   npx projen update-profiles -- --region us-east-1 --region eu-west-1 [--out FILE] [--no-merge]
 *
 * The logic is a set of pure functions (build, merge, diff, compose) tested directly; `main` only
 * reads arguments, calls AWS and writes the file. The endpoint can be redirected with the standard
 * `AWS_ENDPOINT_URL_BEDROCK` environment variable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BedrockClient,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
} from '@aws-sdk/client-bedrock';
import { geographyOfProfileId, Geography, partitionOfRegion } from '../lib/profiles/geography';
import {
  ALL_COMMERCIAL_REGIONS,
  BUNDLED_CATALOG_PATH,
  CatalogDocument,
  CatalogProfileEntry,
  parseCatalog,
} from '../lib/profiles/private/catalog-document';
import { CliIo, parseCommandLine, usageError } from '../lib/shared/command-line';
import { isRegionName } from '../lib/shared/region-name';

/** What the script needs from a `GetInferenceProfile` response (a subset of the SDK's output). */
export interface ProfileDescription {
  readonly inferenceProfileId?: string;
  readonly type?: string;
  readonly models?: ReadonlyArray<{ readonly modelArn?: string }>;
}

/** Every profile description read from one source region. */
export interface RegionProfiles {
  readonly sourceRegion: string;
  readonly profiles: readonly ProfileDescription[];
}

/** A profile left out of the catalog, and why. */
export interface SkippedProfile {
  readonly sourceRegion: string;
  readonly id: string;
  readonly reason: string;
}

/** The catalog entries built from API responses, for the queried source regions only. */
export interface BuiltProfiles {
  /** One entry per profile id, with destinations for the queried source regions. */
  readonly profiles: CatalogProfileEntry[];
  /** Commercial (`aws` partition) regions seen as sources or in model ARNs, sorted. */
  readonly commercialRegionsSeen: string[];
  /** Profiles left out (unknown geography prefix, no destination in their model ARNs). */
  readonly skipped: SkippedProfile[];
}

/** Changes to one source region's profiles between two catalogs. */
export interface SourceRegionDiff {
  readonly sourceRegion: string;
  /** Profiles available from the source region in `after`. */
  readonly count: number;
  readonly added: string[];
  readonly removed: string[];
  /** Profiles whose destinations from this source region changed. */
  readonly changed: Array<{ readonly id: string; readonly before: readonly string[]; readonly after: readonly string[] }>;
}

/** A catalog document as written: the parsed format plus any extra top-level keys (e.g. `refreshWith`). */
export type CatalogFile = CatalogDocument & { readonly [extra: string]: unknown };

/** Hint stored in new catalogs. */
export const REFRESH_WITH = 'npx projen update-profiles --region <source-region> ...';

/** Separates this run's provenance from the previous catalog's in a merged catalog's `source`. */
export const EARLIER_SOURCE_SEPARATOR = '; other source regions kept from an earlier catalog: ';

/** `GetInferenceProfile` calls in flight at a time (across all regions). */
export const DEFAULT_CONCURRENCY = 4;

/**
 * The region inside a foundation-model ARN (`arn:aws:bedrock:us-east-1::foundation-model/x`), or
 * `undefined` when the ARN has none (region-less global model ARNs) or is not an ARN.
 */
export function regionOfModelArn(arn: string | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  if (parts.length < 6 || parts[0] !== 'arn') { return undefined; }
  return isRegionName(parts[3]) ? parts[3] : undefined;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function sortedDestinations(destinations: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const source of Object.keys(destinations).sort()) {
    out[source] = sortedUnique(destinations[source]);
  }
  return out;
}

function byId(a: CatalogProfileEntry, b: CatalogProfileEntry): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Builds catalog entries from the `GetInferenceProfile` responses of each source region.
 *
 * Destinations are the regions inside `models[].modelArn`; `global.` profiles are recorded as
 * `["*"]` (every commercial region), whatever `models[]` lists. Ids with an unknown geography
 * prefix, non-system profiles and profiles whose model ARNs name no region are skipped.
 */
export function buildProfiles(regions: readonly RegionProfiles[]): BuiltProfiles {
  const entries = new Map<string, { geography: string; modelId: string; destinations: Record<string, string[]> }>();
  const seen = new Set<string>();
  const skipped: SkippedProfile[] = [];
  const noteCommercial = (region: string | undefined) => {
    if (region && partitionOfRegion(region) === 'aws') { seen.add(region); }
  };

  for (const { sourceRegion, profiles } of regions) {
    noteCommercial(sourceRegion);
    for (const profile of profiles) {
      const id = profile.inferenceProfileId ?? '';
      if (profile.type !== undefined && profile.type !== 'SYSTEM_DEFINED') { continue; }
      const geography = geographyOfProfileId(id);
      if (!geography) {
        skipped.push({ sourceRegion, id, reason: 'unknown geography prefix' });
        continue;
      }
      const modelRegions = sortedUnique(
        (profile.models ?? []).map(m => regionOfModelArn(m.modelArn)).filter((r): r is string => r !== undefined));
      modelRegions.forEach(noteCommercial);
      let destinations: string[];
      if (geography === Geography.GLOBAL) {
        destinations = [ALL_COMMERCIAL_REGIONS];
      } else if (modelRegions.length > 0) {
        destinations = modelRegions;
      } else {
        skipped.push({ sourceRegion, id, reason: 'no region in its models[].modelArn' });
        continue;
      }
      let entry = entries.get(id);
      if (!entry) {
        entry = { geography, modelId: id.slice(geography.length + 1), destinations: {} };
        entries.set(id, entry);
      }
      entry.destinations[sourceRegion] = destinations;
    }
  }

  const profiles = [...entries.entries()]
    .map(([id, e]) => ({ id, geography: e.geography, modelId: e.modelId, destinations: sortedDestinations(e.destinations) }))
    .sort(byId);
  return { profiles, commercialRegionsSeen: sortedUnique(seen), skipped };
}

/**
 * Combines the existing catalog's profiles with freshly read ones. The queried source regions are
 * replaced by the fresh data (a profile no longer listed from a queried region loses that region);
 * with `merge`, every other source region is kept as it was, otherwise it is dropped. Profiles left
 * without any source region disappear.
 */
export function mergeProfiles(
  existing: readonly CatalogProfileEntry[],
  fresh: readonly CatalogProfileEntry[],
  queriedRegions: readonly string[],
  merge: boolean,
): CatalogProfileEntry[] {
  const queried = new Set(queriedRegions);
  const out = new Map<string, { geography: string; modelId: string; destinations: Record<string, readonly string[]> }>();
  if (merge) {
    for (const entry of existing) {
      const kept = Object.entries(entry.destinations).filter(([source]) => !queried.has(source));
      if (kept.length > 0) {
        out.set(entry.id, { geography: entry.geography, modelId: entry.modelId, destinations: Object.fromEntries(kept) });
      }
    }
  }
  for (const entry of fresh) {
    const current = out.get(entry.id);
    const fromQueried = Object.entries(entry.destinations).filter(([source]) => queried.has(source));
    if (fromQueried.length === 0) { continue; }
    if (current) {
      Object.assign(current.destinations, Object.fromEntries(fromQueried));
    } else {
      out.set(entry.id, { geography: entry.geography, modelId: entry.modelId, destinations: Object.fromEntries(fromQueried) });
    }
  }
  return [...out.entries()]
    .map(([id, e]) => ({ id, geography: e.geography, modelId: e.modelId, destinations: sortedDestinations(e.destinations) }))
    .sort(byId);
}

function destinationsBySource(profiles: readonly CatalogProfileEntry[]): Map<string, Map<string, readonly string[]>> {
  const out = new Map<string, Map<string, readonly string[]>>();
  for (const p of profiles) {
    for (const [source, dests] of Object.entries(p.destinations)) {
      if (!out.has(source)) { out.set(source, new Map()); }
      out.get(source)!.set(p.id, sortedUnique(dests));
    }
  }
  return out;
}

/**
 * Per source region: the profiles added, removed and whose destinations changed from `before` to
 * `after`. Lists every region in `alwaysInclude`, and any other region only if it changed.
 */
export function diffCatalogs(
  before: readonly CatalogProfileEntry[],
  after: readonly CatalogProfileEntry[],
  alwaysInclude: readonly string[] = [],
): SourceRegionDiff[] {
  const b = destinationsBySource(before);
  const a = destinationsBySource(after);
  const diffs: SourceRegionDiff[] = [];
  for (const sourceRegion of sortedUnique([...b.keys(), ...a.keys(), ...alwaysInclude])) {
    const was = b.get(sourceRegion) ?? new Map<string, readonly string[]>();
    const now = a.get(sourceRegion) ?? new Map<string, readonly string[]>();
    const added = [...now.keys()].filter(id => !was.has(id)).sort();
    const removed = [...was.keys()].filter(id => !now.has(id)).sort();
    const changed = [...now.keys()].sort()
      .filter(id => was.has(id) && was.get(id)!.join(',') !== now.get(id)!.join(','))
      .map(id => ({ id, before: was.get(id)!, after: now.get(id)! }));
    if (alwaysInclude.includes(sourceRegion) || added.length + removed.length + changed.length > 0) {
      diffs.push({ sourceRegion, count: now.size, added, removed, changed });
    }
  }
  return diffs;
}

/** Inputs of {@link composeCatalog}. */
export interface ComposeOptions {
  /** The catalog being replaced, if any (its extra keys and, when merging, its provenance are kept). */
  readonly existing?: CatalogFile;
  /** The commercial regions to start from (usually the existing catalog's). */
  readonly baseCommercialRegions: readonly string[];
  readonly built: BuiltProfiles;
  readonly queriedRegions: readonly string[];
  readonly merge: boolean;
  /** ISO date of this run. */
  readonly retrievedAt: string;
}

/** The provenance line for data read from the API in `regions` on `date`. */
export function describeSource(regions: readonly string[], date: string): string {
  return 'Amazon Bedrock ListInferenceProfiles (typeEquals=SYSTEM_DEFINED) and GetInferenceProfile '
    + `in ${sortedUnique(regions).join(', ')} (read ${date})`;
}

/**
 * The new catalog document: merged profiles, commercial regions (existing plus every commercial
 * region seen), `source`/`retrievedAt` for this run, and the existing file's other keys.
 */
export function composeCatalog(options: ComposeOptions): CatalogFile {
  const { existing, built, queriedRegions, merge, retrievedAt } = options;
  const profiles = mergeProfiles(existing?.profiles ?? [], built.profiles, queriedRegions, merge);
  const fresh = describeSource(queriedRegions, retrievedAt);
  const keptSources = new Set(queriedRegions);
  const keepsEarlierData = merge && existing !== undefined
    && profiles.some(p => Object.keys(p.destinations).some(source => !keptSources.has(source)));
  const source = keepsEarlierData
    ? provenanceParts(fresh, existing!.source).join(EARLIER_SOURCE_SEPARATOR)
    : fresh;
  const extras = Object.fromEntries(Object.entries(existing ?? { refreshWith: REFRESH_WITH })
    .filter(([key]) => !CATALOG_KEYS.has(key)));
  return {
    source,
    retrievedAt,
    ...extras,
    commercialRegions: sortedUnique([...options.baseCommercialRegions, ...built.commercialRegionsSeen]),
    profiles,
  };
}

const CATALOG_KEYS = new Set(['source', 'retrievedAt', 'commercialRegions', 'profiles']);

/** This run's provenance first, then each earlier one once. */
function provenanceParts(fresh: string, earlier: string | undefined): string[] {
  const parts = [fresh, ...(earlier ?? '').split(EARLIER_SOURCE_SEPARATOR).filter(p => p.length > 0)];
  return [...new Set(parts)];
}

/** The catalog's file text: two-space JSON and a final newline, as committed. */
export function serializeCatalog(doc: CatalogFile): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Human-readable summary lines for a run. */
export function summarize(diffs: readonly SourceRegionDiff[], skipped: readonly SkippedProfile[]): string[] {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`${d.sourceRegion}: ${d.count} profiles (${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed)`);
    d.added.forEach(id => lines.push(`  + ${id}`));
    d.removed.forEach(id => lines.push(`  - ${id}`));
    d.changed.forEach(c => lines.push(`  ~ ${c.id}: [${c.before.join(', ')}] -> [${c.after.join(', ')}]`));
  }
  if (skipped.length > 0) {
    lines.push(`Skipped ${skipped.length} profile(s):`);
    skipped.forEach(s => lines.push(`  ! ${s.id} (from ${s.sourceRegion}): ${s.reason}`));
  }
  return lines;
}

/** Runs tasks with at most `limit` in flight. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) {
      active++;
    } else {
      // A finishing task hands its slot straight to the next waiter, so the limit holds at every tick.
      await new Promise<void>(resolve => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) { next(); } else { active--; }
    }
  };
}

/** The two control-plane calls the script makes, as a client for one region. */
export interface ProfileApi {
  listSystemProfileIds(): Promise<string[]>;
  getProfile(id: string): Promise<ProfileDescription>;
  close(): void;
}

/** A {@link ProfileApi} backed by the AWS SDK's `BedrockClient` (credentials and endpoint from the environment). */
export function sdkProfileApi(region: string): ProfileApi {
  const client = new BedrockClient({ region });
  return {
    async listSystemProfileIds() {
      const ids: string[] = [];
      const tokens = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'SYSTEM_DEFINED', nextToken }));
        for (const summary of page.inferenceProfileSummaries ?? []) {
          if (summary.inferenceProfileId) { ids.push(summary.inferenceProfileId); }
        }
        nextToken = page.nextToken;
        if (nextToken !== undefined && tokens.has(nextToken)) {
          throw new Error(`ListInferenceProfiles returned the nextToken '${nextToken}' twice`);
        }
        if (nextToken !== undefined) { tokens.add(nextToken); }
      } while (nextToken);
      return sortedUnique(ids);
    },
    async getProfile(id: string) {
      return client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
    },
    close() {
      client.destroy();
    },
  };
}

/** Reads every system-defined profile of one source region, with bounded concurrency. */
export async function fetchRegion(
  api: ProfileApi,
  sourceRegion: string,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<RegionProfiles> {
  const ids = await limit(() => api.listSystemProfileIds());
  const profiles = await Promise.all(ids.map(id => limit(() => api.getProfile(id))));
  return { sourceRegion, profiles };
}

/** Where `main` writes its output and how it reaches AWS. */
export interface MainIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  /** Today's ISO date (default: the current UTC date). */
  readonly today?: () => string;
  /** Client factory (default: {@link sdkProfileApi}). */
  readonly profileApi?: (region: string) => ProfileApi;
}

export const USAGE = `Usage: npx projen update-profiles -- --region <source-region> [--region ...] [options]

Refreshes the inference-profile catalog from Amazon Bedrock: ListInferenceProfiles (SYSTEM_DEFINED)
and GetInferenceProfile in each source region; destinations are the regions in models[].modelArn.

Options:
  --region R       source region to query (repeatable, required)
  --out FILE       catalog to update (default: lib/profiles/catalog.json)
  --merge          keep source regions and profiles of the existing catalog that were not queried (default)
  --no-merge       replace the catalog with what was queried
  --concurrency N  GetInferenceProfile calls in flight (default: ${DEFAULT_CONCURRENCY})
  --help           show this help

Uses the standard AWS credential chain; AWS_ENDPOINT_URL_BEDROCK overrides the endpoint.
The file is written only if every region answered and the result passes the catalog parser.`;

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
export function parseCliArgs(argv: readonly string[], io: CliIo): CliOptions | number {
  const command = { name: 'update-profiles', usage: USAGE, io };
  const values = parseCommandLine(command, argv, {
    region: { type: 'string', multiple: true },
    out: { type: 'string' },
    merge: { type: 'boolean', default: true },
    concurrency: { type: 'string' },
  }, [], { allowNegative: true });
  if (typeof values === 'number') {
    return values;
  }
  const regions = sortedUnique((values.region ?? []).flatMap(r => r.split(',')).map(r => r.trim()).filter(r => r.length > 0));
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
  return {
    regions,
    out: path.resolve(values.out ?? BUNDLED_CATALOG_PATH),
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
 * The command: returns the exit code (0 written, 1 a region failed or the result is invalid,
 * 2 bad arguments). Never writes the file unless every region answered.
 */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const options = parseCliArgs(argv, { out: io.log, err: io.error });
  if (typeof options === 'number') {
    return options;
  }
  const relativeOut = path.relative(process.cwd(), options.out);
  const displayOut = relativeOut && !relativeOut.startsWith('..') ? relativeOut : options.out;

  let existing: CatalogFile | undefined;
  try {
    existing = readExisting(options.out);
  } catch (e) {
    io.error(`update-profiles: cannot use the existing catalog: ${(e as Error).message}`);
    return 1;
  }
  const baseCommercialRegions = existing?.commercialRegions
    ?? parseCatalog(fs.readFileSync(BUNDLED_CATALOG_PATH, 'utf-8'), BUNDLED_CATALOG_PATH).commercialRegions;

  const limit = createLimiter(options.concurrency);
  const makeApi = io.profileApi ?? sdkProfileApi;
  const results = await Promise.all(options.regions.map(async region => {
    const api = makeApi(region);
    try {
      return { region, data: await fetchRegion(api, region, limit) };
    } catch (e) {
      return { region, error: describeError(e) };
    } finally {
      api.close();
    }
  }));

  const failed = results.filter(r => r.error !== undefined);
  for (const r of failed) {
    io.error(`${r.region}: ${r.error}`);
  }
  if (failed.length > 0) {
    io.error(`update-profiles: ${failed.length} of ${results.length} region(s) failed (${failed.map(r => r.region).join(', ')}); `
      + `${displayOut} was not changed.`);
    return 1;
  }

  for (const r of results) {
    if (r.data!.profiles.length === 0) {
      io.error(`warning: ${r.region} lists no system-defined inference profiles (is Amazon Bedrock available there?)`);
    }
  }
  const built = buildProfiles(results.map(r => r.data!));
  for (const s of built.skipped) {
    io.error(`warning: skipping ${s.id} from ${s.sourceRegion}: ${s.reason}`);
  }
  const doc = composeCatalog({
    existing,
    baseCommercialRegions,
    built,
    queriedRegions: options.regions,
    merge: options.merge,
    retrievedAt: io.today?.() ?? new Date().toISOString().slice(0, 10),
  });
  const text = serializeCatalog(doc);
  try {
    parseCatalog(text, `${displayOut} (new)`);
  } catch (e) {
    io.error(`update-profiles: the new catalog is invalid, ${displayOut} was not changed: ${(e as Error).message}`);
    return 1;
  }
  writeAtomically(options.out, text);

  summarize(diffCatalogs(existing?.profiles ?? [], doc.profiles, options.regions), built.skipped).forEach(io.log);
  io.log(`Wrote ${displayOut}: ${doc.profiles.length} profiles, ${doc.commercialRegions.length} commercial regions `
    + `(${options.merge ? 'merged with' : 'replacing'} the existing catalog).`);
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    log: line => process.stdout.write(`${line}\n`),
    error: line => process.stderr.write(`${line}\n`),
  }).then(code => { process.exitCode = code; });
}
