import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { Geography, geographyOfProfileId } from './geography';
import { InferenceProfileCatalog } from './inference-profile-catalog';
import { firstDuplicate } from '../private/validation';
import { ArnParts, inferenceProfileArn, invokeStatements, StatementSpec } from './private/invoke-statements';
import { classifyModelReference, explainUnsupportedReference, ModelReferenceVocabulary } from './private/model-reference';
import { ResidencyConstraint } from './residency-constraint';
import { GEOGRAPHY_PREFIXES } from '../shared/invoker-config';
import { UPDATE_PROFILES_EXAMPLE } from '../shared/package-cli';

/** The destination regions of a profile from one source region. */
export interface SourceRegionRoute {
  /** The region the caller sends requests to. */
  readonly sourceRegion: string;
  /**
   * The regions Bedrock may route those requests to, as `GetInferenceProfile` reports them
   * (`models[].modelArn`) from that source region.
   *
   * @default - every commercial region of the catalog plus the source region, for `global.` profiles;
   *            required for geographic profiles
   */
  readonly destinationRegions?: string[];
}

/** Properties of a profile the catalog does not know. */
export interface DeclaredProfileProps {
  /** The system-defined profile id, e.g. `eu.mistral.pixtral-large-2502-v1:0`. */
  readonly profileId: string;
  /** Every source region you will call the profile from, with its destination regions. */
  readonly routes: SourceRegionRoute[];
}

/** Options for {@link CrossRegionInferenceProfile.fromId}. */
export interface FromProfileIdOptions {
  /**
   * The catalog to look the profile up in.
   *
   * @default InferenceProfileCatalog.bundled()
   */
  readonly catalog?: InferenceProfileCatalog;
}

/** Options for {@link CrossRegionInferenceProfile.grantInvoke}. */
export interface GrantInvokeOptions {
  /**
   * The source regions the grantee calls the profile from (its own region and any fallback regions).
   * Each must be a source region of the profile.
   *
   * @default - the region of the grantee's stack
   */
  readonly sourceRegions?: string[];

  /**
   * A data-residency rule that every destination region must satisfy.
   *
   * @default ResidencyConstraint.UNRESTRICTED
   */
  readonly residency?: ResidencyConstraint;
}

/**
 * A system-defined cross-region inference profile (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `ca.`,
 * `us-gov.` or `global.`) and the regions Bedrock may route its requests to.
 *
 * Every permission this class grants covers every destination region of each source region used,
 * because Bedrock may serve any request in any of them.
 */
export class CrossRegionInferenceProfile {
  /**
   * A profile from the catalog, by id (or by its inference-profile ARN).
   *
   * Throws, with what to do instead, for a Provisioned Throughput ARN, a custom or imported model,
   * an application inference profile, a bare foundation model id, or an id the catalog does not know.
   */
  public static fromId(profileId: string, options: FromProfileIdOptions = {}): CrossRegionInferenceProfile {
    const id = CrossRegionInferenceProfile.requireSystemProfileId(profileId);
    const catalog = options.catalog ?? InferenceProfileCatalog.bundled();
    const routes = catalog.sourceRegionsOf(id).map(sourceRegion => ({
      sourceRegion,
      destinationRegions: catalog.destinationsOf(id, sourceRegion)!,
    }));
    return new CrossRegionInferenceProfile(id, catalog.modelIdOf(id), routes, catalog);
  }

  /**
   * A system-defined profile the catalog does not know, declared with its destinations per source region.
   */
  public static declare(props: DeclaredProfileProps): CrossRegionInferenceProfile {
    const id = CrossRegionInferenceProfile.requireSystemProfileId(props.profileId);
    const geography = geographyOfProfileId(id)!;
    if (props.routes.length === 0) {
      throw new Error(`CrossRegionInferenceProfile.declare('${id}'): 'routes' is empty. List every source region you will call it from, `
        + 'with the destination regions `aws bedrock get-inference-profile` reports there.');
    }
    const commercial = geography === Geography.GLOBAL ? InferenceProfileCatalog.bundled().commercialRegions : [];
    const routes = props.routes.map(route => {
      const destinations = route.destinationRegions ?? (geography === Geography.GLOBAL ? [...commercial, route.sourceRegion] : undefined);
      if (!destinations || destinations.length === 0) {
        throw new Error(`CrossRegionInferenceProfile.declare('${id}'): source region '${route.sourceRegion}' has no destinationRegions. `
          + 'Geographic profiles must list them (from `aws bedrock get-inference-profile`).');
      }
      return { sourceRegion: route.sourceRegion, destinationRegions: [...new Set(destinations)].sort() };
    });
    const duplicate = firstDuplicate(routes, r => r.sourceRegion);
    if (duplicate) {
      throw new Error(`CrossRegionInferenceProfile.declare('${id}'): source region '${duplicate.sourceRegion}' is listed twice; merge its destinations into one route.`);
    }
    return new CrossRegionInferenceProfile(id, id.slice(geography.length + 1), routes, InferenceProfileCatalog.bundled());
  }

