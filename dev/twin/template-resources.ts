/**
 * Reading one synthesized CloudFormation template's alarms, health checks and records into the twin's
 * model. Property names and defaults are CloudFormation's (AWS::CloudWatch::Alarm,
 * AWS::Route53::HealthCheck, AWS::Route53::RecordSet); a `Ref` to a resource of the same template becomes
 * that resource's model id, `<stackName>/<logicalId>`.
 */
import type {
  AlarmModel, ComparisonOperator, HealthCheckModel, MetricIdentity, MetricStat, RecordModel, RecordTarget, TreatMissingData,
} from './deployment-model';

/** A resource as a template holds it. */
export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** One stack's template, with what resolving its references needs. */
export interface StackTemplate {
  readonly stackName: string;
  readonly region: string;
  readonly resources: Readonly<Record<string, TemplateResource>>;
}

/** The model id of a resource of `stack`. */
export function resourceId(stack: StackTemplate, logicalId: string): string {
  return `${stack.stackName}/${logicalId}`;
}

/** `{ Ref: X }` → X's model id; a literal string stays as it is; anything else is undefined. */
export function referenceOrLiteral(stack: StackTemplate, value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? resourceId(stack, ref) : undefined;
}

/** The logical id `{ Ref: X }` or `{ 'Fn::GetAtt': [X, ...] }` points at. */
export function logicalIdOf(value: unknown): string | undefined {
  const object = value as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof object?.Ref === 'string') {
    return object.Ref;
  }
  const getAtt = object?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** The resources of `type`, with their logical ids. */
export function resourcesOfType(stack: StackTemplate, type: string): Array<[string, TemplateResource]> {
  return Object.entries(stack.resources).filter(([, resource]) => resource.Type === type);
}

const ANOMALY_DETECTION = /ANOMALY_DETECTION_BAND/;

/** The template's CloudWatch alarms. */
export function alarmsOf(stack: StackTemplate): AlarmModel[] {
  return resourcesOfType(stack, 'AWS::CloudWatch::Alarm').map(([logicalId, resource]) => alarmOf(stack, logicalId, resource.Properties ?? {}));
}

function alarmOf(stack: StackTemplate, logicalId: string, p: Record<string, unknown>): AlarmModel {
  const evaluationPeriods = Number(p.EvaluationPeriods ?? 1);
  const common = {
    id: resourceId(stack, logicalId),
    name: typeof p.AlarmName === 'string' ? p.AlarmName : logicalId,
    region: stack.region,
    comparisonOperator: String(p.ComparisonOperator) as ComparisonOperator,
    threshold: p.Threshold === undefined ? undefined : Number(p.Threshold),
    evaluationPeriods,
    datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
    // "If you omit this parameter, the default behavior of missing is used." (PutMetricAlarm, TreatMissingData)
    treatMissingData: (p.TreatMissingData ?? 'missing') as TreatMissingData,
  };
  if (typeof p.MetricName === 'string') {
    const metric: MetricStat = {
      metric: metricIdentity(stack, p.Namespace, p.MetricName, p.Dimensions),
      statistic: String(p.Statistic ?? p.ExtendedStatistic),
      periodSeconds: Number(p.Period),
    };
    return { ...common, metric };
  }
  const queries = Array.isArray(p.Metrics) ? p.Metrics as Array<Record<string, unknown>> : [];
  const returned = queries.find(query => query.ReturnData !== false && typeof query.Expression === 'string');
  if (p.ThresholdMetricId !== undefined || (returned && ANOMALY_DETECTION.test(String(returned.Expression)))) {
    return { ...common, unsupported: 'an anomaly-detection band (the twin has no model of the expected values)' };
  }
  if (!returned) {
    return { ...common, unsupported: 'no returned expression' };
  }
  const inputs: Record<string, MetricStat> = {};
  for (const query of queries) {
    const stat = query.MetricStat as { Metric?: Record<string, unknown>; Period?: unknown; Stat?: unknown } | undefined;
    if (typeof query.Id === 'string' && stat?.Metric) {
      inputs[query.Id] = {
        metric: metricIdentity(stack, stat.Metric.Namespace, stat.Metric.MetricName, stat.Metric.Dimensions),
        statistic: String(stat.Stat),
        periodSeconds: Number(stat.Period),
      };
    }
  }
  const periods = [...new Set(Object.values(inputs).map(input => input.periodSeconds))];
  if (periods.length !== 1) {
    return { ...common, unsupported: `inputs with ${periods.length === 0 ? 'no' : 'different'} periods` };
  }
  return { ...common, math: { expression: String(returned.Expression), inputs, periodSeconds: periods[0] } };
}

function metricIdentity(stack: StackTemplate, namespace: unknown, metricName: unknown, dimensions: unknown): MetricIdentity {
  const entries = (Array.isArray(dimensions) ? dimensions as Array<{ Name?: unknown; Value?: unknown }> : [])
    .map(d => [String(d.Name), referenceOrLiteral(stack, d.Value) ?? JSON.stringify(d.Value)] as const);
  return { namespace: String(namespace), metricName: String(metricName), dimensions: Object.fromEntries(entries) };
}

