import * as fs from 'fs';
import { ALL_COMMERCIAL_REGIONS, bundledCatalog, CatalogDocument, CatalogProfileEntry, parseCatalog } from './private/catalog-document';
import { UPDATE_PROFILES_EXAMPLE } from '../shared/package-cli';

/**
 * A catalog of system-defined inference profiles and their destination regions per source region.
 *
 * The library ships a snapshot of AWS's tables (`lib/profiles/catalog.json`, with its source and
 * date). For fresher data, write a catalog of your own from the Bedrock control plane with
 * `npx cdk-bedrock-cross-region update-profiles --region <source-region> --out my-catalog.json` and load
 * it with {@link fromFile}.
 */
export class InferenceProfileCatalog {
  /** The catalog that ships with this library (read and indexed once). */
  public static bundled(): InferenceProfileCatalog {
    InferenceProfileCatalog.bundledInstance ??= new InferenceProfileCatalog(bundledCatalog());
    return InferenceProfileCatalog.bundledInstance;
  }


  /**
   * A catalog read from a JSON file in the same format as the bundled one (for example the output
   * of `npx cdk-bedrock-cross-region update-profiles --region <source-region> --out my-catalog.json`).
   */
  public static fromFile(filePath: string): InferenceProfileCatalog {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf-8');
    } catch (e) {
      throw new Error(`Cannot read inference-profile catalog '${filePath}': ${(e as Error).message}`);
    }
    return new InferenceProfileCatalog(parseCatalog(text, filePath));
  }

  private static bundledInstance?: InferenceProfileCatalog;

  /** Where the catalog's data came from. */
  public readonly source: string;
  /** When the catalog's data was read (ISO date). */
  public readonly retrievedAt: string;
  /** Every commercial region: the destinations of `global.` profiles. */
  public get commercialRegions(): string[] {
    return [...this.doc.commercialRegions];
  }

  private readonly byId: Map<string, CatalogProfileEntry>;

  private constructor(private readonly doc: CatalogDocument) {
    this.source = doc.source;
    this.retrievedAt = doc.retrievedAt;
    this.byId = new Map(doc.profiles.map(p => [p.id, p]));
  }

  /** Ids of every profile in the catalog, sorted. */
  public get profileIds(): string[] {
    return [...this.byId.keys()].sort();
  }

  /** Whether the catalog knows a profile id. */
  public has(profileId: string): boolean {
    return this.byId.has(profileId);
  }

  /**
   * Source regions of a profile, sorted.
   *
   * @throws if the catalog does not know the profile
   */
  public sourceRegionsOf(profileId: string): string[] {
    return Object.keys(this.entry(profileId).destinations).sort();
  }

  /**
   * Destination regions of a profile from one source region, sorted; for `global.` profiles every
   * commercial region.
   *
   * @returns `undefined` if `sourceRegion` is not a source region of the profile
   * @throws if the catalog does not know the profile
   */
  public destinationsOf(profileId: string, sourceRegion: string): string[] | undefined {
    const destinations = this.entry(profileId).destinations[sourceRegion];
    if (!destinations) { return undefined; }
    const expanded = destinations.includes(ALL_COMMERCIAL_REGIONS)
      ? [...this.commercialRegions, sourceRegion]
      : [...destinations];
    return [...new Set(expanded)].sort();
  }

  /**
   * The foundation model behind a profile.
   *
   * @throws if the catalog does not know the profile
   */
  public modelIdOf(profileId: string): string {
    return this.entry(profileId).modelId;
  }

  private entry(profileId: string): CatalogProfileEntry {
    const entry = this.byId.get(profileId);
    if (!entry) {
      throw new Error(`Inference profile '${profileId}' is not in the catalog (${this.source}, ${this.retrievedAt}). `
        + 'Declare it with CrossRegionInferenceProfile.declare({ profileId, routes: [{ sourceRegion, destinationRegions }] }) '
        + 'using the destinations that `aws bedrock get-inference-profile --region <source> --inference-profile-identifier '
        + `${profileId}\` reports, or refresh the catalog with \`${UPDATE_PROFILES_EXAMPLE}\` and pass `
        + '`{ catalog: InferenceProfileCatalog.fromFile(\'my-catalog.json\') }` to CrossRegionInferenceProfile.fromId().');
    }
    return entry;
  }
}
