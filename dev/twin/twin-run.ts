/**
 * Runs one scenario against the twin of one endpoint: the real handler and canary per region against
 * the fake Bedrock, a simulated CloudWatch per region fed with the EMF records they print (and the
 * metrics API Gateway and Route 53 would publish), simulated Route 53 health checks and DNS, and a client
 * population with DNS caches, in simulated time. Returns the timeline, second by second.
 */
import * as http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clientPopulation, isClientError, seededRandom, sendConverse } from './client-population';
import type { AlarmModel, DeploymentModel, EndpointModel, HealthCheckModel } from './deployment-model';
import { endpointAlarms, endpointHealthChecks, regionOfHealthCheck } from './endpoint-routing';
import { SimulatedHealthChecks } from './health-checkers';
import { faultLabel, FAKE_TEXT_DELTAS, RegionalStandIns } from './regional-stand-ins';
import { SimulatedDns } from './route53-answers';
import { faultRegions, faultsAt, requestRateAt, Scenario } from './scenario';
import { AlarmState, SimulatedCloudWatch } from './simulated-cloudwatch';
import { compressMs, MILLISECOND_UNIT, SimulatedClock } from './simulated-time';
import type { Timeline, TimelineSecond } from './timeline';
import { METRIC_DELIVERY_SECONDS, ROUTE53_ALARM_READ_SECONDS } from '../../lib/routing/private/failover-time';
import { ROUTE53_METRICS_REGION } from '../../lib/shared/route53-metrics';
import { divertEmfLines, EmfRecord } from '../emf-capture';
import { startFakeBedrock } from '../fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../fake-bedrock/offline-environment';

/** Options of {@link runTwin}. */
export interface TwinRunOptions {
  readonly model: DeploymentModel;
  readonly endpoint: EndpointModel;
  readonly scenario: Scenario;
  /** Simulated seconds per real second (default: {@link defaultSpeed}). */
  readonly speed?: number;
  /** Seed of every random draw (default 1). */
  readonly seed?: number;
  /** Called once per simulated second of the scenario, as it ends. */
  readonly onSecond?: (second: TimelineSecond) => void;
}

/** Warm-up beyond the alarms' windows and delays: time for the health checks' own alarms to settle. */
const WARM_UP_MARGIN_SECONDS = 120;

/** Warm-up without a DNS layer: only the handlers' connections to settle. */
const IN_REQUEST_WARM_UP_SECONDS = 30;

/** Clients when a scenario says nothing. */
export const DEFAULT_CLIENTS = 50;

/** How often the twin publishes Route 53's `HealthCheckStatus` datapoints, in simulated seconds. */
const HEALTH_STATUS_PUBLISH_SECONDS = 10;

/**
 * The speed that runs `totalSeconds` of simulated time in about 100 real seconds, at least 20 (the
 * handler's own milliseconds stay small next to the compressed timeouts) and at most 60.
 */
export function defaultSpeed(totalSeconds: number): number {
  return Math.min(60, Math.max(20, Math.ceil(totalSeconds / 100)));
}

/**
 * Simulated seconds the twin runs before the scenario starts, with traffic and no fault, so that the
 * alarms the health checks follow have a full evaluation range of data (and the deployment is in its
 * steady state) when the scenario begins, after the metric delivery and Route 53's reading of the alarm.
 */
export function warmUpSeconds(model: DeploymentModel, checks: readonly HealthCheckModel[]): number {
  if (checks.length === 0) {
    return IN_REQUEST_WARM_UP_SECONDS;
  }
  const windows = checks.flatMap(check => check.type === 'CLOUDWATCH_METRIC'
    ? model.alarms.filter(alarm => alarm.name === check.alarmName && alarm.region === check.alarmRegion)
      .map(alarm => (alarm.metric?.periodSeconds ?? alarm.math?.periodSeconds ?? 60) * alarm.evaluationPeriods)
    : []);
  return Math.max(120, ...windows) + WARM_UP_MARGIN_SECONDS + METRIC_DELIVERY_SECONDS + ROUTE53_ALARM_READ_SECONDS;
}

