import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AuditRecordRoot, BEDROCK_INFERENCE_EVENT_NAMES } from './audit-patterns';

/**
 * The saved Logs Insights query "where did inference run": every Bedrock inference call by source
 * region, inference region, profile and caller. Logs Insights names nested JSON fields with dots, so
 * the record's fields are `detail.<field>` in a log group an EventBridge rule writes to.
 */
export function createWhereInferenceRanQuery(scope: Construct, name: string, logGroup: logs.ILogGroup, root: AuditRecordRoot): logs.QueryDefinition {
  const field = (path: string) => (root === AuditRecordRoot.EVENTBRIDGE ? `detail.${path}` : path);
  return new logs.QueryDefinition(scope, 'WhereInferenceRan', {
    queryDefinitionName: name,
    logGroups: [logGroup],
    queryString: new logs.QueryString({
      fields: [
        `${field('awsRegion')} as sourceRegion`,
        `coalesce(${field('additionalEventData.inferenceRegion')}, ${field('awsRegion')}) as inferenceRegion`,
        `${field('requestParameters.modelId')} as profile`,
        `${field('userIdentity.arn')} as caller`,
      ],
      filterStatements: [
        `${field('eventSource')} = "bedrock.amazonaws.com"`,
        `${field('eventName')} in [${BEDROCK_INFERENCE_EVENT_NAMES.map(n => `"${n}"`).join(', ')}]`,
      ],
      statsStatements: ['count(*) as invocations, latest(@timestamp) as lastSeen by sourceRegion, inferenceRegion, profile, caller'],
      sort: 'invocations desc',
    }),
  });
}
