import { Aws, CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { outageDrillDocument } from './outage-drill-document';
import { DRILL_ACTION_MARGIN_MINUTES, parameterArnOf } from './outage-drill-settings';
import { RegionalTarget } from './routed-endpoint';
import { OUTAGE_DRILL_OFF, OutageDrillConfig } from '../../shared/invoker-config';

/** Properties of a {@link RegionOutageDrill}. */
export interface RegionOutageDrillProps {
  /** The deployment's name prefix (descriptions and tags). */
  readonly prefix: string;
  /** The switch the region's handlers were configured with (its name, cache time and longest drill). */
  readonly config: OutageDrillConfig;
  /** Every endpoint deployed in this region: their API 5xx and Bedrock-rejection alarms stop the experiment. */
  readonly targets: RegionalTarget[];
}

/** The FIS action that runs an SSM Automation runbook (AWS FIS User Guide, "Actions reference", Systems Manager actions). */
const START_AUTOMATION_ACTION = 'aws:ssm:start-automation-execution';

/**
 * A region's outage drill: the switch (an SSM String parameter, `off` at rest) that the region's invokers
 * and canary read, the SSM Automation document that turns it on for the drill's duration and off again,
 * and the AWS FIS experiment template that runs the automation, stops when the region's API 5xx or
 * Bedrock-rejection alarm fires, and logs to a CloudWatch log group. Each role can do one thing: the
 * automation's can write the switch, FIS's can run and stop that automation (and deliver its log).
 * API callers never reach any of it: the API has no route to SSM and the invoker role may only read the switch.
 */
export class RegionOutageDrill extends Construct {
  /** The switch the region's handlers read. */
  public readonly config: OutageDrillConfig;
  /** The experiment's stop conditions: every endpoint's API 5xx and Bedrock-rejection alarm in the region. */
  public readonly stopAlarms: cloudwatch.Alarm[];
  /** The switch. */
  public readonly parameter: ssm.StringParameter;
  /** The automation that turns the switch on and off. */
  public readonly document: ssm.CfnDocument;
  /** The role the automation runs as. */
  public readonly automationRole: iam.Role;
  /** The role FIS runs the experiment as. */
  public readonly experimentRole: iam.Role;
  /** Where FIS writes the experiment's log (the evidence of what the drill did and when). */
  public readonly experimentLogGroup: logs.LogGroup;
  /** The experiment template to start (`aws fis start-experiment --experiment-template-id`). */
  public readonly experimentTemplate: fis.CfnExperimentTemplate;
  /** The stack output holding the template id. */
  public readonly templateIdOutput: CfnOutput;

  constructor(scope: Construct, id: string, props: RegionOutageDrillProps) {
    super(scope, id);
    if (props.targets.length === 0) {
      throw new Error('RegionOutageDrill needs the endpoints of its region: their alarms are the experiment\'s stop conditions.');
    }
    const stack = Stack.of(this);
    const region = stack.region;
    const { config, prefix } = props;
    this.config = config;
    const first = props.targets[0].invoker;

    this.parameter = new ssm.StringParameter(this, 'Switch', {
      parameterName: config.parameterName,
      stringValue: OUTAGE_DRILL_OFF,
      description: `Outage drill switch of ${prefix} in ${region}: '${OUTAGE_DRILL_OFF}', or {"failBedrock":true,"until":"<ISO-8601>"} while `
        + 'a drill makes the invokers and canary here treat Bedrock as failing. Written by the drill automation only.',
      tier: ssm.ParameterTier.STANDARD,
    });

    this.automationRole = new iam.Role(this, 'AutomationRole', {
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', { conditions: confusedDeputyGuard(stack, 'ssm', 'automation-execution/*') }),
      description: `Outage drill of ${prefix} in ${region}: writes the drill switch ${config.parameterName}, nothing else`,
    });
    this.automationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteTheDrillSwitch',
      actions: ['ssm:PutParameter'],
      resources: [parameterArnOf(stack, config.parameterName)],
    }));

    this.document = new ssm.CfnDocument(this, 'Automation', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: outageDrillDocument({
        parameterName: config.parameterName,
        durationMinutes: config.maxDurationMinutes,
        maxDurationMinutes: config.maxDurationMinutes,
        assumeRoleArn: this.automationRole.roleArn,
      }),
    });
    const documentName = this.document.ref;

    // Evidence is kept a year, encrypted with the key of the region's first invoker (which already lets CloudWatch Logs use it).
    this.experimentLogGroup = new logs.LogGroup(this, 'ExperimentLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: first.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.experimentRole = new iam.Role(this, 'ExperimentRole', {
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', { conditions: confusedDeputyGuard(stack, 'fis', 'experiment/*') }),
      description: `Outage drill of ${prefix} in ${region}: runs and stops the drill automation, writes the experiment log`,
    });
    this.grantExperimentRole(stack, documentName);

    const stopAlarms = this.stopAlarms = props.targets.flatMap(target => [target.alarms.apiServerErrors, target.alarms.rejectionRate]);
    this.experimentTemplate = new fis.CfnExperimentTemplate(this, 'Experiment', {
      description: `Outage drill of ${prefix}: Bedrock in ${region} treated as failing for ${config.maxDurationMinutes} min `
        + '(invokers fail over, the canary fails, DNS moves); stops on the API 5xx or Bedrock-rejection alarms',
      roleArn: this.experimentRole.roleArn,
      // Stop conditions are CloudWatch alarms of this region (AWS FIS User Guide, "Stop conditions"). How many a
      // template may have is a FIS quota the docs here do not give: two per endpoint in the region.
      stopConditions: stopAlarms.map(alarm => ({ source: 'aws:cloudwatch:alarm', value: alarm.alarmArn })),
      // The action takes no targets: the automation names what it changes.
      targets: {},
      actions: {
        TreatBedrockAsFailing: {
          actionId: START_AUTOMATION_ACTION,
          description: `Turn the drill switch of ${region} on for ${config.maxDurationMinutes} min, then off`,
          parameters: {
            documentArn: stack.formatArn({ service: 'ssm', resource: 'document', resourceName: documentName }),
            documentParameters: JSON.stringify({ DurationMinutes: String(config.maxDurationMinutes) }),
            maxDuration: `PT${config.maxDurationMinutes + DRILL_ACTION_MARGIN_MINUTES}M`,
          },
        },
      },
      logConfiguration: {
        logSchemaVersion: 2,
        // An untyped property in aws-cdk-lib: the key is CloudFormation's own (AWS::FIS::ExperimentTemplate CloudWatchLogsConfiguration).
        cloudWatchLogsConfiguration: { LogGroupArn: this.experimentLogGroup.logGroupArn },
      },
      tags: {
        'Name': `${prefix}-outage-drill-${region}`,
        'cdk-bedrock-cross-region:deployment': prefix,
        'cdk-bedrock-cross-region:drill': 'regional-outage',
        'cdk-bedrock-cross-region:region': region,
      },
    });
    this.templateIdOutput = new CfnOutput(this, 'TemplateId', {
      value: this.experimentTemplate.ref,
      description: `AWS FIS experiment template of the outage drill in ${region} (aws fis start-experiment --experiment-template-id)`,
    });
    acknowledgeDrillFindings(this);
  }

  /**
   * What FIS needs for `aws:ssm:start-automation-execution` (AWS FIS User Guide, "Actions reference":
   * `ssm:StartAutomationExecution`, `ssm:GetAutomationExecution`, `ssm:StopAutomationExecution`,
   * `iam:PassRole`): start this document only (Systems Manager User Guide, "Setting up identity based
   * policies examples", example 1: the document's ARN), follow and stop executions in this region, pass
   * the automation role to SSM only; and what experiment logging to CloudWatch Logs needs (CloudWatch
   * Logs User Guide, "Logs sent to CloudWatch Logs": `logs:CreateLogDelivery`, `logs:PutResourcePolicy`,
   * `logs:DescribeResourcePolicies`, `logs:DescribeLogGroups`, with a `*` resource), in this region.
   */
  private grantExperimentRole(stack: Stack, documentName: string): void {
    const inThisRegion = { StringEquals: { 'aws:RequestedRegion': stack.region } };
    const statements = [
      new iam.PolicyStatement({
        sid: 'StartTheDrillAutomation',
        actions: ['ssm:StartAutomationExecution'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'document', resourceName: documentName })],
      }),
      new iam.PolicyStatement({
        sid: 'FollowAndStopTheDrillAutomation',
        actions: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
        resources: ['*'],
        conditions: inThisRegion,
      }),
      new iam.PolicyStatement({
        sid: 'PassTheAutomationRole',
        actions: ['iam:PassRole'],
        resources: [this.automationRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'DeliverTheExperimentLog',
        actions: ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
        resources: ['*'],
        conditions: inThisRegion,
      }),
    ];
    statements.forEach(statement => this.experimentRole.addToPrincipalPolicy(statement));
  }
}

/**
 * Trust conditions that let the service assume the role only for this account's own `resource` in this
 * region (IAM User Guide, "The confused deputy problem": `aws:SourceAccount`, `aws:SourceArn`).
 */
function confusedDeputyGuard(stack: Stack, service: string, resource: string): Record<string, unknown> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:${service}:${stack.region}:${stack.account}:${resource}` },
  };
}

/** The cdk-nag findings the drill raises by design, each with the reason it does not apply. */
function acknowledgeDrillFindings(drill: RegionOutageDrill): void {
  const ack = (target: IConstruct, ids: string[], reason: string) => ids.forEach(id => Validations.of(target).acknowledge({ id, reason }));
  ack(drill.experimentRole, ['AwsSolutions-IAM5[Resource::*]'],
    'Two statements, both limited to this region (aws:RequestedRegion): following and stopping the automation execution FIS started, whose id '
    + 'exists only once started; and the experiment log\'s delivery, whose logs:CreateLogDelivery supports no resource-level permission and whose '
    + 'resource-policy actions need a * resource (CloudWatch Logs User Guide, "Logs sent to CloudWatch Logs"). FIS can assume the role for this '
    + 'account\'s experiments only, and it may start nothing but the drill document.');
  const inlineReason = 'The drill roles\' policies are generated per region (one parameter, one document, one log group) and live and die '
    + 'with their roles; a customer managed policy would be a separately attachable copy of the same grant.';
  ack(drill.automationRole, ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'], inlineReason);
  ack(drill.experimentRole, ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'], inlineReason);
}
