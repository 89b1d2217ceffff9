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
  new apigateway.CfnAccount(scope, 'Account', { cloudWatchRoleArn: role.roleArn });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'API Gateway names its execution log groups itself (API-Gateway-Execution-Logs_<api-id>/<stage>) and this account-level '
      + 'role serves every API in the region; same scope as AWS\'s AmazonAPIGatewayPushToCloudWatchLogs.',
  });
  return scope;
}
