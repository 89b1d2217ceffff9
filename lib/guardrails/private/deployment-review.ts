/**
 * Whether the generated region deny would block the deployment it is generated for, and what a
 * deployment outside the approved regions costs. Pure: the SCP generator refuses on its verdict, the
 * `CrossRegionInferenceScp` class and the commands print its warnings.
 *
 * The generated region deny denies, outside the approved regions, every action but its exempt ones
 * (`NotAction`), to every principal it does not exempt. A deployment stack there is therefore blocked
 * unless either its region is approved, or the roles that deploy it are exempt there
 * (`deploymentRoleArns`) and it runs no code of its own (Lambda functions run as their own roles,
 * which no deployment-role exemption covers, and the invokers' calls to Bedrock originate in their region).
 */
import { DeploymentNeed, deploymentNeeds, bootstrapRoleArnPatterns, ResolvedDeploymentStack, resolveDeploymentStack } from './deployment-needs';
import { partitionOfRegion } from '../../profiles/geography';
import { isRegionName } from '../../shared/region-name';
import { ROUTE53_METRICS_REGION } from '../../shared/route53-metrics';
import type { DeploymentStack } from '../deployment-stack';

/** What the review needs from the validated SCP options. */
export interface DeploymentReviewInput {
  /** The approved regions, validated. */
  readonly approvedRegions: readonly string[];
  /** The actions the region deny does not apply to (empty: it applies to every action). */
  readonly exemptActions: readonly string[];
  readonly partition: string;
  readonly stacks?: readonly DeploymentStack[];
  /** The deployment roles to exempt, validated; undefined when none. */
  readonly deploymentRoleArns?: readonly string[];
}

/** Something the deployment loses under the SCP. */
export interface DeploymentWarning {
  /** What kind of loss (the id a construct acknowledges it by). */
  readonly id: 'routingWithoutHealthCheckAlarms' | 'deploymentRolesOnly';
  readonly message: string;
}

/** The verdict on a deployment that the SCP does not block. */
export interface DeploymentReview {
  /** Deployment regions outside the approved ones where the SCP exempts the deployment roles, sorted. */
  readonly deploymentRoleRegions: string[];
  /** What the deployment loses under this SCP. */
  readonly warnings: DeploymentWarning[];
}

/** A region where the SCP would deny what the deployment needs. */
export interface BlockedRegion {
  readonly region: string;
  /** The stacks in that region. */
  readonly stacks: string[];
  /** What the SCP denies there. */
  readonly denied: DeploymentNeed[];
  /** The stacks there that run Lambda functions (no deployment-role exemption helps them). */
  readonly codeStacks: string[];
  /** Whether every stack there is a routing stack. */
  readonly routingOnly: boolean;
}

/** The generated SCP would block the deployment: `blocked` says where and what. */
export class DeploymentBlockedError extends Error {
  constructor(message: string, public readonly blocked: BlockedRegion[]) {
    super(message);
    this.name = 'DeploymentBlockedError';
  }
}

/** Whether the region deny's exempt actions (`NotAction`) exempt every action of `service`. */
export function exemptsService(exemptActions: readonly string[], service: string): boolean {
  return exemptActions.some(action => action.toLowerCase() === `${service}:*`);
}

/**
 * Reviews the deployment against the region deny.
 *
 * @throws DeploymentBlockedError saying what to do, when the SCP would deny what a stack needs in its region
 * @throws Error when a deployment stack or role ARN is malformed
 */
export function reviewDeployment(input: DeploymentReviewInput): DeploymentReview {
  if (input.stacks === undefined) {
    if (input.deploymentRoleArns !== undefined) {
      throw new Error('deploymentRoleArns is set without deploymentStacks: list the stacks the roles deploy (their regions), or omit it.');
    }
    return { deploymentRoleRegions: [], warnings: [] };
  }
  const stacks = validateStacks(input.stacks, input.partition);
  const outside = stacks.filter(stack => !input.approvedRegions.includes(stack.region));
  const blocked: BlockedRegion[] = [];
  const deploymentRoleRegions: string[] = [];
  for (const region of [...new Set(outside.map(stack => stack.region))].sort()) {
    const inRegion = outside.filter(stack => stack.region === region);
    const denied = inRegion.flatMap(deploymentNeeds).filter(need => !exemptsService(input.exemptActions, need.service));
    if (denied.length === 0) { continue; }
    const codeStacks = inRegion.filter(stack => stack.runsCode).map(stack => stack.name);
    if (input.deploymentRoleArns !== undefined && codeStacks.length === 0) {
      deploymentRoleRegions.push(region);
      continue;
    }
    blocked.push({ region, stacks: inRegion.map(stack => stack.name), denied, codeStacks, routingOnly: inRegion.every(stack => stack.routing) });
  }
  if (blocked.length > 0) {
    throw new DeploymentBlockedError(blockedMessage(blocked, stacks, input), blocked);
  }
  return { deploymentRoleRegions, warnings: warningsFor(stacks, deploymentRoleRegions, input.approvedRegions) };
}

