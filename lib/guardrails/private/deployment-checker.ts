/**
 * Checks whether an organisation's SCPs let a deployment through: for each stack, the requests its
 * deployment makes in its region (`deployment-needs.ts`), one representative action per service, as the
 * role that makes them, evaluated by the `ScpSimulator`.
 */
import { DeploymentNeed, deploymentNeeds, DeploymentRole, REPRESENTATIVE_ACTIONS, ResolvedDeploymentStack, bootstrapRoleArnPatterns } from './deployment-needs';
import { AuthorizationRequest, CHECK_PRINCIPAL_ARN, denyingStatementOf, ScpSimulator } from './scp-simulator';
import { partitionOfRegion } from '../../profiles/geography';
import { ROUTE53_METRICS_REGION } from '../../shared/route53-metrics';

/** One request of a deployment, and the SCPs' verdict. */
export interface DeploymentCheckRow extends DeploymentNeed {
  readonly action: string;
  readonly principalArn: string;
  readonly allowed: boolean;
  /** The statement that denies it (`file: Sid`); undefined when allowed. */
  readonly denyingStatement?: string;
}

/** The verdicts on a deployment. */
export interface DeploymentCheck {
  readonly rows: DeploymentCheckRow[];
  /** Services the checker has no representative action for (not simulated), `stack: service`. */
  readonly unchecked: string[];
}

/** The ARN of the principal that makes `role`'s requests for `stack`. */
export type PrincipalOf = (stack: ResolvedDeploymentStack, role: DeploymentRole) => string;

/** Evaluates every request of deploying `stacks` against the SCPs. */
export async function checkDeployment(simulator: ScpSimulator, stacks: readonly ResolvedDeploymentStack[],
  principalOf: PrincipalOf): Promise<DeploymentCheck> {
  const rows: DeploymentCheckRow[] = [];
  const unchecked: string[] = [];
  for (const stack of stacks) {
    for (const need of deploymentNeeds(stack)) {
      const action = REPRESENTATIVE_ACTIONS[need.service];
      if (action === undefined) {
        unchecked.push(`${stack.name}: ${need.service}`);
        continue;
      }
      const principalArn = principalOf(stack, need.role);
      const request: AuthorizationRequest = { action, resource: '*', context: { 'aws:RequestedRegion': need.region }, principalArn };
      const verdict = await simulator.evaluate(request);
      rows.push({
        ...need,
        action,
        principalArn,
        allowed: verdict.allowed,
        ...(verdict.allowed ? {} : { denyingStatement: denyingStatementOf(verdict) }),
      });
    }
  }
  return { rows, unchecked };
}

/** Whether the SCPs deny principals other than the deployment's the metrics of us-east-1 (what the dashboard reads). */
export async function deniesRoute53MetricsRegion(simulator: ScpSimulator): Promise<boolean> {
  const verdict = await simulator.evaluate({
    action: 'cloudwatch:GetMetricData', resource: '*', context: { 'aws:RequestedRegion': ROUTE53_METRICS_REGION }, principalArn: CHECK_PRINCIPAL_ARN,
  });
  return !verdict.allowed;
}

/**
 * What to change, for each region where the SCPs deny the deployment something.
 *
 * @param denied the rows the SCPs deny
 */
export function deploymentSuggestions(denied: readonly DeploymentCheckRow[], stacks: readonly ResolvedDeploymentStack[]): string[] {
  const regions = [...new Set(denied.map(row => row.region))].sort();
  return regions.map(region => {
    const here = stacks.filter(stack => stack.region === region);
    const code = here.filter(stack => stack.runsCode).map(stack => `'${stack.name}'`);
    if (code.length > 0) {
      return `${code.join(', ')} runs Lambda functions in ${region} as their own roles: approve ${region} in the region deny.`;
    }
    return `Approve ${region} in the region deny, or exempt the roles that deploy ${here.map(s => `'${s.name}'`).join(', ')} there by their `
      + `aws:PrincipalArn (ArnNotLike, in ${region} only), for the CDK's default bootstrap ${bootstrapRoleArnPatterns(partitionOfRegion(region), region).join(', ')}.`;
  });
}
