import { App, Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';

/** The cdk-nag 3 rule packs this project holds every stack to. */
function packs(): NagPack[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks()];
}

/**
 * Synthesizes `scope` and runs every rule pack over its construct tree. Returns one line per
 * unacknowledged finding ("rule at construct path"); empty when the tree is clean.
 *
 * (CDK's plugin path only logs violations and sets process.exitCode, so tests call the packs directly.)
 */
export function nagFindings(scope: App | Stage): string[] {
  scope.synth();
  return packs().flatMap(pack => pack.validateScope(scope).violations.flatMap(violation =>
    violation.violatingResources.map(resource =>
      `${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`)));
}
