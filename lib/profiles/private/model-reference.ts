/**
 * Classifies what a user passed where a system-defined cross-region inference profile is required,
 * so that a wrong kind of model reference fails at synth time with a message that says what to do.
 */

/** What a model reference string refers to. */
export type ModelReferenceKind =
  | 'system-profile-id'
  | 'system-profile-arn'
  | 'application-inference-profile'
  | 'provisioned-throughput'
  | 'custom-model'
  | 'imported-model'
  | 'foundation-model'
  | 'unknown-geography-prefix'
  | 'surrounding-whitespace'
  | 'unknown';

/** The result of {@link classifyModelReference}. */
export interface ModelReference {
  readonly kind: ModelReferenceKind;
  /** For profile ids and profile ARNs: the profile id. */
  readonly profileId?: string;
  /** For `unknown-geography-prefix`: the prefix given (`ap` in `ap.anthropic.claude-...`). */
  readonly prefix?: string;
}

/** What {@link classifyModelReference} knows about valid references. */
export interface ModelReferenceVocabulary {
  /** The geography prefixes (`us`, `eu`, `apac`, ...): what a profile id starts with, before a dot. */
  readonly geographyPrefixes: readonly string[];
  /** The model providers of the catalog (`anthropic`, `amazon`, ...): the first label of a foundation model id. */
  readonly providers: ReadonlySet<string>;
}

const ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):([0-9]*):([a-z-]+)\/(.+)$/;

const ARN_RESOURCE_KINDS: Record<string, ModelReferenceKind> = {
  'inference-profile': 'system-profile-arn',
  'application-inference-profile': 'application-inference-profile',
  'provisioned-model': 'provisioned-throughput',
  'custom-model': 'custom-model',
  'custom-model-deployment': 'custom-model',
  'imported-model': 'imported-model',
  'foundation-model': 'foundation-model',
};

/**
 * Classifies a model reference (an id or an ARN). Pure; never throws.
 *
 * @internal
 */
export function classifyModelReference(reference: string, vocabulary: ModelReferenceVocabulary): ModelReference {
  if (reference.trim() !== reference) {
    return { kind: 'surrounding-whitespace' };
  }
  const arn = ARN_PATTERN.exec(reference);
  if (arn) {
    const kind = ARN_RESOURCE_KINDS[arn[3]] ?? 'unknown';
    return kind === 'system-profile-arn' ? { kind, profileId: arn[4] } : { kind };
  }
  if (vocabulary.geographyPrefixes.some(prefix => reference.startsWith(`${prefix}.`))) {
    return { kind: 'system-profile-id', profileId: reference };
  }
  // `<prefix>.<provider>.<model>` with a prefix that is no geography, such as `ap.anthropic.claude-...`.
  const labels = reference.split('.');
  if (labels.length >= 3 && vocabulary.providers.has(labels[1]) && !vocabulary.providers.has(labels[0])) {
    return { kind: 'unknown-geography-prefix', prefix: labels[0] };
  }
  // A bare model id such as `anthropic.claude-3-haiku-20240307-v1:0`.
  if (/^[a-z0-9-]+\.[a-zA-Z0-9.:-]+$/.test(reference)) {
    return { kind: 'foundation-model' };
  }
  return { kind: 'unknown' };
}

/**
 * The synth-time error for a reference that is not a system-defined cross-region profile, or
 * `undefined` when the reference is one.
 *
 * @internal
 */
export function explainUnsupportedReference(reference: string, ref: ModelReference, vocabulary: ModelReferenceVocabulary): string | undefined {
  switch (ref.kind) {
    case 'system-profile-id':
    case 'system-profile-arn':
      return undefined;
    case 'surrounding-whitespace':
      return `'${reference}' has whitespace around it; pass the id without it: '${reference.trim()}'.`;
    case 'unknown-geography-prefix': {
      const rest = reference.slice(ref.prefix!.length + 1);
      const closest = closestGeographyPrefixes(ref.prefix!, vocabulary.geographyPrefixes);
      const suggestion = closest.length > 0
        ? ` Did you mean ${closest.map(prefix => `'${prefix}.${rest}'`).join(' or ')}?`
        : '';
      return `'${ref.prefix}.' in '${reference}' is not a geography prefix of a cross-region inference profile; the prefixes are `
        + `${[...vocabulary.geographyPrefixes].sort().map(prefix => `'${prefix}.'`).join(', ')}.${suggestion}`;
    }
    case 'provisioned-throughput':
      return `'${reference}' is a Provisioned Throughput ARN. Inference profiles do not support Provisioned Throughput, `
        + 'so it cannot be used for cross-region inference. Invoke provisioned models in their own region without this '
        + 'library, or pass a system-defined profile id such as \'us.anthropic.claude-3-5-haiku-20241022-v1:0\'.';
    case 'custom-model':
      return `'${reference}' is a custom model. No system-defined cross-region inference profile covers custom models; `
        + 'invoke it in its own region (through Provisioned Throughput or an on-demand deployment), or pass a '
        + 'system-defined profile id such as \'eu.amazon.nova-lite-v1:0\'.';
    case 'imported-model':
      return `'${reference}' is an imported model. Cross-region inference profiles only cover Bedrock foundation models; `
        + 'invoke imported models in the region you imported them to, or pass a system-defined profile id.';
    case 'application-inference-profile':
      return `'${reference}' is an application inference profile. This library needs the system-defined cross-region `
        + 'profile it was copied from (for example \'us.anthropic.claude-sonnet-4-5-20250929-v1:0\'), because the '
        + 'permissions and fallback regions are derived from that profile\'s destination regions.';
    case 'foundation-model':
      return `'${reference}' is a foundation model id, not a cross-region inference profile. Prefix it with its `
        + 'geography (for example \'us.\', \'eu.\', \'apac.\' or \'global.\'), e.g. \'us.' + stripArn(reference) + '\'.';
    default:
      return `'${reference}' is not a system-defined cross-region inference profile id. Expected '<geography>.<model-id>' `
        + 'with a geography of us, us-gov, eu, apac, jp, au, ca or global.';
  }
}

/**
 * The geography prefixes a mistyped `prefix` most likely meant: those it abbreviates or extends (`ap` →
 * `apac`, `eur` → `eu`), else those one edit away (two for prefixes longer than three letters: `uk` →
 * `us`, `glbal` → `global`); empty when none is close.
 */
export function closestGeographyPrefixes(prefix: string, prefixes: readonly string[]): string[] {
  const typed = prefix.toLowerCase();
  const overlapping = prefixes.filter(known => known !== typed && (known.startsWith(typed) || typed.startsWith(known)));
  if (overlapping.length > 0) {
    return [...overlapping].sort();
  }
  const tolerance = typed.length > 3 ? 2 : 1;
  return prefixes.filter(known => editDistance(typed, known) <= tolerance).sort();
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function stripArn(reference: string): string {
  const slash = reference.lastIndexOf('/');
  return slash >= 0 ? reference.slice(slash + 1) : reference;
}