function validateStacks(stacks: readonly DeploymentStack[], partition: string): ResolvedDeploymentStack[] {
  if (stacks.length === 0) {
    throw new Error('deploymentStacks is an empty list: list the stacks of the deployment (their regions), or omit it.');
  }
  for (const stack of stacks) {
    if (!isRegionName(stack.region)) {
      throw new Error(`deploymentStacks has a stack in '${stack.region}', which is not a region name (expected for example 'eu-west-1').`);
    }
    const bad = (stack.services ?? []).find(service => !/^[a-z0-9-]+$/.test(service));
    if (bad !== undefined) {
      throw new Error(`deploymentStacks: '${bad}' is not an IAM service prefix (expected for example 'lambda' or 'cloudformation').`);
    }
  }
  const resolved = stacks.map(resolveDeploymentStack);
  const foreign = resolved.find(stack => partitionOfRegion(stack.region) !== partition);
  if (foreign) {
    throw new Error(`deploymentStacks has '${foreign.name}' in ${foreign.region}, outside the approved regions' partition (${partition}): `
      + 'an SCP belongs to one organisation in one partition. Generate one SCP per partition.');
  }
  return resolved;
}

function blockedMessage(blocked: readonly BlockedRegion[], stacks: readonly ResolvedDeploymentStack[], input: DeploymentReviewInput): string {
  const lines = ['The SCP would block the deployment it is generated for:'];
  for (const b of blocked) {
    const services = [...new Set(b.denied.map(need => need.service))].join(', ');
    lines.push(`- In ${b.region} it denies what ${b.stacks.map(s => `'${s}'`).join(', ')} needs to deploy (${services}).`);
    if (b.codeStacks.length > 0) {
      lines.push(`  ${b.codeStacks.map(s => `'${s}'`).join(', ')} runs Lambda functions in ${b.region} as their own roles, which no `
        + `deployment-role exemption covers: add ${b.region} to approvedRegions (--approved-region ${b.region}), or deploy no endpoint there.`);
      continue;
    }
    const fixes = [
      `add ${b.region} to approvedRegions (--approved-region ${b.region})`,
      `exempt the roles that deploy it, in ${b.region} only, by aws:PrincipalArn (deploymentRoleArns, or --exempt-deployment-roles; `
        + `for the CDK's default bootstrap: ${bootstrapRoleArnPatterns(input.partition, b.region).join(', ')})`,
    ];
    if (b.routingOnly) {
      const home = stacks.find(stack => !stack.routing && input.approvedRegions.includes(stack.region))?.region ?? input.approvedRegions[0];
      fixes.push(`deploy the routing stack in an approved region (routingRegion: '${home}', or --routing-region ${home}), which has no `
        + `health-check alarms: Route 53 publishes health-check metrics only in ${ROUTE53_METRICS_REGION}`);
    }
    lines.push(`  Either ${fixes.join('; or ')}.`);
  }
  return lines.join('\n');
}

/**
 * What each routing stack outside us-east-1 loses. `closed`: whether the SCPs deny us-east-1 to the
 * principals that read the dashboard.
 */
export function routingStackWarnings(stacks: ReadonlyArray<{ name: string; region: string; routing: boolean }>,
  closed: boolean): DeploymentWarning[] {
  return stacks.filter(s => s.routing && s.region !== ROUTE53_METRICS_REGION).map(stack => ({
    id: 'routingWithoutHealthCheckAlarms',
    message: `The routing stack '${stack.name}' is in ${stack.region}: Route 53 publishes health-check metrics only in ${ROUTE53_METRICS_REGION}, `
      + 'so no alarm notifies when a region\'s health check turns unhealthy'
      + (closed
        ? `, and the dashboard's health-check widgets read ${ROUTE53_METRICS_REGION}, which the SCP denies to every principal it does not exempt. `
          + `That is the price of keeping ${ROUTE53_METRICS_REGION} closed; to have the alarms, deploy the routing stack to ${ROUTE53_METRICS_REGION} `
          + 'with the roles that deploy it exempt there (deploymentRoleArns, or --exempt-deployment-roles).'
        : `. Deploy it to ${ROUTE53_METRICS_REGION} (routingRegion: '${ROUTE53_METRICS_REGION}') to have them.`),
  }));
}

function warningsFor(stacks: readonly ResolvedDeploymentStack[], deploymentRoleRegions: readonly string[],
  approved: readonly string[]): DeploymentWarning[] {
  const warnings: DeploymentWarning[] = [];
  const closed = !approved.includes(ROUTE53_METRICS_REGION);
  warnings.push(...routingStackWarnings(stacks, closed));
  for (const region of deploymentRoleRegions) {
    const names = stacks.filter(stack => stack.region === region).map(stack => `'${stack.name}'`).join(', ');
    warnings.push({
      id: 'deploymentRolesOnly',
      message: `The roles that deploy ${names} are exempt from the region deny in ${region} only; every other principal stays denied `
      + `there, so operators cannot open those stacks' dashboard, alarms or logs in ${region} unless exemptPrincipalArns lists them.`,
    });
  }
  return warnings;
}
