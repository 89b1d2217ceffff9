/**
 * Which of a deployment's records and health checks route one endpoint: those reachable from the name
 * its clients resolve, following CNAMEs, and the children of calculated checks.
 */
import type { AlarmModel, DeploymentModel, EndpointModel, HealthCheckModel, MetricStat } from './deployment-model';
import type { SimulatedDns } from './route53-answers';

/** The health checks that decide the endpoint's DNS answers (none without a hosted zone). */
export function endpointHealthChecks(model: DeploymentModel, endpoint: EndpointModel): HealthCheckModel[] {
  const ids = new Set<string>();
  const seen = new Set<string>();
  const names = endpoint.dnsName === undefined ? [] : [endpoint.dnsName];
  for (let name = names.shift(); name !== undefined; name = names.shift()) {
    if (seen.has(name)) {
      continue;
    }
    seen.add(name);
    for (const record of model.records.filter(candidate => candidate.name === name)) {
      if (record.healthCheckId !== undefined) {
        ids.add(record.healthCheckId);
      }
      if (record.target.kind === 'name') {
        names.push(record.target.name);
      }
    }
  }
  const byId = new Map(model.healthChecks.map(check => [check.id, check]));
  const pending = [...ids];
  for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
    const check = byId.get(id);
    if (check?.type === 'CALCULATED') {
      check.children.filter(child => !ids.has(child)).forEach(child => {
        ids.add(child);
        pending.push(child);
      });
    }
  }
  return model.healthChecks.filter(check => ids.has(check.id));
}

/**
 * The region a health check stands for: the region the record carrying it answers; an endpoint check's
 * own host otherwise. Undefined when neither leads to a region.
 */
export function regionOfHealthCheck(model: DeploymentModel, checkId: string, dns: SimulatedDns, clientRegion: string): string | undefined {
  const record = model.records.find(candidate => candidate.healthCheckId === checkId);
  if (record) {
    return record.target.kind === 'region' ? record.target.region : dns.resolve(record.target.name, { clientRegion, random: () => 0 }).region;
  }
  const check = model.healthChecks.find(candidate => candidate.id === checkId);
  return check && 'fqdn' in check ? dns.resolve(check.fqdn, { clientRegion, random: () => 0 }).region : undefined;
}

/**
 * The alarms about the endpoint: those whose metrics carry its service name (the invoker's and the
 * canary's, and API Gateway's `ApiName`) or one of its health checks (Route 53's `HealthCheckId`).
 */
export function endpointAlarms(model: DeploymentModel, endpoint: EndpointModel, checks: readonly HealthCheckModel[]): AlarmModel[] {
  const names = new Set([endpoint.service, ...checks.map(check => check.id)]);
  const stats = (alarm: AlarmModel): MetricStat[] => [...(alarm.metric ? [alarm.metric] : []), ...Object.values(alarm.math?.inputs ?? {})];
  return model.alarms.filter(alarm => stats(alarm).some(stat => Object.values(stat.metric.dimensions).some(value => names.has(value))));
}
