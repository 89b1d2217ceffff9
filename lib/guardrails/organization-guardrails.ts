import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { CrossRegionScpOptions } from './cross-region-scp-options';
import type { DeploymentWarning } from './private/deployment-review';
import { generateCrossRegionScp, ScpDocumentJson } from './private/scp-statements';

/**
 * A service control policy that keeps an organisation's region deny while letting Amazon Bedrock
 * cross-region inference reach the destination regions of its inference profiles.
 *
 * The region deny exempts only requests Bedrock makes on behalf of an inference profile (the
 * `bedrock:InferenceProfileArn` carve-out AWS documents); the originating call on the profile ARN,
 * direct model calls and every other service stay confined to the approved regions.
 *
 * @example
 * const scp = new CrossRegionInferenceScp({
 *   approvedRegions: ['us-east-1'],
 *   profiles: [CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-5-haiku-20241022-v1:0')],
 *   allowOnlyListedProfiles: true,
 * });
 * const json = scp.toJson();
 */
export class CrossRegionInferenceScp {
  /** The SCP as an `iam.PolicyDocument`, for the given options. */
  public static policyDocument(options: CrossRegionScpOptions): iam.PolicyDocument {
    return new CrossRegionInferenceScp(options).toPolicyDocument();
  }

  /** The `Sid` of every statement, in order. */
  public readonly statementIds: string[];

  /**
   * What the deployment (`deploymentStacks`) loses under this SCP, one sentence each: for example a
   * routing stack outside us-east-1 has no health-check alarms. Empty when nothing is lost.
   */
  public readonly warnings: string[];

  /**
   * The warnings with their ids, for the annotations of {@link CrossRegionInferenceScpPolicy}.
   * @internal
   */
  public readonly _deploymentWarnings: readonly DeploymentWarning[];

  private readonly document: ScpDocumentJson;

  /**
   * @throws with what to change, when the options contradict each other, a profile could not be called,
   *         or the SCP would deny what `deploymentStacks` need to deploy in their regions
   */
  constructor(options: CrossRegionScpOptions) {
    const generated = generateCrossRegionScp(options);
    this.document = generated.document;
    this._deploymentWarnings = generated.warnings;
    this.warnings = generated.warnings.map(w => w.message);
    this.statementIds = this.document.Statement.map(statement => statement.Sid);
  }

  /** The SCP as an `iam.PolicyDocument`. */
  public toPolicyDocument(): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(JSON.parse(this.toJson(0)));
  }

  /**
   * The SCP as JSON text.
   *
   * @param indent spaces of indentation; 0 for the minified form AWS Organizations counts against its size limit
   */
  public toJson(indent: number = 2): string {
    return JSON.stringify(this.document, undefined, indent);
  }
}

/** Properties of {@link CrossRegionInferenceScpPolicy}. */
export interface CrossRegionInferenceScpPolicyProps extends CrossRegionScpOptions {
  /**
   * Roots, organizational units or accounts to attach the SCP to (`r-...`, `ou-...-...`, 12-digit ids).
   *
   * @default - not attached; attach it in AWS Organizations yourself
   */
  readonly targetIds?: string[];

  /**
   * The name of the policy in AWS Organizations.
   *
   * @default 'cross-region-inference-region-deny'
   */
  readonly policyName?: string;

  /**
   * The description of the policy in AWS Organizations.
   *
   * @default - a description naming the approved regions
   */
  readonly description?: string;
}

/**
 * Deploys {@link CrossRegionInferenceScp} as an `AWS::Organizations::Policy` of type
 * `SERVICE_CONTROL_POLICY`. Deploy it from a stack in the organisation's management account (or a
 * delegated administrator account for AWS Organizations policies).
 */
export class CrossRegionInferenceScpPolicy extends Construct {
  /** The SCP that this construct deploys. */
  public readonly scp: CrossRegionInferenceScp;
  /** The `AWS::Organizations::Policy` resource. */
  public readonly policy: organizations.CfnPolicy;
  /** The id of the policy (`p-...`). */
  public readonly policyId: string;

  constructor(scope: Construct, id: string, props: CrossRegionInferenceScpPolicyProps) {
    super(scope, id);
    for (const target of props.targetIds ?? []) {
      if (!Token.isUnresolved(target) && !/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/.test(target)) {
        throw new Error(`CrossRegionInferenceScpPolicy: targetIds contains '${target}', which is not a root (r-...), `
          + 'organizational unit (ou-...-...) or 12-digit account id.');
      }
    }
    this.scp = new CrossRegionInferenceScp(props);
    this.policy = new organizations.CfnPolicy(this, 'Resource', {
      name: props.policyName ?? 'cross-region-inference-region-deny',
      description: props.description
        ?? `Region deny (approved: ${[...new Set(props.approvedRegions)].sort().join(', ')}) that lets Bedrock cross-region inference reach its destination regions`,
      type: 'SERVICE_CONTROL_POLICY',
      content: JSON.parse(this.scp.toJson(0)),
      targetIds: props.targetIds,
    });
    this.policyId = this.policy.attrId;
    Annotations.of(this).addWarningV2('cdk-bedrock-cross-region:scpManagementAccount',
      'Service control policies deploy only from the organisation\'s management account (or a delegated administrator for '
      + 'AWS Organizations policies); deploy this stack there. An SCP attached to a root or OU affects every account below it: '
      + 'check it first with `npx check-scp`.');
    for (const warning of this.scp._deploymentWarnings) {
      Annotations.of(this).addWarningV2(`cdk-bedrock-cross-region:scp-${warning.id}`, warning.message);
    }
  }
}
