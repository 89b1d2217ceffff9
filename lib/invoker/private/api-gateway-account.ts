import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Construct id of the per-stack API Gateway logging settings shared by every invoker in a stack. */
const API_GATEWAY_LOGGING_ID = 'BedrockInvokerApiGatewayLogging';

/**
 * The account-level API Gateway logging role of a stack (`AWS::ApiGateway::Account`), created once per
 * stack however many invokers it holds. The role carries the permissions of AWS's
 * AmazonAPIGatewayPushToCloudWatchLogs policy in a customer managed policy.
 */
export function apiGatewayAccountSettings(stack: Stack): Construct {
  const existing = stack.node.tryFindChild(API_GATEWAY_LOGGING_ID);
  if (existing) { return existing as Construct; }
  const scope = new Construct(stack, API_GATEWAY_LOGGING_ID);
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'Lets API Gateway write execution and access logs to CloudWatch Logs in this region',
  });
  // Deleting the stack does not reset the account setting: keep the role (and its policy) it points at.
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const policy = new iam.ManagedPolicy(scope, 'Policy', {
    description: 'The permissions of AmazonAPIGatewayPushToCloudWatchLogs',
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams',
        'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      resources: ['*'],
    })],
  });
  policy.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const account = new apigateway.CfnAccount(scope, 'Account', { cloudWatchRoleArn: role.roleArn });
  // The role's ARN alone orders the Account after the role, not after the policy that gives the role its
  // permissions (a separate AWS::IAM::ManagedPolicy attached through its Roles). API Gateway checks the
  // role when the setting is made and rejects it while the policy is missing: "The role ARN does not have
  // required permissions configured. Please grant trust permission for API Gateway and add the required
  // role policy." The CloudFormation team's note on that race: "The Account resource needs to depend on
  // the Api, the Role, and the Policy" (aws-cloudformation/rain issue #163). Between the Account and the
  // APIs the order is the other way here: each stage with logging needs the setting, so it depends on the
  // Account (createRestApi). The role needs no DependsOn: the ARN's GetAtt already orders it (cfn-lint W3005).
  account.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'API Gateway names its execution log groups itself (API-Gateway-Execution-Logs_<api-id>/<stage>) and this account-level '
      + 'role serves every API in the region; same scope as AWS\'s AmazonAPIGatewayPushToCloudWatchLogs.',
  });
  return scope;
}
