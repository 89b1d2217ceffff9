#!/usr/bin/env node
import { AssemblyStack } from '../guardrails/private/cloud-assembly';
import { checkDeployment, DeploymentCheck, deploymentSuggestions, deniesRoute53MetricsRegion } from '../guardrails/private/deployment-checker';
import { DEPLOYMENT_OPTIONS, DEPLOYMENT_USAGE, deploymentInput, DeploymentInput } from '../guardrails/private/deployment-input';
import { bootstrapRoleArn, DeploymentRole, ResolvedDeploymentStack, resolveDeploymentStack } from '../guardrails/private/deployment-needs';
import { routingStackWarnings } from '../guardrails/private/deployment-review';
import { checkCrossRegionCall, CheckRow, suggestedGenerateCommand } from '../guardrails/private/scp-checker';
import { readScpFile, ScpFile } from '../guardrails/private/scp-file';
import { CHECK_ACCOUNT_ID, IAM_SIMULATE_PACKAGE, ScpSimulator } from '../guardrails/private/scp-simulator';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { partitionOfRegion } from '../profiles/geography';
import { InferenceProfileCatalog } from '../profiles/inference-profile-catalog';
import { CliIo, EXIT_OK, EXIT_USAGE, messageOf, missingOptions, parseCommandLine, PROCESS_IO, usageError } from '../shared/command-line';

/** Exit status: something is denied (the fix is printed). */
const EXIT_DENIED = 1;

const USAGE = `Usage: check-scp --scp FILE [--scp FILE ...] --profile ID --source-region REGION [--catalog FILE]
       check-scp --scp FILE [--scp FILE ...] (--deployment-regions R1,R2 [--routing-region REGION] | --from CDK_OUT [--stack PATTERN ...])
                 [--profile ID ...] [--source-region REGION] [--catalog FILE]

Checks whether your organisation's service control policies let a call through a cross-region
inference profile, step by step as Amazon Bedrock authorises it: the profile in the source region,
the foundation model in every destination region (or, for global. profiles, in the source region and
region-less with aws:RequestedRegion = "unspecified"), for bedrock:InvokeModel and
bedrock:InvokeModelWithResponseStream.

Given the deployment (its regions, or a synthesized app), it also checks what deploying each stack
needs in its region (CloudFormation, the CDK's bootstrap bucket and version parameter, one action per
service of the stack's resources) as the CDK bootstrap role that makes the request, and the calls of
every endpoint region (the source regions, unless --source-region is given).

  --scp FILE                     an SCP (JSON) of the organisation; repeat it for each level, root first.
                                 Every level also gets AWS's FullAWSAccess, so your deny statements decide.
  --profile ID                   the system-defined inference profile, e.g. us.anthropic.claude-3-5-haiku-20241022-v1:0
                                 (repeatable with a deployment; with --from, default: the profiles its invokers call)
  --source-region REGION         the region your application calls Bedrock in
${DEPLOYMENT_USAGE}
  --catalog FILE                 an inference-profile catalog instead of the bundled one
  -h, --help                     this help

Exit status: 0 all allowed, 1 something is denied (the fix is printed), 2 usage or input error.
Needs ${IAM_SIMULATE_PACKAGE} (AGPL-3.0, not bundled): npm install --save-dev ${IAM_SIMULATE_PACKAGE}`;

/** One profile called from one source region. */
interface Call { readonly profileId: string; readonly sourceRegion: string }

