import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * An SNS topic for CloudWatch alarm notifications, encrypted with a customer managed KMS key (rotation
 * on) whose policy lets CloudWatch publish, with TLS enforced by the topic policy. The AWS managed key
 * `alias/aws/sns` would not do: its policy does not let CloudWatch use it, so alarms could not notify.
 *
 * @internal
 */
export function createAlarmTopic(scope: Construct, displayName: string): { topic: sns.Topic; key: kms.Key } {
  const key = new kms.Key(scope, 'TopicKey', {
    enableKeyRotation: true,
    description: `Encrypts the topic "${displayName}"`,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(scope, 'Topic', { displayName, masterKey: key, enforceSSL: true });
  return { topic, key };
}
