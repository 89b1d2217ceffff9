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
}