/** Runs the scenario; resolves to its timeline. */
export async function runTwin(options: TwinRunOptions): Promise<Timeline> {
  const { model, endpoint, scenario } = options;
  const regions = endpoint.regions.map(invoker => invoker.region);
  scenario.faults.forEach(fault => faultRegions(fault.region, regions));
  const checks = endpointHealthChecks(model, endpoint);
  const warmUp = warmUpSeconds(model, checks);
  const speed = options.speed ?? defaultSpeed(warmUp + scenario.durationSeconds);
  const random = seededRandom(options.seed ?? 1);
  const restoreEnvironment = isolateEnvironment();
  // The handler and the canary publish their metrics with the endpoint's service name, as deployed.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_SERVICE_NAME = endpoint.service;
  const alarms = evaluable(endpointAlarms(model, endpoint, checks));
  const cloudWatch = new Map<string, SimulatedCloudWatch>();
  for (const region of new Set([...regions, ROUTE53_METRICS_REGION, ...alarms.map(alarm => alarm.region)])) {
    cloudWatch.set(region, new SimulatedCloudWatch(alarms.filter(alarm => alarm.region === region)));
  }
  let clock: SimulatedClock | undefined;
  let standIns: RegionalStandIns | undefined;
  const stopCapture = divertEmfLines(line => {
    const region = standIns?.currentRegion.getStore();
    if (region !== undefined && clock !== undefined) {
      cloudWatch.get(region)?.metrics.putEmf(stretchDurations(line, clock.speed), clock.nowSeconds());
    }
  });
  const fake = await startFakeBedrock({ textDeltas: FAKE_TEXT_DELTAS });
  const agents = new Map(regions.map(region => [region, new http.Agent({ keepAlive: true, maxSockets: 64 })]));
  const inFlight = new Set<Promise<unknown>>();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  try {
    standIns = await RegionalStandIns.start(endpoint, fake, speed, random);
    clock = new SimulatedClock(speed, -warmUp);
    const started = clock;
    loopDelay.enable();
    const running = standIns;
    const alarmHistory = new AlarmHistory();
    const health = new SimulatedHealthChecks(checks, {
      alarmState: (name, region) => alarmHistory.stateAt(`${region}/${name}`, started.nowSeconds() - ROUTE53_ALARM_READ_SECONDS),
    });
    const dns = endpoint.dnsName === undefined ? undefined : new SimulatedDns(model.records, id => health.isHealthy(id));
    const mainClientRegion = Object.entries(scenario.clientRegions ?? {}).sort(([, a], [, b]) => b - a)[0]?.[0] ?? regions[0];
    const clients = clientPopulation(scenario.clients ?? DEFAULT_CLIENTS, scenario.clientRegions ?? { [regions[0]]: 1 }, dns, random);
    const checkRegions = new Map(checks.map(check => [check.id, dns && regionOfHealthCheck(model, check.id, dns, mainClientRegion)]));
    const buckets = Array.from({ length: scenario.durationSeconds }, () => ({
      requests: 0, clientErrors: 0, failedAttemptRequests: 0, servedBy: {} as Record<string, number>, sentTo: {} as Record<string, number>,
    }));
    const seconds: Array<Omit<TimelineSecond, 'requests' | 'clientErrors' | 'failedAttemptRequests' | 'servedBy' | 'sentTo'>> = [];
    const clientTimeoutMs = compressMs(2 * Math.max(...endpoint.regions.map(invoker => invoker.config.deadlineMs)), speed);
    const healthTimeoutMs = compressMs(HEALTH_CHECK_ANSWER_MS, speed);
    let requestDebt = 0;
    for (let t = -warmUp; t < scenario.durationSeconds; t++) {
      await started.until(t);
      const active = t >= 0 ? faultsAt(scenario, regions, t) : new Map();
      running.applyFaults(active);
      for (const standIn of running.regions()) {
        if (standIn.canary && (t + warmUp) % standIn.canary.intervalSeconds === 0) {
          track(running.runCanary(standIn.region, new Date(EPOCH_MS + t * 1000).toISOString()));
        }
      }
      for (const probe of health.dueProbes(t, t + 1)) {
        const region = dns?.resolve(probe.fqdn, { clientRegion: mainClientRegion, random }).region;
        const probed = region === undefined || running.isApiDown(region)
          ? Promise.resolve(false)
          : started.until(probe.atSeconds).then(() => probeHealth(running.of(region).server.url + probe.resourcePath, healthTimeoutMs));
        track(probed.then(healthy => health.recordProbe(probe, healthy)));
      }
      if (t % HEALTH_STATUS_PUBLISH_SECONDS === 0) {
        for (const check of checks) {
          cloudWatch.get(ROUTE53_METRICS_REGION)!.metrics.putValues(
            { namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensions: { HealthCheckId: check.id } }, [health.isHealthy(check.id) ? 1 : 0], t);
        }
      }
      // Metrics become visible METRIC_DELIVERY_SECONDS after they are emitted: each alarm decides on
      // the data as it stood that long ago, the estimate the worst-case failover time counts.
      for (const [region, watch] of cloudWatch) {
        watch.evaluate(t - METRIC_DELIVERY_SECONDS);
        for (const { alarm, state } of watch.states()) {
          alarmHistory.record(`${region}/${alarm.name}`, t, state);
        }
      }
      health.update(t);
      requestDebt += requestRateAt(scenario, Math.max(0, t));
      const count = Math.floor(requestDebt);
      requestDebt -= count;
      for (let i = 0; i < count; i++) {
        const client = clients[Math.floor(random() * clients.length)];
        const bucket = t >= 0 ? buckets[t] : undefined;
        const at = t + i / count;
        track(started.until(at).then(async () => {
          const region = client.resolver && endpoint.dnsName ? client.resolver.resolve(endpoint.dnsName, started.nowSeconds()).region : regions[0];
          const outcome = running.isApiDown(region) || !regions.includes(region)
            ? { status: 0, attempts: 0 }
            : await sendConverse(running.of(region).server.url, agents.get(region)!, clientTimeoutMs);
          publishApiMetrics(cloudWatch.get(region), endpoint.service, outcome.status, started.nowSeconds());
          if (bucket) {
            bucket.requests += 1;
            bucket.sentTo[region] = (bucket.sentTo[region] ?? 0) + 1;
            if (isClientError(outcome)) {
              bucket.clientErrors += 1;
            } else {
              const served = outcome.servedRegion ?? region;
              bucket.servedBy[served] = (bucket.servedBy[served] ?? 0) + 1;
              bucket.failedAttemptRequests += outcome.attempts > 1 ? 1 : 0;
            }
          }
        }));
      }
      if (t >= 0) {
        const unhealthy = [...checkRegions].filter(([id, region]) => region !== undefined && !health.isHealthy(id)).map(([, region]) => region!);
        seconds.push({
          t,
          dnsRegion: dns && endpoint.dnsName ? dns.resolve(endpoint.dnsName, { clientRegion: mainClientRegion, random }).region : undefined,
          unhealthyRegions: [...new Set(unhealthy)].sort(),
          faults: Object.fromEntries([...active].map(([region, windows]) => [region, faultLabel(windows)])),
          alarmsInAlarm: [...cloudWatch.values()].flatMap(watch => watch.states().filter(entry => entry.state === 'ALARM').map(entry => entry.alarm.name)).sort(),
        });
        if (t > 0) {
          options.onSecond?.({ ...seconds[t - 1], ...buckets[t - 1] });
        }
      }
    }
    await Promise.race([Promise.allSettled([...inFlight]), new Promise(resolve => setTimeout(resolve, clientTimeoutMs + 1000).unref())]);
    const timeline = seconds.map((second, index) => ({ ...second, ...buckets[index] }));
    options.onSecond?.(timeline[timeline.length - 1]);
    loopDelay.disable();
    return {
      scenario: scenario.name,
      endpoint: endpoint.service,
      regions,
      dns: dns !== undefined,
      speed,
      seconds: timeline,
      eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
      shortestTimeoutMs: shortestTimeoutMs(endpoint, speed),
    };
  } finally {
    stopCapture();
    await standIns?.close();
    agents.forEach(agent => agent.destroy());
    await fake.close();
    restoreEnvironment();
  }
}

