import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { invokerMetric } from '../../private/metric-identity';
import { INVOKER_METRIC_NAMES } from '../../shared/invoker-config';
import { DashboardInvoker } from '../dashboard-inputs';

/*
 * The dashboard's header and the widgets of the invokers' own metrics: which region serves, the share
 * of the fallback regions, failovers, errors, latency and time to first token. Pure functions of the
 * invokers (with their defaults filled in).
 */

/** The table of invokers at the top of the dashboard. */
export function headerWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.TextWidget {
  const rows = invokers.map(i => `| ${i.region} | ${i.role} | ${i.serviceName} | ${i.regionPlan.join(' → ')} | ${i.profileIds.join(', ')} |`);
  return new cloudwatch.TextWidget({
    width: 24,
    height: 2 + Math.ceil(rows.length / 2) + 2,
    markdown: [
      '# Bedrock cross-region inference',
      '| Region | Role | Service | Calls (in order) | Profiles |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  });
}

/** One invoker metric of `calledRegion`, read where the invoker stores it. */
function metricOf(invoker: Required<DashboardInvoker>, metricName: string, calledRegion: string,
  statistic: string, label: string): cloudwatch.Metric {
  return invokerMetric({ serviceName: invoker.serviceName, calledRegion, storedInRegion: invoker.region }, metricName, { statistic, label });
}

/** `eu-central-1 (secondary of primary eu-west-1)`-style labels; short when there is one invoker. */
function servedLabel(invoker: Required<DashboardInvoker>, calledRegion: string): string {
  return calledRegion === invoker.region
    ? `${calledRegion} (${invoker.role})`
    : `${calledRegion} (fallback of ${invoker.region})`;
}

function perCalledRegion(invokers: Required<DashboardInvoker>[], metricName: string, statistic: string, suffix = ''): cloudwatch.IMetric[] {
  return invokers.flatMap(invoker => invoker.regionPlan.map(called =>
    metricOf(invoker, metricName, called, statistic, `${servedLabel(invoker, called)}${suffix}`)));
}

export function servingWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: 'Which region is serving? (requests served per minute)',
    left: perCalledRegion(invokers, INVOKER_METRIC_NAMES.requests, cloudwatch.Stats.SUM),
    stacked: true,
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
  });
}

export function secondaryShareWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  const shares = invokers.map((invoker, index) => {
    const metrics: Record<string, cloudwatch.IMetric> = {
      [`own${index}`]: metricOf(invoker, INVOKER_METRIC_NAMES.requests, invoker.region, cloudwatch.Stats.SUM, 'own'),
    };
    invoker.regionPlan.slice(1).forEach((called, j) => {
      metrics[`sec${index}x${j}`] = metricOf(invoker, INVOKER_METRIC_NAMES.servedBySecondary, called, cloudwatch.Stats.SUM, called);
    });
    const secondary = Object.keys(metrics).slice(1).map(k => `FILL(${k}, 0)`);
    const secondarySum = secondary.length > 0 ? `(${secondary.join(' + ')})` : '0';
    return new cloudwatch.MathExpression({
      expression: `100 * ${secondarySum} / (FILL(own${index}, 0) + ${secondarySum})`,
      usingMetrics: metrics,
      period: Duration.minutes(1),
      label: `Invoker in ${invoker.region} (${invoker.role}): % served by a fallback region`,
      searchRegion: invoker.region,
    });
  });
  return new cloudwatch.GraphWidget({
    title: 'Share served by secondary regions (%)',
    left: shares,
    width: 12,
    leftYAxis: { min: 0, max: 100, showUnits: false },
    leftAnnotations: [{ value: 50, label: 'Secondary majority', color: cloudwatch.Color.RED }],
  });
}

export function failoverWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title: 'Failovers (left) and Bedrock attempts (right) per called region',
    left: perCalledRegion(invokers, INVOKER_METRIC_NAMES.failovers, cloudwatch.Stats.SUM, ' failovers'),
    right: perCalledRegion(invokers, INVOKER_METRIC_NAMES.attempts, cloudwatch.Stats.SUM, ' attempts'),
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
    rightYAxis: { min: 0, showUnits: false },
  });
}

export function errorsWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  const classes: Array<[string, string]> = [
    [INVOKER_METRIC_NAMES.throttles, ' throttles (429)'],
    [INVOKER_METRIC_NAMES.errors, ' server errors (5xx, 529, timeouts)'],
    [INVOKER_METRIC_NAMES.clientErrors, ' client errors (4xx)'],
  ];
  return new cloudwatch.GraphWidget({
    title: 'Errors and throttles by class, per called region',
    left: classes.flatMap(([name, suffix]) => perCalledRegion(invokers, name, cloudwatch.Stats.SUM, suffix)),
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
  });
}

export function latencyWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  const stats = [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90), cloudwatch.Stats.p(99)];
  return new cloudwatch.GraphWidget({
    title: 'Latency seen by callers, p50 / p90 / p99 per serving region (ms)',
    left: stats.flatMap(stat => perCalledRegion(invokers, INVOKER_METRIC_NAMES.latency, stat, ` ${stat}`)),
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
  });
}

export function timeToFirstTokenWidget(invokers: Required<DashboardInvoker>[]): cloudwatch.GraphWidget {
  const stats = [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90)];
  return new cloudwatch.GraphWidget({
    title: 'Time to first token (streaming), p50 / p90 per serving region (ms)',
    left: stats.flatMap(stat => perCalledRegion(invokers, INVOKER_METRIC_NAMES.timeToFirstToken, stat, ` ${stat}`)),
    width: 12,
    leftYAxis: { min: 0, showUnits: false },
  });
}
