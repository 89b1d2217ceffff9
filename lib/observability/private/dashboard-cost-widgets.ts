import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { bedrockMetric, modelIdValues, profilesBySourceRegion } from './dashboard-bedrock-widgets';
import { BedrockModelIdDimension, DashboardInvoker, TokenPrice } from '../dashboard-inputs';

/** The price of `profileId` in source region `region`: a price for that region wins over one for every region. */
function priceFor(prices: TokenPrice[], profileId: string, region: string): TokenPrice | undefined {
  return prices.find(p => p.profileId === profileId && p.region === region)
    ?? prices.find(p => p.profileId === profileId && p.region === undefined);
}

/**
 * Cost per source region and profile: (input tokens × input price + output tokens × output price) / 1,000,
 * from the `AWS/Bedrock` token counts recorded in each source region (all of the account's calls of
 * that profile there, not only the invoker's).
 *
 * @returns the hourly cost graph and the total over the time range, or no widget when no profile has a price
 */
export function costWidgets(invokers: Required<DashboardInvoker>[], modelIdDimension: BedrockModelIdDimension,
  prices: TokenPrice[]): cloudwatch.IWidget[] {
  const perProfile: cloudwatch.IMetric[] = [];
  const totals: cloudwatch.IMetric[] = [];
  let r = 0;
  for (const [region, profileIds] of profilesBySourceRegion(invokers)) {
    const regionTerms: string[] = [];
    const regionMetrics: Record<string, cloudwatch.IMetric> = {};
    profileIds.forEach((profileId, p) => {
      const price = priceFor(prices, profileId, region);
      if (!price) {
        return;
      }
      const terms: string[] = [];
      const metrics: Record<string, cloudwatch.IMetric> = {};
      modelIdValues(modelIdDimension, profileId).forEach((modelId, m) => {
        const key = `r${r}p${p}m${m}`;
        metrics[`${key}in`] = bedrockMetric('InputTokenCount', region, modelId, cloudwatch.Stats.SUM, `${modelId} input tokens`);
        metrics[`${key}out`] = bedrockMetric('OutputTokenCount', region, modelId, cloudwatch.Stats.SUM, `${modelId} output tokens`);
        terms.push(`FILL(${key}in, 0) * ${price.inputPricePer1kTokens} + FILL(${key}out, 0) * ${price.outputPricePer1kTokens}`);
      });
      const expression = `(${terms.join(' + ')}) / 1000`;
      perProfile.push(new cloudwatch.MathExpression({
        expression,
        usingMetrics: metrics,
        period: Duration.hours(1),
        label: `${region} ${profileId}`,
        searchRegion: region,
      }));
      regionTerms.push(expression);
      Object.assign(regionMetrics, metrics);
    });
    if (regionTerms.length > 0) {
      totals.push(new cloudwatch.MathExpression({
        expression: regionTerms.join(' + '),
        usingMetrics: regionMetrics,
        period: Duration.hours(1),
        label: `${region} total`,
        searchRegion: region,
      }));
    }
    r++;
  }
  if (perProfile.length === 0) {
    return [];
  }
  return [
    new cloudwatch.GraphWidget({
      title: 'Estimated Bedrock cost per hour, by source region and profile (your price table, source-region prices)',
      left: perProfile,
      stacked: true,
      width: 16,
      leftYAxis: { min: 0, showUnits: false },
    }),
    new cloudwatch.SingleValueWidget({
      title: 'Estimated cost over the selected time range, per source region',
      metrics: totals,
      setPeriodToTimeRange: true,
      width: 8,
      height: 6,
    }),
  ];
}
