import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

import { ROUTING_STACK_ID } from './routing-stack-id';

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
 * Creates a regional stack per region (construct id: the region) and the routing stack ({@link ROUTING_STACK_ID}) in
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
  const routingStack = new Stack(scope, ROUTING_STACK_ID, {
    stackName: `${prefix}-routing`,
    env: { account, region: routingRegion },
    description: `Bedrock cross-region inference: DNS routing and health checks (${prefix})`,
  });
  regionalStacks.forEach(stack => addStackDependency(routingStack, stack, 'health checks follow the regional alarms and hostnames'));
  return { regionalStacks, routingStack };
}

/** `Stack#addStackDependency`, which the aws-cdk-lib floor (2.258.0) predates. */
type StackWithStackDependency = Stack & { addStackDependency?: (target: Stack, reason?: string) => void };

/**
 * Makes `source` deploy after `target`. Recent aws-cdk-lib releases renamed `Stack#addDependency` to
 * `addStackDependency` and deprecated the old name (a warning on every synth, an error under
 * `JSII_DEPRECATED=fail`); the floor release has only the old name, which is not deprecated there. Both
 * record the same stack-to-stack dependency, with its reason, at once.
 */
export function addStackDependency(source: Stack, target: Stack, reason: string): void {
  const stack = source as StackWithStackDependency;
  if (typeof stack.addStackDependency === 'function') {
    stack.addStackDependency(target, reason);
  } else {
    source.addDependency(target, reason);
  }
}
