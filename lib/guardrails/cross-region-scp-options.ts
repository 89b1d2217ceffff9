import type { DeploymentStack } from './deployment-stack';
import type { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';

/** Options of the SCP for cross-region inference. */
export interface CrossRegionScpOptions {
  /**
   * The regions the organisation approves (its region deny keeps every other region out), for example
   * `['us-east-1', 'us-west-2']`. Each profile must be callable from at least one of them: the
   * originating call on the profile ARN is still subject to the region deny.
   */
  readonly approvedRegions: string[];

  /**
   * The inference profiles the organisation uses. Bedrock may run their requests in destination
   * regions outside `approvedRegions`; the SCP lets those requests through.
   */
  readonly profiles: CrossRegionInferenceProfile[];

  /**
   * Deny Bedrock inference through any inference profile not in `profiles`
   * (`ArnNotLike bedrock:InferenceProfileArn`, account `*`).
   *
   * @default false - any system-defined profile called from an approved region may route anywhere it routes
   */
  readonly allowOnlyListedProfiles?: boolean;

  /**
   * Deny `global.` profiles while allowing geographic ones (the AWS statement keyed on
   * `aws:RequestedRegion` = `unspecified` and `inference-profile/global.*`).
   *
   * @default false
   */
  readonly denyGlobalProfiles?: boolean;

  /**
   * Principals (for example the Control Tower execution role, or a break-glass role) that the
   * organisation's region deny already exempts; every generated deny statement exempts them
   * (`ArnNotLike aws:PrincipalArn`). Wildcards are allowed: `arn:aws:iam::*:role/AWSControlTowerExecution`.
   *
   * @default - no principal is exempt
   */
  readonly exemptPrincipalArns?: string[];

  /**
   * Actions the region deny does not apply to (its `NotAction`): global services whose requests are
   * served from one region. An empty list denies every action outside the approved regions.
   *
   * @default DEFAULT_EXEMPT_ACTIONS - iam, sts, organizations, account, route53, route53domains,
   *          cloudfront, globalaccelerator, waf, shield, support, health, trustedadvisor, budgets, ce
   */
  readonly exemptActions?: string[];

  /**
   * The stacks of the deployment the SCP must let deploy (for example a `CrossRegionInferenceApi`'s
   * regional stacks and its routing stack, which is in us-east-1 by default). The SCP is refused when
   * its region deny would deny, in a stack's region, what deploying the stack needs (CloudFormation,
   * the CDK's bootstrap bucket and version parameter, the services of the stack's resources), saying
   * what to do: approve the region, exempt the roles that deploy it (`deploymentRoleArns`), or move the
   * routing stack. It warns when a routing stack outside us-east-1 loses its health-check alarms.
   *
   * @default - the deployment is not checked: the SCP may deny it in a region outside approvedRegions
   */
  readonly deploymentStacks?: DeploymentStack[];

  /**
   * ARN patterns (`aws:PrincipalArn`) of the roles that deploy `deploymentStacks`: for the CDK's default
   * bootstrap, its deploy, file-publishing and CloudFormation execution roles, for example
   * `arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*-us-east-1`. The SCP exempts them from its region
   * deny only in the regions of `deploymentStacks` outside `approvedRegions`; every other principal
   * stays denied there. A stack that runs Lambda functions cannot deploy that way: its region must be approved.
   *
   * @default - no role is exempt: a deployment stack outside approvedRegions makes the SCP refused
   */
  readonly deploymentRoleArns?: string[];

  /**
   * Deny Amazon Bedrock API keys: their use on both endpoints that accept them
   * (`bedrock:CallWithBearerToken`, `bedrock-mantle:CallWithBearerToken`) and the creation of long-term
   * ones (`iam:CreateServiceSpecificCredential` for `bedrock.amazonaws.com`), as AWS's example SCP does.
   * On by default: nothing this library deploys uses them (the invokers sign with their roles), and a
   * bearer token works from anywhere until it expires, outside the session controls of IAM roles.
   *
   * @default true
   */
  readonly denyBedrockApiKeys?: boolean;
}
