import * as fs from 'fs';
import * as path from 'path';

/**
 * One system-defined inference profile as stored in the catalog JSON.
 */
export interface CatalogProfileEntry {
  /** Profile id, e.g. `eu.anthropic.claude-3-7-sonnet-20250219-v1:0`. */
  readonly id: string;
  /** Geography prefix of the id. */
  readonly geography: string;
  /** The underlying foundation model id. */
  readonly modelId: string;
  /** Destination regions per source region; `["*"]` means every commercial region (global profiles). */
  readonly destinations: Readonly<Record<string, readonly string[]>>;
}

/** The catalog file: data with its source and date, written by `npx cdk-bedrock-cross-region update-profiles`. */
export interface CatalogDocument {
  /** Where the data came from. */
  readonly source: string;
  /** When it was read (ISO date). */
  readonly retrievedAt: string;
  /** Every commercial region, the destinations of `global.` profiles. */
  readonly commercialRegions: readonly string[];
  /** The profiles. */
  readonly profiles: readonly CatalogProfileEntry[];
}

/** Path of the catalog that ships with the library. */
export const BUNDLED_CATALOG_PATH = path.join(__dirname, '..', 'catalog.json');

/** Wildcard destination used by `global.` profiles in the catalog. */
export const ALL_COMMERCIAL_REGIONS = '*';

let bundled: CatalogDocument | undefined;

/** The catalog that ships with the library, read once. */
export function bundledCatalog(): CatalogDocument {
  bundled ??= parseCatalog(fs.readFileSync(BUNDLED_CATALOG_PATH, 'utf-8'), BUNDLED_CATALOG_PATH);
  return bundled;
}

/**
 * Parses and checks a catalog document. Throws with the file name and the faulty entry.
 */
export function parseCatalog(json: string, origin: string): CatalogDocument {
  let doc: CatalogDocument;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new Error(`Inference-profile catalog ${origin} is not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || !Array.isArray(doc.profiles) || !Array.isArray(doc.commercialRegions)) {
    throw new Error(`Inference-profile catalog ${origin} must have 'profiles' and 'commercialRegions' arrays.`);
  }
  for (const entry of doc.profiles) {
    if (typeof entry.id !== 'string' || typeof entry.modelId !== 'string' || typeof entry.geography !== 'string') {
      throw new Error(`Inference-profile catalog ${origin}: entry ${JSON.stringify(entry)} needs string 'id', 'geography' and 'modelId'.`);
    }
    if (entry.id !== `${entry.geography}.${entry.modelId}`) {
      throw new Error(`Inference-profile catalog ${origin}: id '${entry.id}' must equal '<geography>.<modelId>' ('${entry.geography}.${entry.modelId}').`);
    }
    const sources = Object.entries(entry.destinations ?? {});
    if (sources.length === 0 || sources.some(([, dests]) => !Array.isArray(dests) || dests.length === 0)) {
      throw new Error(`Inference-profile catalog ${origin}: '${entry.id}' needs at least one source region, each with at least one destination.`);
    }
  }
  return doc;
}