/** Runs `check-scp` with `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const command = { name: 'check-scp', usage: USAGE, io };
  const values = parseCommandLine(command, argv, {
    'scp': { type: 'string', multiple: true },
    'profile': { type: 'string', multiple: true },
    'source-region': { type: 'string' },
    ...DEPLOYMENT_OPTIONS,
    'catalog': { type: 'string' },
  }, ['scp']);
  if (typeof values === 'number') {
    return values;
  }

  let scps: ScpFile[];
  let deployment: DeploymentInput | undefined;
  let stacks: ResolvedDeploymentStack[] = [];
  let calls: Call[];
  const rows: CheckRow[][] = [];
  let deployed: DeploymentCheck | undefined;
  let closed = false;
  try {
    deployment = deploymentInput(values);
    const missing = deployment === undefined ? missingOptions(values, ['profile', 'source-region']) : undefined;
    if (missing !== undefined) {
      return usageError(command, `${missing} (or give the deployment: --deployment-regions or --from)`);
    }
    calls = callsToCheck(values.profile, values['source-region'], deployment);
    scps = values.scp!.map(readScpFile);
    const catalog = values.catalog ? InferenceProfileCatalog.fromFile(values.catalog) : undefined;
    const simulator = await ScpSimulator.create(scps);
    for (const call of calls) {
      const profile = CrossRegionInferenceProfile.fromId(call.profileId, { catalog });
      profile.destinationsFrom(call.sourceRegion);
      rows.push(await checkCrossRegionCall(simulator, profile, call.sourceRegion));
    }
    if (deployment) {
      stacks = deployment.stacks.map(resolveDeploymentStack);
      deployed = await checkDeployment(simulator, stacks, (stack, role) => principalOf(deployment!.assembly, stack.name, stack.region, role));
      closed = await deniesRoute53MetricsRegion(simulator);
    }
  } catch (e) {
    io.err(`check-scp: ${messageOf(e)}`);
    return EXIT_USAGE;
  }

  const several = calls.length > 1 || deployment !== undefined;
  calls.forEach((call, i) => {
    io.out(`${several ? `${i > 0 ? '\n' : ''}Calls to ${call.profileId} from ${call.sourceRegion}:\n` : ''}${formatTable(rows[i])}`);
  });
  if (deployed) {
    io.out(`${calls.length > 0 ? '\n' : ''}Deploying the stacks:\n${formatDeployment(deployed)}`);
    deployed.unchecked.forEach(item => io.out(`  (not simulated, no representative action known: ${item})`));
  }
  const inference = rows.flat();
  const deniedCalls = inference.filter(r => !r.allowed);
  const deniedDeployment = deployed?.rows.filter(r => !r.allowed) ?? [];
  for (const warning of routingStackWarnings(stacks, closed)) {
    io.err(`check-scp: warning: ${warning.message}`);
  }
  const total = inference.length + (deployed?.rows.length ?? 0);
  if (deniedCalls.length + deniedDeployment.length === 0) {
    io.out(`\nAll ${total} checks allowed: ${several
      ? 'the deployment and its calls go through these SCPs.'
      : `${calls[0].profileId} can be called from ${calls[0].sourceRegion} under these SCPs.`}`);
    return EXIT_OK;
  }
  io.out(`\n${deniedCalls.length + deniedDeployment.length} of ${total} checks DENIED. To fix:`);
  const suggestions = [
    ...new Set(deniedCalls.map(r => r.suggestion!)),
    ...deploymentSuggestions(deniedDeployment, stacks),
  ];
  suggestions.forEach(suggestion => io.out(`  - ${suggestion}`));
  const first = calls.find((_call, i) => rows[i].some(r => !r.allowed)) ?? calls[0];
  if (first) {
    io.out(`  - Or generate a region deny that lets ${deniedDeployment.length > 0 ? 'the deployment and ' : ''}the profile through, and compare it with yours:\n      ${
      suggestedGenerateCommand(scps, first.profileId, first.sourceRegion)}${deniedDeployment.length > 0 ? ' --exempt-deployment-roles' : ''}`
      + `${deployment ? ` ${deploymentFlags(values)}` : ''}`);
  }
  return EXIT_DENIED;
}

/** The calls to check: the profile from the source region, or from every endpoint region of the deployment. */
function callsToCheck(profiles: string[] | undefined, sourceRegion: string | undefined, deployment: DeploymentInput | undefined): Call[] {
  const from = (regions: string[], ids: string[]) => regions.flatMap(region => ids.map(profileId => ({ profileId, sourceRegion: region })));
  if (sourceRegion !== undefined) {
    return from([sourceRegion], profiles ?? []);
  }
  if (deployment?.assembly) {
    return deployment.assembly.filter(stack => !stack.routing)
      .flatMap(stack => from([stack.region], profiles ?? stack.profileIds));
  }
  const regions = [...new Set(deployment!.stacks.filter(stack => !stack.routing).map(stack => stack.region))];
  return from(regions, profiles ?? []);
}

/** The principal that makes `role`'s requests: the app's role when it names one, else the default bootstrap's. */
function principalOf(assembly: readonly AssemblyStack[] | undefined, stackName: string, region: string, role: DeploymentRole): string {
  const stack = assembly?.find(s => s.name === stackName);
  return stack?.deploymentRoleArns.find(arn => arn.includes(`-${role}-`))
    ?? bootstrapRoleArn(partitionOfRegion(region), stack?.account ?? CHECK_ACCOUNT_ID, region, role);
}

function deploymentFlags(values: { 'deployment-regions'?: string[]; 'routing-region'?: string; 'from'?: string; 'stack'?: string[] }): string {
  if (values.from !== undefined) {
    return [`--from ${values.from}`, ...(values.stack ?? []).map(s => `--stack '${s}'`)].join(' ');
  }
  return [`--deployment-regions ${values['deployment-regions']!.join(',')}`,
    ...values['routing-region'] ? [`--routing-region ${values['routing-region']}`] : []].join(' ');
}

function formatTable(rows: readonly CheckRow[]): string {
  return table(['STEP', 'REGION', 'ACTION', 'RESULT', 'DENIED BY'],
    rows.map(r => [r.step, r.region, r.action, r.allowed ? 'allowed' : 'DENIED', r.denyingStatement ?? '']));
}

function formatDeployment(check: DeploymentCheck): string {
  return table(['STACK', 'REGION', 'ACTION', 'AS', 'RESULT', 'DENIED BY'],
    check.rows.map(r => [r.stack, r.region, r.action, r.role, r.allowed ? 'allowed' : 'DENIED', r.denyingStatement ?? '']));
}

function table(header: string[], cells: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  return [header, ...cells].map(c => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