/** The template's Route 53 health checks. */
export function healthChecksOf(stack: StackTemplate): HealthCheckModel[] {
  return resourcesOfType(stack, 'AWS::Route53::HealthCheck').map(([logicalId, resource]) => {
    const c = (resource.Properties?.HealthCheckConfig ?? {}) as Record<string, unknown>;
    const base = { id: resourceId(stack, logicalId), inverted: c.Inverted === true, disabled: c.Disabled === true };
    const type = String(c.Type);
    if (type === 'CLOUDWATCH_METRIC') {
      const alarm = (c.AlarmIdentifier ?? {}) as { Name?: unknown; Region?: unknown };
      return {
        ...base,
        type,
        alarmName: String(alarm.Name),
        alarmRegion: String(alarm.Region),
        // The API's default for InsufficientDataHealthStatus is LastKnownStatus (Route 53 HealthCheckConfig).
        insufficientDataHealthStatus: (c.InsufficientDataHealthStatus ?? 'LastKnownStatus') as 'Healthy' | 'Unhealthy' | 'LastKnownStatus',
      };
    }
    if (type === 'CALCULATED') {
      const children = (Array.isArray(c.ChildHealthChecks) ? c.ChildHealthChecks : []).map(child => referenceOrLiteral(stack, child) ?? '');
      return { ...base, type, children, healthThreshold: Number(c.HealthThreshold ?? children.length) };
    }
    if (!['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'].includes(type)) {
      throw new Error(`Health check ${base.id} has type ${type}, which the twin does not simulate`);
    }
    const https = type.startsWith('HTTPS');
    return {
      ...base,
      type: type as 'HTTP' | 'HTTPS' | 'HTTP_STR_MATCH' | 'HTTPS_STR_MATCH' | 'TCP',
      fqdn: dnsName(String(c.FullyQualifiedDomainName ?? c.IPAddress)),
      port: Number(c.Port ?? (https ? 443 : 80)),
      resourcePath: String(c.ResourcePath ?? '/'),
      // Route 53 HealthCheckConfig: RequestInterval defaults to 30 seconds, FailureThreshold to 3.
      requestIntervalSeconds: Number(c.RequestInterval ?? 30),
      failureThreshold: Number(c.FailureThreshold ?? 3),
      searchString: typeof c.SearchString === 'string' ? c.SearchString : undefined,
    };
  });
}

/**
 * The template's Route 53 record sets. An alias to an API Gateway domain name of the same template
 * (`Fn::GetAtt [domain, RegionalDomainName]`) targets the stack's region; a CNAME targets its name.
 */
export function recordsOf(stack: StackTemplate): RecordModel[] {
  return resourcesOfType(stack, 'AWS::Route53::RecordSet').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const alias = p.AliasTarget as { DNSName?: unknown; EvaluateTargetHealth?: unknown } | undefined;
    const id = resourceId(stack, logicalId);
    return {
      id,
      name: dnsName(String(p.Name)),
      type: String(p.Type),
      setIdentifier: typeof p.SetIdentifier === 'string' ? p.SetIdentifier : undefined,
      failover: p.Failover as 'PRIMARY' | 'SECONDARY' | undefined,
      latencyRegion: typeof p.Region === 'string' ? p.Region : undefined,
      weight: p.Weight === undefined ? undefined : Number(p.Weight),
      healthCheckId: p.HealthCheckId === undefined ? undefined : referenceOrLiteral(stack, p.HealthCheckId),
      ttlSeconds: p.TTL === undefined ? undefined : Number(p.TTL),
      evaluateTargetHealth: alias ? alias.EvaluateTargetHealth === true : undefined,
      target: alias ? aliasTarget(stack, id, alias.DNSName) : cnameTarget(id, p.ResourceRecords),
    };
  });
}

function aliasTarget(stack: StackTemplate, id: string, dnsNameValue: unknown): RecordTarget {
  const domain = logicalIdOf(dnsNameValue);
  if (domain === undefined || stack.resources[domain]?.Type !== 'AWS::ApiGateway::DomainName') {
    throw new Error(`Record ${id} is an alias to ${JSON.stringify(dnsNameValue)}; the twin follows aliases to API Gateway domain names only`);
  }
  return { kind: 'region', region: stack.region };
}

function cnameTarget(id: string, records: unknown): RecordTarget {
  const values = Array.isArray(records) ? records : [];
  if (values.length !== 1 || typeof values[0] !== 'string') {
    throw new Error(`Record ${id} has ${JSON.stringify(records)}; the twin follows records with exactly one literal value`);
  }
  return { kind: 'name', name: dnsName(values[0]) };
}

/** A DNS name as the model keeps it: lower case, no trailing dot. */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
