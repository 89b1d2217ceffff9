/**
 * The IAM service of a CloudFormation resource type. No CDK imports: the twin of a synthesized app
 * (`drill --from`) reads cloud assemblies with it, and its bundle carries no aws-cdk-lib.
 */

/**
 * CloudFormation's service names whose IAM prefix is not the lower-cased name
 * (the Service Authorization Reference's prefixes).
 */
const IAM_PREFIX_OF_CFN_SERVICE: Readonly<Record<string, string>> = {
  ApiGatewayV2: 'apigateway',
  CertificateManager: 'acm',
  Cognito: 'cognito-idp',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  KinesisFirehose: 'firehose',
  StepFunctions: 'states',
};

/**
 * The IAM service prefix of a CloudFormation resource type (`AWS::Lambda::Function` → `lambda`), or
 * undefined for custom resources (`Custom::X`, `AWS::CloudFormation::CustomResource`: their provider
 * function is a resource of its own) and types that are not `AWS::Service::Resource`.
 */
export function iamPrefixOfResourceType(type: string): string | undefined {
  const match = /^AWS::([A-Za-z0-9]+)::[A-Za-z0-9]+$/.exec(type);
  if (!match || type === 'AWS::CloudFormation::CustomResource') { return undefined; }
  return IAM_PREFIX_OF_CFN_SERVICE[match[1]] ?? match[1].toLowerCase();
}
