import { Annotations, Stack } from 'aws-cdk-lib';

/**
 * A synth warning of the deployment. It is attached to the routing stack: annotations on constructs
 * outside any stack never reach the cloud assembly, so the CLI would not show them.
 */
export function warnAtSynth(routingStack: Stack, id: string, message: string): void {
  Annotations.of(routingStack).addWarningV2(`cdk-bedrock-cross-region:${id}`, message);
}

/**
 * A synth note of the deployment, for a documented choice rather than a problem (so `cdk synth --strict`
 * does not fail on it). Attached to the routing stack, as {@link warnAtSynth}.
 */
export function noteAtSynth(routingStack: Stack, message: string): void {
  Annotations.of(routingStack).addInfo(message);
}