  private static requireSystemProfileId(reference: string): string {
    if (Token.isUnresolved(reference)) {
      throw new Error('The inference profile id must be a literal string (got an unresolved token): the destination regions, '
        + 'and so the permissions, are derived from it at synth time.');
    }
    const vocabulary = modelReferenceVocabulary();
    const classified = classifyModelReference(reference, vocabulary);
    const problem = explainUnsupportedReference(reference, classified, vocabulary);
    if (problem) { throw new Error(problem); }
    return classified.profileId!;
  }

  /** The profile id, e.g. `us.anthropic.claude-3-haiku-20240307-v1:0`. */
  public readonly profileId: string;
  /** The underlying foundation model id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  public readonly modelId: string;
  /** The geography named by the id's prefix. */
  public readonly geography: Geography;

  private readonly routes: ReadonlyMap<string, readonly string[]>;
  /** The catalog the profile came from (the bundled one for a declared profile): where its alternatives are looked up. */
  private readonly catalog: InferenceProfileCatalog;

  private constructor(profileId: string, modelId: string, routes: Array<{ sourceRegion: string; destinationRegions: string[] }>,
    catalog: InferenceProfileCatalog) {
    this.profileId = profileId;
    this.modelId = modelId;
    this.geography = geographyOfProfileId(profileId)!;
    this.routes = new Map(routes.map(r => [r.sourceRegion, r.destinationRegions]));
    this.catalog = catalog;
  }

  /** Whether this is a `global.` profile, which may route to any commercial region. */
  public get isGlobal(): boolean {
    return this.geography === Geography.GLOBAL;
  }

  /** The regions this profile can be called from, sorted. */
  public get sourceRegions(): string[] {
    return [...this.routes.keys()].sort();
  }

  /** Whether `region` is a source region of this profile. */
  public isSourceRegion(region: string): boolean {
    return this.routes.has(region);
  }

  /**
   * The regions Bedrock may route a request to when this profile is called from `sourceRegion`.
   *
   * @throws if `sourceRegion` is not a source region of the profile
   */
  public destinationsFrom(sourceRegion: string): string[] {
    return [...this.requireRoute(sourceRegion)];
  }

  /**
   * The profile's ARN in a source region, partition- and account-agnostic (CDK tokens).
   */
  public arnIn(sourceRegion: string): string {
    this.requireRoute(sourceRegion);
    return inferenceProfileArn({ partition: Aws.PARTITION, account: Aws.ACCOUNT_ID }, sourceRegion, this.profileId);
  }

  /**
   * Every destination region of `sourceRegions` that `residency` forbids; empty when the rule holds.
   */
  public regionsOutside(residency: ResidencyConstraint, sourceRegions: string[]): string[] {
    const reached = new Set(sourceRegions.flatMap(source => this.destinationsFrom(source)));
    return residency.forbiddenRegions([...reached].sort());
  }

  /**
   * Grants `grantee` permission to invoke this profile (Converse, ConverseStream, InvokeModel and
   * InvokeModelWithResponseStream) from each source region: the profile ARN there, and the foundation
   * model in every destination region, usable only through the profile (`bedrock:InferenceProfileArn`).
   * For `global.` profiles, the AWS three-part policy with the region-less model ARN.
   */
  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    const stack = stackOfGrantee(grantee);
    const sourceRegions = options.sourceRegions ?? [this.regionOfStack(stack)];
    this.assertDeployable(sourceRegions, options.residency ?? ResidencyConstraint.UNRESTRICTED);
    const arnParts: ArnParts = { partition: Aws.PARTITION, account: stack?.account ?? Aws.ACCOUNT_ID };
    const grants = sourceRegions
      .flatMap(sourceRegion => this._invokeStatementsFrom(sourceRegion, arnParts))
      .map(spec => iam.Grant.addToPrincipal({
        grantee,
        actions: [...spec.actions],
        resourceArns: [...spec.resources],
        conditions: spec.conditions,
      }));
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /**
   * Checks, at synth time, that every source region is a source region of this profile and that no
   * destination region breaks `residency`. Throws with what to do otherwise.
   */
  public assertDeployable(sourceRegions: string[], residency: ResidencyConstraint): void {
    if (sourceRegions.length === 0) {
      throw new Error(`No source region given for '${this.profileId}': pass at least one region to call it from.`);
    }
    for (const region of sourceRegions) {
      if (Token.isUnresolved(region)) {
        throw new Error(`Cannot derive the destination regions of '${this.profileId}' from an unresolved region. `
          + 'Give the stack an explicit env.region (or pass sourceRegions explicitly).');
      }
      this.requireRoute(region);
    }
    if (this.isGlobal && residency !== ResidencyConstraint.UNRESTRICTED) {
      throw new Error(`'${this.profileId}' is a global profile: Bedrock may run its requests in any commercial region, which `
        + `breaks the residency constraint (${residency.description}). Use the geographic profile of the model for your `
        + `geography instead, for example 'eu.${this.modelId}' or 'us.${this.modelId}'.`);
    }
    const outside = this.regionsOutside(residency, sourceRegions);
    if (outside.length > 0) {
      const culprits = sourceRegions.filter(s => residency.forbiddenRegions(this.destinationsFrom(s)).length > 0);
      const insideSources = this.sourceRegions.filter(s => residency.forbiddenRegions(this.destinationsFrom(s)).length === 0);
      const ways = [
        ...(insideSources.length > 0 ? [`call it only from source regions whose destinations stay inside (${insideSources.join(', ')})`] : []),
        ...this.otherProfilesInside(residency).map(other => `use '${other.profileId}' (from ${other.sources.join(', ')})`),
      ];
      const advice = ways.length > 0
        ? `Either ${ways.join(', or ')}.`
        : `No source region of this profile, and no other profile of ${this.modelId} in the catalog, keeps inference inside the rule: `
          + `widen the residency constraint to allow ${outside.join(', ')}, or call the model in one region without cross-region inference.`;
      throw new Error(`'${this.profileId}' called from ${culprits.join(', ')} can run inference in ${outside.join(', ')}, `
        + `outside the residency constraint (${residency.description}). ${advice}`);
    }
  }

