/**
 * The simulated Route 53 health checks of the local twin, in simulated time (seconds): endpoint checks
 * probed by several health checkers, checks that follow a CloudWatch alarm, and calculated checks of
 * other checks. The runner asks which probes are due, answers each one (healthy or not), then calls
 * {@link SimulatedHealthChecks.update} to learn which checks changed status.
 *
 * The rules are Route 53's, from the Route 53 Developer Guide:
 * - HC-INTERVAL: "How Amazon Route 53 determines whether a health check is healthy" and "Values that you
 *   specify when you create or update health checks" (Request interval): every health checker sends a
 *   request every RequestInterval seconds, and checkers "in different data centers don't coordinate with
 *   one another". The twin staggers them evenly across the interval (a deterministic stand-in for
 *   uncoordinated checkers) and ignores the response time the interval is counted from.
 * - HC-THRESHOLD: FailureThreshold is "the number of consecutive health checks that an endpoint must pass
 *   or fail for Route 53 to change the current status of the endpoint from unhealthy to healthy or vice
 *   versa" (same page; API `HealthCheckConfig.FailureThreshold`). The twin applies it per checker: each
 *   checker changes its view after that many consecutive results that disagree with it.
 * - HC-18: "If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it
 *   healthy. If 18% of health checkers or fewer report that an endpoint is healthy, Route 53 considers it
 *   unhealthy." (How Amazon Route 53 determines whether a health check is healthy.)
 * - HC-ALARM: a CloudWatch-alarm check is healthy while the alarm's data says OK, unhealthy while it says
 *   ALARM, and with insufficient data it takes `InsufficientDataHealthStatus` (Healthy, Unhealthy, or
 *   LastKnownStatus: "the status of the health check from the last time that CloudWatch had sufficient
 *   data … For new health checks that have no last known status, the default status for the health
 *   check is healthy"). (Same page, and "Values …": Health check status.)
 * - HC-CALCULATED: "Route 53 considers this health check to be healthy when the specified number of
 *   health checks … are healthy"; a number greater than the children's count is always unhealthy, 0 is
 *   always healthy; a calculated check can't monitor other calculated checks. ("Values …": Report healthy when.)
 * - HC-INVERTED: "Route 53 considers health checks to be unhealthy when the status is healthy and vice
 *   versa." ("Values …": Invert health check status.)
 * - HC-DISABLED: "After you disable a health check, Route 53 considers the status of the health check to
 *   always be healthy" and stops sending requests (API `HealthCheckConfig.Disabled`).
 * - HC-INITIAL: the guide does not say what status a new endpoint or calculated check has before its
 *   checkers report (it only says the console shows none until the check has propagated). The twin starts
 *   every check healthy, as a running deployment's checks are; an alarm check with LastKnownStatus starts
 *   healthy as documented.
 *
 * URLs: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html.
 */
import type {
  AlarmHealthCheckModel,
  CalculatedHealthCheckModel,
  EndpointHealthCheckModel,
  HealthCheckModel,
} from './deployment-model';
import type { AlarmState } from './simulated-cloudwatch';

/**
 * The health-checker regions Route 53 uses when a check names none: "If you don't specify any regions,
 * Route 53 health checkers automatically performs checks from all of the regions that are listed under
 * Valid Values" (API `HealthCheckConfig.Regions`; the valid values are these eight). The twin runs one
 * checker per region; the docs don't say how many checkers each region has (the guide's "about every two
 * seconds" at a 30-second interval suggests about fifteen in all), so `checkers` can raise it.
 */
export const DEFAULT_HEALTH_CHECKER_REGIONS: readonly string[] = [
  'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1',
];

/** HC-18: the share of checkers (in percent) that must see an endpoint healthy, exclusive. */
const HEALTHY_CHECKER_PERCENT = 18;

/** One request a health checker sends to an endpoint. */
export interface ProbeRequest {
  /** The endpoint check's id. */
  readonly checkId: string;
  /** The checker's index, from 0 to the number of checkers less one. */
  readonly checker: number;
  readonly fqdn: string;
  readonly port: number;
  readonly resourcePath: string;
  /** When the request is sent, in simulated seconds. */
  readonly atSeconds: number;
}

