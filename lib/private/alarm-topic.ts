import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { requireEmailAddress } from './validation';

/**
 * An SNS topic for CloudWatch alarm notifications, encrypted with a customer managed KMS key (rotation
 * on) whose policy lets CloudWatch publish, with TLS enforced and the account's alarms allowed by the
 * topic policy. The AWS managed key
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
  // The topic policy enforceSSL creates replaces SNS's default one, which was what let the account's
  // alarms publish: allow CloudWatch alarms of this account and region explicitly.
  const stack = Stack.of(scope);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  return { topic, key };
}

/**
 * Subscribes an e-mail address to an alarm topic. Undeliverable alarm e-mails need no dead-letter
 * queue: nobody would read it, and every state change stays in the CloudWatch alarm history.
 *
 * @internal
 */
export function subscribeAlarmEmail(topic: sns.ITopic, email: string): void {
  requireEmailAddress(email, 'alarmEmail');
  const subscription = topic.addSubscription(new subscriptions.EmailSubscription(email));
  Validations.of(subscription).acknowledge({
    id: 'Serverless-SNSRedrivePolicy',
    reason: 'An e-mail subscription for alarm notifications: a dead-letter queue of undeliverable alarm e-mails would be read by no one, '
      + 'while every state change stays in the CloudWatch alarm history.',
  });
}

/**
 * Notifies `topic` when each alarm goes to ALARM and back to OK.
 *
 * @internal
 */
export function notifyOnAlarmAndOk(topic: sns.ITopic, ...alarms: cloudwatch.Alarm[]): void {
  const action = new cloudwatchActions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
