import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createAlarmTopic, subscribeAlarmEmail } from '../../private/alarm-topic';

/** One encrypted alarm topic per stack, shared by the alarms there, created on first use. */
export class AlarmTopics {
  private readonly topics = new Map<string, sns.ITopic>();

  /**
   * @param prefix the deployment's name prefix, in the topics' display names
   * @param alarmEmail subscribed to every topic, when given
   */
  constructor(private readonly prefix: string, private readonly alarmEmail: string | undefined) {}

  /** The alarm topic of `stack` (construct `AlarmTopic` in it). */
  public of(stack: Stack): sns.ITopic {
    let topic = this.topics.get(stack.node.path);
    if (!topic) {
      const created = createAlarmTopic(new Construct(stack, 'AlarmTopic'), `${this.prefix} Bedrock alarms (${stack.region})`).topic;
      if (this.alarmEmail !== undefined) {
        subscribeAlarmEmail(created, this.alarmEmail);
      }
      topic = created;
      this.topics.set(stack.node.path, topic);
    }
    return topic;
  }
}