/**
 * Each alarm's state over time, so that Route 53 can read it ROUTE53_ALARM_READ_SECONDS late (how often
 * Route 53 reads an alarm's data is not documented: the twin plays the estimate the worst-case failover
 * time counts).
 */
class AlarmHistory {
  private readonly changes = new Map<string, Array<{ atSeconds: number; state: AlarmState }>>();

  public record(key: string, atSeconds: number, state: AlarmState): void {
    const changes = this.changes.get(key) ?? [];
    if (changes[changes.length - 1]?.state !== state) {
      changes.push({ atSeconds, state });
      this.changes.set(key, changes);
    }
  }

  /** The state at `atSeconds`; undefined before the first record. */
  public stateAt(key: string, atSeconds: number): AlarmState | undefined {
    return (this.changes.get(key) ?? []).filter(change => change.atSeconds <= atSeconds).pop()?.state;
  }
}

/** The shortest compressed timeout of the endpoint's handlers and canaries, in real milliseconds. */
function shortestTimeoutMs(endpoint: EndpointModel, speed: number): number {
  return compressMs(Math.min(...endpoint.regions.flatMap(invoker => [
    invoker.config.attemptTimeoutMs, invoker.config.firstTokenTimeoutMs, ...(invoker.canary ? [invoker.canary.config.timeoutMs] : []),
  ])), speed);
}

