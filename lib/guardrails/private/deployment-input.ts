/**
 * The deployment as `generate-scp` and `check-scp` take it: the regions on the command line
 * (`--deployment-regions`, `--routing-region`), or a synthesized app (`--from cdk.out`, `--stack`).
 */
import { AssemblyStack, deploymentStacksOf, readCloudAssembly, stackMatches } from './cloud-assembly';
import { listValues } from '../../shared/command-line';
import { isRegionName } from '../../shared/region-name';
import { ROUTE53_METRICS_REGION } from '../../shared/route53-metrics';
import type { DeploymentStack } from '../deployment-stack';

/** The command-line options that describe the deployment (for `parseCommandLine`). */
export const DEPLOYMENT_OPTIONS = {
  'deployment-regions': { type: 'string', multiple: true },
  'routing-region': { type: 'string' },
  'from': { type: 'string' },
  'stack': { type: 'string', multiple: true },
} as const;

/** Their usage lines. */
export const DEPLOYMENT_USAGE = `  --deployment-regions R1,R2     the regions of the deployment's endpoints (regional stacks; repeatable)
  --routing-region REGION        the region of its routing stack (default ${ROUTE53_METRICS_REGION}, CrossRegionInferenceApi's default)
  --from CDK_OUT                 read the deployment from a synthesized app instead (cdk.out: each stack's
                                 region, the services of its resources, its deployment roles, its profiles)
  --stack PATTERN                with --from: only the stacks whose name or path matches (* wildcards; repeatable)`;

/** The option values of {@link DEPLOYMENT_OPTIONS}. */
export interface DeploymentOptionValues {
  readonly 'deployment-regions'?: string[];
  readonly 'routing-region'?: string;
  readonly 'from'?: string;
  readonly 'stack'?: string[];
}

/** The deployment read from the command line. */
export interface DeploymentInput {
  readonly stacks: DeploymentStack[];
  /** The synthesized stacks, with `--from`. */
  readonly assembly?: AssemblyStack[];
}

/**
 * The deployment the options describe, or undefined when they describe none.
 *
 * @throws with what to give instead, for options that do not go together or an app that cannot be read
 */
export function deploymentInput(values: DeploymentOptionValues): DeploymentInput | undefined {
  const regions = values['deployment-regions'] && listValues(values['deployment-regions']);
  if (values.from !== undefined && regions !== undefined) {
    throw new Error('Give either --from (a synthesized app) or --deployment-regions, not both.');
  }
  if (values['routing-region'] !== undefined && regions === undefined) {
    throw new Error('--routing-region goes with --deployment-regions (with --from, the routing stack\'s region is read from the app).');
  }
  if (values.stack !== undefined && values.from === undefined) {
    throw new Error('--stack selects stacks of --from: give the synthesized app with --from.');
  }
  if (regions !== undefined) {
    if (regions.length === 0) {
      throw new Error('--deployment-regions is empty: list the regions of the endpoints, for example --deployment-regions eu-west-1,eu-central-1.');
    }
    const routingRegion = values['routing-region'] ?? ROUTE53_METRICS_REGION;
    for (const [option, region] of [...regions.map(r => ['--deployment-regions', r]), ['--routing-region', routingRegion]]) {
      if (!isRegionName(region)) {
        throw new Error(`${option} '${region}' is not a region name (for example eu-west-1).`);
      }
    }
    return {
      stacks: [...new Set(regions)].map(region => ({ region } as DeploymentStack)).concat([{ region: routingRegion, routing: true }]),
    };
  }
  if (values.from === undefined) {
    return undefined;
  }
  const all = readCloudAssembly(values.from);
  const patterns = values.stack ?? ['*'];
  const assembly = all.filter(stack => patterns.some(pattern => stackMatches(stack, pattern)));
  if (assembly.length === 0) {
    throw new Error(`No stack of '${values.from}' matches ${patterns.map(p => `--stack '${p}'`).join(', ')}; its stacks: `
      + `${all.map(stack => stack.name).join(', ') || '(none)'}.`);
  }
  return { stacks: deploymentStacksOf(assembly), assembly };
}
