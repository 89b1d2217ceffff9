/**
 * What deploying a stack needs in its region, and as which role: the data the SCP generator checks
 * its region deny against, and the requests `check-scp` simulates. Pure (no constructs).
 *
 * The CDK's default bootstrap (aws-cdk-lib `DefaultStackSynthesizer`, whose defaults name the roles
 * `cdk-<qualifier>-<kind>-role-<account>-<region>`): the CDK CLI assumes the deploy role, which creates
 * and executes the CloudFormation change set and reads the bootstrap version from SSM
 * (`bootstrapStackVersionSsmParameter` in the cloud assembly); the file-publishing role uploads the
 * template and file assets to the `cdk-<qualifier>-assets-<account>-<region>` bucket; CloudFormation
 * creates the resources as the execution role (`cloudFormationExecutionRoleArn`). Each request is made
 * in the stack's region, so a region deny there denies it.
 */
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import type { DeploymentStack } from '../deployment-stack';

/** A role of the CDK's bootstrap that makes requests while a stack deploys. */
export enum DeploymentRole {
  /** `cdk-<qualifier>-deploy-role-...`: CloudFormation change sets, the bootstrap version parameter. */
  DEPLOY = 'deploy-role',
  /** `cdk-<qualifier>-file-publishing-role-...`: the template and file assets, to the bootstrap bucket. */
  FILE_PUBLISHING = 'file-publishing-role',
  /** `cdk-<qualifier>-cfn-exec-role-...`: the stack's resources, created by CloudFormation. */
  CLOUDFORMATION_EXECUTION = 'cfn-exec-role',
}

/** One request a deployment makes: a service, in a region, as a role, for a reason. */
export interface DeploymentNeed {
  readonly stack: string;
  readonly region: string;
  /** The IAM service prefix (`cloudformation`, `lambda`, ...). */
  readonly service: string;
  readonly role: DeploymentRole;
  /** What the request is for, in a few words. */
  readonly purpose: string;
}

/** A deployment stack with its defaults applied. */
export interface ResolvedDeploymentStack {
  readonly name: string;
  readonly region: string;
  readonly routing: boolean;
  readonly services: string[];
  /** It creates Lambda functions, which run as their own roles in its region. */
  readonly runsCode: boolean;
}

/** What every CDK deployment needs in each region it deploys to, besides the template's services. */
const CDK_DEPLOYMENT_NEEDS: ReadonlyArray<{ service: string; role: DeploymentRole; purpose: string }> = [
  { service: 'cloudformation', role: DeploymentRole.DEPLOY, purpose: 'CloudFormation change sets' },
  { service: 'ssm', role: DeploymentRole.DEPLOY, purpose: 'the bootstrap version parameter' },
  { service: 's3', role: DeploymentRole.FILE_PUBLISHING, purpose: 'the template and file assets' },
];

/**
 * The services `CrossRegionInferenceApi`'s regional stacks create (with a domain: certificates and
 * records too). A test compares them with the synthesized sample, so a new resource type cannot be missed.
 */
export const DEFAULT_REGIONAL_STACK_SERVICES: readonly string[] = ['apigateway', 'lambda', 'logs', 'cloudwatch', 'events', 'sns', 'kms', 'iam', 'acm', 'route53'];

/**
 * The services `CrossRegionInferenceApi`'s routing stack may create (with the optional audit trail:
 * CloudTrail and its bucket); a test compares them with the synthesized sample.
 */
export const DEFAULT_ROUTING_STACK_SERVICES: readonly string[] = ['cloudtrail', 'cloudwatch', 'logs', 's3', 'kms', 'sns', 'iam', 'route53'];

/**
 * One action per service that the SCP simulator evaluates for a need: the call CloudFormation (or the
 * CDK) makes first for that service. A region deny keyed on `aws:RequestedRegion` treats every action
 * of a service alike; an SCP that denies single actions may still block others.
 */
export const REPRESENTATIVE_ACTIONS: Readonly<Record<string, string>> = {
  acm: 'acm:RequestCertificate',
  apigateway: 'apigateway:POST',
  cloudformation: 'cloudformation:CreateChangeSet',
  cloudtrail: 'cloudtrail:CreateTrail',
  cloudwatch: 'cloudwatch:PutMetricAlarm',
  events: 'events:PutRule',
  iam: 'iam:CreateRole',
  kms: 'kms:CreateKey',
  lambda: 'lambda:CreateFunction',
  logs: 'logs:CreateLogGroup',
  route53: 'route53:CreateHealthCheck',
  s3: 's3:PutObject',
  scheduler: 'scheduler:CreateSchedule',
  sns: 'sns:CreateTopic',
  sqs: 'sqs:CreateQueue',
  ssm: 'ssm:GetParameters',
  synthetics: 'synthetics:CreateCanary',
};

/** `stack` with its defaults applied. */
export function resolveDeploymentStack(stack: DeploymentStack): ResolvedDeploymentStack {
  const routing = stack.routing ?? false;
  const services = [...new Set(stack.services ?? (routing ? DEFAULT_ROUTING_STACK_SERVICES : DEFAULT_REGIONAL_STACK_SERVICES))].sort();
  return {
    name: stack.name ?? (routing ? `${stack.region} (routing)` : stack.region),
    region: stack.region,
    routing,
    services,
    runsCode: services.includes('lambda'),
  };
}

/** Every request deploying `stack` makes: the CDK's own, then one per service of its resources. */
export function deploymentNeeds(stack: ResolvedDeploymentStack): DeploymentNeed[] {
  const base = { stack: stack.name, region: stack.region };
  return [
    ...CDK_DEPLOYMENT_NEEDS.map(need => ({ ...base, ...need })),
    ...stack.services.map(service => ({
      ...base, service, role: DeploymentRole.CLOUDFORMATION_EXECUTION, purpose: 'the stack\'s resources',
    })),
  ];
}

/**
 * ARN patterns of the CDK bootstrap roles that deploy to `region` (any account), to exempt from the
 * region deny in that region only.
 */
export function bootstrapRoleArnPatterns(partition: string, region: string): string[] {
  return Object.values(DeploymentRole).map(role => `arn:${partition}:iam::*:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-${role}-*-${region}`);
}

/** The ARN of the bootstrap role `role` in `account` and `region`. */
export function bootstrapRoleArn(partition: string, account: string, region: string, role: DeploymentRole): string {
  return `arn:${partition}:iam::${account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-${role}-${account}-${region}`;
}
