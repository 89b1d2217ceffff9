#!/usr/bin/env node
import { deploymentRolePatterns } from '../guardrails/private/cloud-assembly';
import { DEPLOYMENT_OPTIONS, DEPLOYMENT_USAGE, deploymentInput, DeploymentInput } from '../guardrails/private/deployment-input';
import { bootstrapRoleArnPatterns } from '../guardrails/private/deployment-needs';
import { DeploymentBlockedError } from '../guardrails/private/deployment-review';
import { DEFAULT_EXEMPT_ACTIONS, generateCrossRegionScp } from '../guardrails/private/scp-statements';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { partitionOfRegion } from '../profiles/geography';
import { InferenceProfileCatalog } from '../profiles/inference-profile-catalog';
import { CliIo, EXIT_OK, EXIT_USAGE, messageOf, parseCommandLine, PROCESS_IO, usageError } from '../shared/command-line';

/** Exit status: the SCP would block the deployment it is generated for (what to do is printed). */
const EXIT_BLOCKS_DEPLOYMENT = 1;

const USAGE = `Usage: generate-scp --approved-region REGION [--approved-region REGION ...] [--profile ID ...]
                    [--deployment-regions R1,R2 [--routing-region REGION] | --from CDK_OUT [--stack PATTERN ...]]
                    [--exempt-deployment-roles] [--deployment-role-arn ARN ...]
                    [--allow-only-listed-profiles] [--deny-global-profiles] [--no-deny-bedrock-api-keys]
                    [--exempt-principal-arn ARN ...] [--exempt-action ACTION ...] [--catalog FILE]

Prints a service control policy (JSON) that denies every region outside the approved ones, except
requests Amazon Bedrock makes on behalf of an inference profile, so that cross-region inference can
reach the profiles' destination regions. The call on the profile itself must be made in an approved region.

Given the deployment (its regions, or a synthesized app), it REFUSES when the SCP would deny what the
deployment needs in one of its regions (CloudFormation, the CDK's bootstrap bucket and version parameter,
the services of each stack's resources), and says what to do; it warns when a routing stack outside
us-east-1 is what makes it work (no health-check alarms there).

  --approved-region REGION       a region your organisation approves (repeatable)
  --profile ID                   an inference profile your organisation uses (repeatable; with --from,
                                 default: the profiles the app's invokers call)
${DEPLOYMENT_USAGE}
  --exempt-deployment-roles      exempt the CDK bootstrap roles that deploy the stacks outside the approved
                                 regions (read from --from, else the default bootstrap's names), in those
                                 regions only; stacks that run Lambda functions still need their region approved
  --deployment-role-arn ARN      a role that deploys the stacks, to exempt the same way (repeatable)
  --allow-only-listed-profiles   deny Bedrock inference through any other inference profile
  --deny-global-profiles         deny global. profiles (region-less requests) while allowing geographic ones
  --no-deny-bedrock-api-keys     allow Bedrock API keys (by default the SCP denies bedrock:CallWithBearerToken,
                                 bedrock-mantle:CallWithBearerToken and creating long-term Bedrock keys)
  --exempt-principal-arn ARN     a principal your region deny already exempts, e.g.
                                 arn:aws:iam::*:role/AWSControlTowerExecution (repeatable)
  --exempt-action ACTION         an action the region deny does not apply to (repeatable; replaces the
                                 default: ${DEFAULT_EXEMPT_ACTIONS.join(', ')})
  --catalog FILE                 an inference-profile catalog instead of the bundled one
  -h, --help                     this help

Check the result against your other SCPs with check-scp. Warnings go to the error stream.
Exit status: 0 printed, 1 refused: the SCP would block the deployment, 2 usage or input error.`;

/** Runs `generate-scp` with `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const command = { name: 'generate-scp', usage: USAGE, io };
  const values = parseCommandLine(command, argv, {
    'profile': { type: 'string', multiple: true },
    'approved-region': { type: 'string', multiple: true },
    ...DEPLOYMENT_OPTIONS,
    'exempt-deployment-roles': { type: 'boolean' },
    'deployment-role-arn': { type: 'string', multiple: true },
    'allow-only-listed-profiles': { type: 'boolean' },
    'deny-global-profiles': { type: 'boolean' },
    'deny-bedrock-api-keys': { type: 'boolean', default: true },
    'exempt-principal-arn': { type: 'string', multiple: true },
    'exempt-action': { type: 'string', multiple: true },
    'catalog': { type: 'string' },
  }, ['approved-region'], { allowNegative: true });
  if (typeof values === 'number') {
    return values;
  }
  try {
    const deployment = deploymentInput(values);
    const profileIds = values.profile ?? [...new Set(deployment?.assembly?.flatMap(stack => stack.profileIds) ?? [])].sort();
    if (profileIds.length === 0) {
      return usageError(command, deployment?.assembly
        ? `missing --profile: no invoker of '${values.from}' names an inference profile`
        : 'missing --profile');
    }
    const catalog = values.catalog ? InferenceProfileCatalog.fromFile(values.catalog) : undefined;
    const approved = values['approved-region']!;
    const roles = [...values['deployment-role-arn'] ?? [], ...values['exempt-deployment-roles'] ? bootstrapRoles(deployment, approved) : []];
    const scp = generateCrossRegionScp({
      approvedRegions: approved,
      profiles: profileIds.map(id => CrossRegionInferenceProfile.fromId(id, { catalog })),
      allowOnlyListedProfiles: values['allow-only-listed-profiles'],
      denyGlobalProfiles: values['deny-global-profiles'],
      denyBedrockApiKeys: values['deny-bedrock-api-keys'],
      exemptPrincipalArns: values['exempt-principal-arn'],
      exemptActions: values['exempt-action'],
      deploymentStacks: deployment?.stacks,
      deploymentRoleArns: roles.length > 0 ? roles : undefined,
    });
    scp.warnings.forEach(warning => io.err(`generate-scp: warning: ${warning.message}`));
    io.out(JSON.stringify(scp.document, undefined, 2));
    return EXIT_OK;
  } catch (e) {
    io.err(`generate-scp: ${messageOf(e)}`);
    return e instanceof DeploymentBlockedError ? EXIT_BLOCKS_DEPLOYMENT : EXIT_USAGE;
  }
}

/**
 * The bootstrap roles that deploy the stacks outside the approved regions: read from the app, or the
 * default bootstrap's names. Empty when every stack is in an approved region.
 */
function bootstrapRoles(deployment: DeploymentInput | undefined, approved: readonly string[]): string[] {
  if (deployment === undefined) {
    throw new Error('--exempt-deployment-roles needs the deployment: give --deployment-regions or --from.');
  }
  const outside = [...new Set(deployment.stacks.map(stack => stack.region).filter(region => !approved.includes(region)))];
  return deployment.assembly
    ? deploymentRolePatterns(deployment.assembly, outside)
    : outside.flatMap(region => bootstrapRoleArnPatterns(partitionOfRegion(region), region));
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