/** The alarms, those the simulated CloudWatch cannot evaluate marked unsupported with its reason. */
function evaluable(alarms: readonly AlarmModel[]): AlarmModel[] {
  return alarms.map(alarm => {
    try {
      new SimulatedCloudWatch([alarm]);
      return alarm;
    } catch (e) {
      return { ...alarm, unsupported: (e as Error).message };
    }
  });
}

/** The simulated epoch the twin's t = 0 stands for (EventBridge event times are dated from it). */
const EPOCH_MS = Date.UTC(2026, 0, 1);

/**
 * Route 53 waits up to 2 seconds for an HTTP(S) answer after the connection is made (Route 53 Developer
 * Guide, "How Amazon Route 53 determines whether a health check is healthy"); the 4-second connection
 * allowance does not arise on loopback.
 */
const HEALTH_CHECK_ANSWER_MS = 2000;

/** A health checker's GET: healthy on a 2xx or 3xx answer within the time allowed. */
function probeHealth(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const request = http.get(url, response => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 400);
    });
    request.setTimeout(timeoutMs, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** The `AWS/ApiGateway` metrics the region's API would publish for one request (dimension `ApiName`). */
function publishApiMetrics(cloudWatch: SimulatedCloudWatch | undefined, apiName: string, status: number, atSeconds: number): void {
  if (cloudWatch === undefined || status === 0) {
    return;
  }
  const metric = (metricName: string) => ({ namespace: 'AWS/ApiGateway', metricName, dimensions: { ApiName: apiName } });
  cloudWatch.metrics.putValues(metric('Count'), [1], atSeconds);
  cloudWatch.metrics.putValues(metric('5XXError'), [status >= 500 ? 1 : 0], atSeconds);
  cloudWatch.metrics.putValues(metric('4XXError'), [status >= 400 && status < 500 ? 1 : 0], atSeconds);
}

/** An EMF line with its millisecond values stretched back to simulated time (the handler ran compressed). */
export function stretchDurations(line: string, speed: number): EmfRecord {
  const record = JSON.parse(line) as Record<string, unknown> & EmfRecord;
  const stretched: Record<string, unknown> = { ...record };
  for (const directive of record._aws.CloudWatchMetrics) {
    for (const metric of directive.Metrics) {
      const value = record[metric.Name];
      if (metric.Unit === MILLISECOND_UNIT) {
        stretched[metric.Name] = Array.isArray(value) ? value.map(v => Number(v) * speed) : Number(value) * speed;
      }
    }
  }
  return stretched as EmfRecord;
}