/** A health check whose status changed. */
export interface HealthTransition {
  readonly checkId: string;
  /** The new status. */
  readonly healthy: boolean;
  /** The `update` time at which the change was seen. */
  readonly atSeconds: number;
}

/** How the health checks read the simulated CloudWatch, and how many checkers probe each endpoint. */
export interface SimulatedHealthChecksOptions {
  /** The state of an alarm now; undefined (no such alarm) counts as insufficient data. */
  readonly alarmState: (alarmName: string, region: string) => AlarmState | undefined;
  /** Health checkers per endpoint check (default: one per default health-checker region, 8). */
  readonly checkers?: number;
}

/** One checker's view of one endpoint (HC-THRESHOLD). */
interface CheckerView {
  healthy: boolean;
  /** Consecutive results that disagree with `healthy`. */
  disagreeing: number;
}

/** Route 53's health checks of one deployment, evaluated in simulated time. */
export class SimulatedHealthChecks {
  private readonly checkers: number;
  private readonly endpointChecks: readonly EndpointHealthCheckModel[];
  private readonly alarmChecks: readonly AlarmHealthCheckModel[];
  private readonly calculatedChecks: readonly CalculatedHealthCheckModel[];
  private readonly views = new Map<string, CheckerView[]>();
  /** Each check's status (after inversion and disabling), HC-INITIAL: healthy. */
  private readonly status = new Map<string, boolean>();
  /** Alarm checks: the status from the alarm's last OK or ALARM, before inversion (none yet: healthy, HC-ALARM). */
  private readonly lastKnown = new Map<string, boolean>();
  private lastUpdateSeconds = -Infinity;

  public constructor(checks: readonly HealthCheckModel[], private readonly options: SimulatedHealthChecksOptions) {
    this.checkers = options.checkers ?? DEFAULT_HEALTH_CHECKER_REGIONS.length;
    if (!Number.isInteger(this.checkers) || this.checkers < 1) {
      throw new Error(`SimulatedHealthChecks: checkers must be a whole number of at least 1; got ${this.checkers}.`);
    }
    this.endpointChecks = checks.filter((check): check is EndpointHealthCheckModel =>
      check.type !== 'CLOUDWATCH_METRIC' && check.type !== 'CALCULATED');
    this.alarmChecks = checks.filter((check): check is AlarmHealthCheckModel => check.type === 'CLOUDWATCH_METRIC');
    this.calculatedChecks = checks.filter((check): check is CalculatedHealthCheckModel => check.type === 'CALCULATED');
    for (const check of checks) {
      this.status.set(check.id, true);
    }
    for (const check of this.endpointChecks) {
      this.views.set(check.id, Array.from({ length: this.checkers }, () => ({ healthy: true, disagreeing: 0 })));
    }
    for (const check of this.calculatedChecks) {
      for (const child of check.children) {
        const childCheck = checks.find((candidate) => candidate.id === child);
        if (!childCheck) {
          throw new Error(`Calculated health check '${check.id}' monitors '${child}', which is not a health check of the deployment; `
            + 'add that check to the model or remove it from ChildHealthChecks.');
        }
        if (childCheck.type === 'CALCULATED') {
          throw new Error(`Calculated health check '${check.id}' monitors the calculated check '${child}'; Route 53 does not allow `
            + 'a calculated health check to monitor other calculated checks: monitor that check\'s children instead.');
        }
      }
    }
  }

  /**
   * The probes the checkers send in `[fromSeconds, toSeconds)`, in time order (HC-INTERVAL): checker `k`
   * of `n` probes at `k × interval / n`, then every interval. Disabled checks are not probed (HC-DISABLED).
   */
  public dueProbes(fromSeconds: number, toSeconds: number): ProbeRequest[] {
    const probes: ProbeRequest[] = [];
    for (const check of this.endpointChecks.filter((candidate) => !candidate.disabled)) {
      const interval = check.requestIntervalSeconds;
      for (let checker = 0; checker < this.checkers; checker++) {
        const offset = (checker * interval) / this.checkers;
        const first = Math.max(0, Math.ceil((fromSeconds - offset) / interval));
        for (let round = first; offset + round * interval < toSeconds; round++) {
          probes.push({
            checkId: check.id,
            checker,
            fqdn: check.fqdn,
            port: check.port,
            resourcePath: check.resourcePath,
            atSeconds: offset + round * interval,
          });
        }
      }
    }
    return probes.sort((a, b) => a.atSeconds - b.atSeconds || a.checker - b.checker);
  }