  /**
   * The least-privilege statements for invoking this profile from `sourceRegion` (what `grantInvoke`
   * grants there), for the library's own narrower grants such as the region canary's.
   *
   * @internal
   */
  public _invokeStatementsFrom(sourceRegion: string, arnParts: ArnParts): StatementSpec[] {
    return invokeStatements({
      profileId: this.profileId,
      modelId: this.modelId,
      isGlobal: this.isGlobal,
      sourceRegion,
      destinationRegions: this.destinationsFrom(sourceRegion),
    }, arnParts);
  }

  /** The catalog's other geographic profiles of this model that some source region keeps inside `residency`. */
  private otherProfilesInside(residency: ResidencyConstraint): Array<{ profileId: string; sources: string[] }> {
    const catalog = this.catalog;
    return catalog.profileIds
      .filter(id => id !== this.profileId && catalog.modelIdOf(id) === this.modelId && geographyOfProfileId(id) !== Geography.GLOBAL)
      .map(id => ({
        profileId: id,
        sources: catalog.sourceRegionsOf(id).filter(source => residency.forbiddenRegions(catalog.destinationsOf(id, source) ?? []).length === 0),
      }))
      .filter(other => other.sources.length > 0);
  }

  private requireRoute(sourceRegion: string): readonly string[] {
    const destinations = this.routes.get(sourceRegion);
    if (!destinations) {
      throw new Error(`'${sourceRegion}' is not a source region of inference profile '${this.profileId}'. `
        + `Deploy to (or call from) one of: ${this.sourceRegions.join(', ')}; or, if AWS has added this source region, `
        + `refresh the catalog (\`${UPDATE_PROFILES_EXAMPLE}\`, then fromId(id, { catalog: InferenceProfileCatalog.fromFile('my-catalog.json') })) `
        + 'or declare the profile with CrossRegionInferenceProfile.declare().');
    }
    return destinations;
  }

  private regionOfStack(stack: Stack | undefined): string {
    const region = stack?.region;
    if (!region || Token.isUnresolved(region)) {
      throw new Error(`grantInvoke('${this.profileId}'): cannot tell which source region the grantee calls from. `
        + 'Deploy the grantee in a stack with an explicit env.region, or pass options.sourceRegions.');
    }
    return region;
  }
}

let vocabulary: ModelReferenceVocabulary | undefined;

/** What a valid reference looks like: the geography prefixes, and the catalog's model providers. */
function modelReferenceVocabulary(): ModelReferenceVocabulary {
  if (!vocabulary) {
    const catalog = InferenceProfileCatalog.bundled();
    vocabulary = {
      geographyPrefixes: GEOGRAPHY_PREFIXES,
      providers: new Set(catalog.profileIds.map(id => catalog.modelIdOf(id).split('.')[0])),
    };
  }
  return vocabulary;
}

/** The stack of a grantee that is a construct (a role, a function, ...); `undefined` otherwise. */
function stackOfGrantee(grantee: iam.IGrantable): Stack | undefined {
  const candidates: unknown[] = [grantee, grantee.grantPrincipal];
  const construct = candidates.find((c): c is IConstruct => !!c && typeof c === 'object' && 'node' in c);
  return construct ? Stack.of(construct) : undefined;
}
