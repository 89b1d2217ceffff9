/**
 * The pure half of `update-profiles`: catalog entries built from the control plane's answers, merged
 * with an existing catalog, compared per source region, composed into a document and summarized.
 * Tested directly; no I/O.
 */
import { geographyOfProfileId, Geography, partitionOfRegion } from '../../lib/profiles/geography';
import {
  ALL_COMMERCIAL_REGIONS,
  CatalogDocument,
  CatalogProfileEntry,
} from '../../lib/profiles/private/catalog-document';
import { UPDATE_PROFILES_EXAMPLE } from '../../lib/shared/package-cli';
import { isRegionName } from '../../lib/shared/region-name';

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

/** Separates this run's provenance from the previous catalog's in a merged catalog's `source`. */
export const EARLIER_SOURCE_SEPARATOR = '; other source regions kept from an earlier catalog: ';

/**
 * The region inside a foundation-model ARN (`arn:aws:bedrock:us-east-1::foundation-model/x`), or
 * `undefined` when the ARN has none (region-less global model ARNs) or is not an ARN.
 */
export function regionOfModelArn(arn: string | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  if (parts.length < 6 || parts[0] !== 'arn') { return undefined; }
  return isRegionName(parts[3]) ? parts[3] : undefined;
}

/** The distinct values, sorted. */
export function sortedUnique(values: Iterable<string>): string[] {
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
  // A new catalog is a package user's own: the command that refreshes it is the package's.
  const extras = Object.fromEntries(Object.entries(existing ?? { refreshWith: UPDATE_PROFILES_EXAMPLE })
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

/** A source region's counts: `4 profiles (1 added, 0 removed, 1 changed)`, and the skipped ones if any. */
function countsText(diff: SourceRegionDiff, skipped: number = 0): string {
  return `${diff.count} profiles (${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`
    + `${skipped > 0 ? `, ${skipped} skipped` : ''})`;
}

/** Human-readable summary lines for a run. */
export function summarize(diffs: readonly SourceRegionDiff[], skipped: readonly SkippedProfile[]): string[] {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`${d.sourceRegion}: ${countsText(d)}`);
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

/** What one source region's answers change, known as soon as that region has answered. */
export interface RegionReport {
  readonly diff: SourceRegionDiff;
  readonly skipped: readonly SkippedProfile[];
}

/**
 * What one source region's answers change in `existing`. A queried region's entries are replaced by
 * its fresh ones, merged or not, so this is final for that region before the others answer.
 */
export function regionReport(existing: readonly CatalogProfileEntry[], data: RegionProfiles): RegionReport {
  const built = buildProfiles([data]);
  const diff = diffCatalogs(existing, built.profiles, [data.sourceRegion]).find(d => d.sourceRegion === data.sourceRegion)!;
  return { diff, skipped: built.skipped };
}

/** The progress line of a region that answered: `[2/3] us-east-2: 4 profiles (1 added, 0 removed, 1 changed)`. */
export function progressLine(report: RegionReport, done: number, total: number): string {
  const { diff, skipped } = report;
  return `[${done}/${total}] ${diff.sourceRegion}: ${countsText(diff, skipped.length)}`;
}
