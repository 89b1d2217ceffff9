/**
 * The construct id of the routing stack in the `CrossRegionInferenceApi` (its display name ends in it);
 * the deployment checks of the commands and the twin (`drill --from`) recognise the routing stack of a
 * synthesized app by it. No CDK imports, so that they can read an app without loading aws-cdk-lib.
 */
export const ROUTING_STACK_ID = 'Routing';
