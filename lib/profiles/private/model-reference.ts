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
  | 'unknown';

/** The result of {@link classifyModelReference}. */
export interface ModelReference {
  readonly kind: ModelReferenceKind;
  /** For profile ids and profile ARNs: the profile id. */
  readonly profileId?: string;
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
export function classifyModelReference(reference: string, isKnownGeographyPrefix: (id: string) => boolean): ModelReference {
  const arn = ARN_PATTERN.exec(reference);
  if (arn) {
    const kind = ARN_RESOURCE_KINDS[arn[3]] ?? 'unknown';
    return kind === 'system-profile-arn' ? { kind, profileId: arn[4] } : { kind };
  }
  if (isKnownGeographyPrefix(reference)) {
    return { kind: 'system-profile-id', profileId: reference };
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
export function explainUnsupportedReference(reference: string, ref: ModelReference): string | undefined {
  switch (ref.kind) {
    case 'system-profile-id':
    case 'system-profile-arn':
      return undefined;
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

function stripArn(reference: string): string {
  const slash = reference.lastIndexOf('/');
  return slash >= 0 ? reference.slice(slash + 1) : reference;
}