  /** Records a probe's result: whether the endpoint answered it in time with a 2xx or 3xx (HC-THRESHOLD). */
  public recordProbe(probe: ProbeRequest, healthy: boolean): void {
    const check = this.endpointChecks.find((candidate) => candidate.id === probe.checkId);
    const view = this.views.get(probe.checkId)?.[probe.checker];
    if (!check || !view) {
      throw new Error(`recordProbe: '${probe.checkId}' checker ${probe.checker} is not a checker of an endpoint health check; `
        + 'record only the probes dueProbes returned.');
    }
    if (healthy === view.healthy) {
      view.disagreeing = 0;
      return;
    }
    view.disagreeing += 1;
    if (view.disagreeing >= check.failureThreshold) {
      view.healthy = healthy;
      view.disagreeing = 0;
    }
  }

  /** Evaluates every check at `atSeconds` and returns those whose status changed since the last update. */
  public update(atSeconds: number): HealthTransition[] {
    if (atSeconds < this.lastUpdateSeconds) {
      throw new Error(`update(${atSeconds}): simulated time must not go back (the last update was at ${this.lastUpdateSeconds}).`);
    }
    this.lastUpdateSeconds = atSeconds;
    const next = new Map<string, boolean>();
    for (const check of this.endpointChecks) {
      next.set(check.id, this.reported(check, () => this.endpointHealthy(check.id)));
    }
    for (const check of this.alarmChecks) {
      next.set(check.id, this.reported(check, () => this.alarmHealthy(check)));
    }
    for (const check of this.calculatedChecks) {
      const healthyChildren = () => check.children.filter((child) => next.get(child)).length;
      next.set(check.id, this.reported(check, () => healthyChildren() >= check.healthThreshold));
    }
    const transitions: HealthTransition[] = [];
    for (const [checkId, healthy] of next) {
      if (this.status.get(checkId) !== healthy) {
        transitions.push({ checkId, healthy, atSeconds });
        this.status.set(checkId, healthy);
      }
    }
    return transitions;
  }

  /** A check's status as of the last update (healthy before the first, HC-INITIAL). */
  public isHealthy(checkId: string): boolean {
    const healthy = this.status.get(checkId);
    if (healthy === undefined) {
      throw new Error(`isHealthy: '${checkId}' is not a health check of the deployment (known: ${[...this.status.keys()].join(', ')}).`);
    }
    return healthy;
  }

  /** HC-18: more than 18% of the checkers see the endpoint healthy. */
  private endpointHealthy(checkId: string): boolean {
    const healthyCheckers = (this.views.get(checkId) ?? []).filter((view) => view.healthy).length;
    return healthyCheckers * 100 > HEALTHY_CHECKER_PERCENT * this.checkers;
  }

  /** HC-ALARM. */
  private alarmHealthy(check: AlarmHealthCheckModel): boolean {
    const state = this.options.alarmState(check.alarmName, check.alarmRegion) ?? 'INSUFFICIENT_DATA';
    if (state !== 'INSUFFICIENT_DATA') {
      this.lastKnown.set(check.id, state === 'OK');
      return state === 'OK';
    }
    switch (check.insufficientDataHealthStatus) {
      case 'Healthy': return true;
      case 'Unhealthy': return false;
      case 'LastKnownStatus': return this.lastKnown.get(check.id) ?? true;
    }
  }

  /** HC-DISABLED (not evaluated at all), then HC-INVERTED. */
  private reported(check: HealthCheckModel, evaluate: () => boolean): boolean {
    if (check.disabled) {
      return true;
    }
    const healthy = evaluate();
    return check.inverted ? !healthy : healthy;
  }
}
