/**
 * A stack of the deployment that the SCP must not block: the CloudFormation stacks that
 * `CrossRegionInferenceApi` (or any CDK app) deploys, by region.
 *
 * Deploying a stack needs, in its region: CloudFormation (the CDK's deploy role creates and executes
 * the change set), S3 (the file-publishing role uploads the template and file assets to the bootstrap
 * bucket), SSM (the deploy role reads the bootstrap version parameter), and every service whose
 * resources the template creates (the CloudFormation execution role creates them).
 */
export interface DeploymentStack {
  /** The region the stack deploys to, for example `'eu-west-1'`. */
  readonly region: string;

  /**
   * The stack's name, used in messages.
   *
   * @default - the region, with `(routing)` for the routing stack
   */
  readonly name?: string;

  /**
   * Whether this is the routing stack of a `CrossRegionInferenceApi` (health checks, DNS records,
   * dashboard, audit). It runs no code of its own, so it can deploy outside the approved regions when
   * `deploymentRoleArns` exempts the roles that deploy it; and outside us-east-1 it has no health-check
   * alarms (Route 53 publishes health-check metrics only there), which the SCP's warnings say.
   *
   * @default false
   */
  readonly routing?: boolean;

  /**
   * The IAM service prefixes of the resources the stack creates (`lambda`, `apigateway`, `logs`, ...).
   * A stack whose services include `lambda` runs code as its own roles in its region, which no
   * deployment-role exemption covers: its region must be approved.
   *
   * @default - what CrossRegionInferenceApi's stacks create: for a regional stack apigateway, lambda,
   *            logs, cloudwatch, events, sns, kms, iam, acm and route53; for the routing stack cloudtrail,
   *            cloudwatch, logs, s3, kms, sns, iam and route53
   */
  readonly services?: string[];
}
