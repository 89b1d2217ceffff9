import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { geographyPrefixOf } from '../../shared/invoker-config';
import { BedrockModelIdDimension, DashboardInvoker } from '../dashboard-inputs';

/*
 * The dashboard's widgets of the native `AWS/Bedrock` metrics, per source region and model, and what
 * the cost estimate reads from them.
 */

const BEDROCK_NAMESPACE = 'AWS/Bedrock';

/** The foundation model id of an inference profile id (the id without its geography prefix). */
export function modelIdOf(profileId: string): string {
  const prefix = geographyPrefixOf(profileId);
  return prefix === undefined ? profileId : profileId.slice(prefix.length + 1);
}

/** Source region → the profile ids called there, over every invoker's plan. */
export function profilesBySourceRegion(invokers: Required<DashboardInvoker>[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const invoker of invokers) {
    for (const region of invoker.regionPlan) {
      const ids = result.get(region) ?? [];
      for (const id of invoker.profileIds) {
        if (!ids.includes(id)) {
          ids.push(id);
        }
      }
      result.set(region, ids);
    }
  }
  return result;
}

/** The `ModelId` values charted for one profile. */
export function modelIdValues(modelIdDimension: BedrockModelIdDimension, profileId: string): string[] {
  switch (modelIdDimension) {
    case BedrockModelIdDimension.MODEL_ID: return [modelIdOf(profileId)];
    case BedrockModelIdDimension.PROFILE_AND_MODEL_ID: return [profileId, modelIdOf(profileId)];
    default: return [profileId];
  }
}

/** One `AWS/Bedrock` metric of a model in a source region (per minute). */
export function bedrockMetric(metricName: string, region: string, modelId: string, statistic: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: BEDROCK_NAMESPACE,
    metricName,
    dimensionsMap: { ModelId: modelId },
    statistic,
    period: Duration.minutes(1),
    region,
    label,
  });
}

/** A graph of `metricNames` for every source region and charted model of the invokers. */
export function bedrockWidget(invokers: Required<DashboardInvoker>[], modelIdDimension: BedrockModelIdDimension,
  title: string, metricNames: string[], statistic: string): cloudwatch.GraphWidget {
  const metrics: cloudwatch.IMetric[] = [];
  for (const [region, profileIds] of profilesBySourceRegion(invokers)) {
    for (const profileId of profileIds) {
      for (const modelId of modelIdValues(modelIdDimension, profileId)) {
        for (const metricName of metricNames) {
          metrics.push(bedrockMetric(metricName, region, modelId, statistic, `${region} ${modelId}${metricNames.length > 1 ? ` ${metricName}` : ''}`));
        }
      }
    }
  }
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 12, leftYAxis: { min: 0, showUnits: false } });
}
