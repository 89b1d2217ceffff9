import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The stacks of a deployment: one per region with the invokers, and the routing stack. */
export interface StackTopology {
  /** The regional stacks by region, in the order of `regions`. */
  readonly regionalStacks: Map<string, Stack>;
  /** Health checks, records, dashboard and audit; it depends on every regional stack. */
  readonly routingStack: Stack;
}

/** What the stacks are named after and where they go. */
export interface StackTopologyOptions {
  readonly prefix: string;
  readonly account?: string;
  readonly regions: string[];
  readonly routingRegion: string;
}

/**
 * Creates a regional stack per region (construct id: the region) and the routing stack (`Routing`) in
 * `scope`. Cross-stack values are plain strings, so the routing stack only has to deploy after the
 * regional stacks.
 */
export function createStackTopology(scope: Construct, options: StackTopologyOptions): StackTopology {
  const { prefix, account, routingRegion } = options;
  const regionalStacks = new Map<string, Stack>();
  for (const region of options.regions) {
    regionalStacks.set(region, new Stack(scope, region, {
      stackName: `${prefix}-${region}`,
      env: { account, region },
      description: `Bedrock cross-region inference: invokers in ${region} (${prefix})`,
    }));
  }
  const routingStack = new Stack(scope, 'Routing', {
    stackName: `${prefix}-routing`,
    env: { account, region: routingRegion },
    description: `Bedrock cross-region inference: DNS routing and health checks (${prefix})`,
  });
  regionalStacks.forEach(stack => routingStack.addDependency(stack, 'health checks follow the regional alarms and hostnames'));
  return { regionalStacks, routingStack };
}
