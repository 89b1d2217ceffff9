/**
 * What the twin rehearses: faults per region over time and the traffic that meets them. Built-in
 * scenarios cover the outages the README promises to survive; a user's own scenario is a JSON file of
 * the same shape, checked here with messages that name the field.
 */

/** How a region fails. */
export type FaultKind =
  /** Every Bedrock call in the region answers 503 ServiceUnavailableException. */
  | 'bedrock-down'
  /** Bedrock throttles (429 ThrottlingException). */
  | 'throttle'
  /** Bedrock accepts the connection and never answers. */
  | 'hang'
  /** Bedrock answers, `delaySeconds` late. */
  | 'slow'
  /** Bedrock streams a long, healthy answer: the first token at once, the whole answer after `generationSeconds`. */
  | 'long-answers'
  /** The region's API refuses connections (its /health check fails too); Bedrock is unaffected. */
  | 'api-down';

/** The kinds, for messages and the scenario file check. */
export const FAULT_KINDS: readonly FaultKind[] = ['bedrock-down', 'throttle', 'hang', 'slow', 'long-answers', 'api-down'];

/** A fault in one region (or every region) for a window of the scenario. */
export interface FaultWindow {
  /** A region name, `primary` (the endpoint's first region), `secondary` (its second) or `all`. */
  readonly region: string;
  readonly kind: FaultKind;
  /** Start, in seconds from the scenario's start. */
  readonly fromSeconds: number;
  /** End (exclusive), in seconds from the scenario's start. */
  readonly toSeconds: number;
  /** Share of the region's calls the fault hits, in (0, 1] (default 1). */
  readonly share?: number;
  /** `slow`: how late the answer is (default 20). */
  readonly delaySeconds?: number;
  /** `long-answers`: how long generating an answer takes (default 45). */
  readonly generationSeconds?: number;
}

/** Requests per second from a moment on. */
export interface TrafficPhase {
  readonly fromSeconds: number;
  readonly requestsPerSecond: number;
}

/** A whole scenario. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly durationSeconds: number;
  readonly faults: readonly FaultWindow[];
  /** The request rate over time (default 2 requests per second throughout). */
  readonly traffic?: readonly TrafficPhase[];
  /** Clients, each with its own DNS cache (default 50). */
  readonly clients?: number;
  /**
   * Where the clients are, for latency records: region → share of clients (default: all near the
   * endpoint's first region).
   */
  readonly clientRegions?: Readonly<Record<string, number>>;
}

const MINUTE = 60;

/** The built-in scenarios, by name. */
export const BUILT_IN_SCENARIOS: readonly Scenario[] = [
  {
    name: 'primary-outage',
    description: 'the primary region\'s Bedrock is hard down (503 to every call) for 10 minutes, then back',
    durationSeconds: 30 * MINUTE,
    faults: [{ region: 'primary', kind: 'bedrock-down', fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE }],
  },
  {
    name: 'primary-throttling',
    description: 'the primary region throttles 40% of calls for 10 minutes',
    durationSeconds: 25 * MINUTE,
    faults: [{ region: 'primary', kind: 'throttle', share: 0.4, fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE }],
  },
  {
    name: 'primary-slow',
    description: 'the primary region answers 20 seconds late (within the attempt timeout) for 10 minutes',
    durationSeconds: 25 * MINUTE,
    faults: [{ region: 'primary', kind: 'slow', delaySeconds: 20, fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE }],
  },
  {
    name: 'flapping-region',
    description: 'the primary region\'s Bedrock fails for 2 minutes and recovers for 2 minutes, five times',
    durationSeconds: 28 * MINUTE,
    faults: Array.from({ length: 5 }, (_, index) => ({
      region: 'primary', kind: 'bedrock-down' as const, fromSeconds: (4 + 4 * index) * MINUTE, toSeconds: (6 + 4 * index) * MINUTE,
    })),
  },
  {
    name: 'all-regions-down',
    description: 'every region\'s Bedrock is down for 5 minutes, then back (clients must see errors, and DNS must come back)',
    durationSeconds: 20 * MINUTE,
    faults: [{ region: 'all', kind: 'bedrock-down', fromSeconds: 5 * MINUTE, toSeconds: 10 * MINUTE }],
  },
  {
    name: 'long-answers',
    description: 'the healthy primary writes long answers (45 seconds each) for 10 minutes: no failover, no error',
    durationSeconds: 20 * MINUTE,
    faults: [{ region: 'primary', kind: 'long-answers', generationSeconds: 45, fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE }],
  },
  {
    name: 'region-down',
    description: 'the primary region is down entirely (API and Bedrock) for 10 minutes, then back',
    durationSeconds: 30 * MINUTE,
    faults: [
      { region: 'primary', kind: 'api-down', fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE },
      { region: 'primary', kind: 'bedrock-down', fromSeconds: 5 * MINUTE, toSeconds: 15 * MINUTE },
    ],
  },
];

/** A built-in scenario by name; the error lists the names. */
export function builtInScenario(name: string): Scenario {
  const scenario = BUILT_IN_SCENARIOS.find(candidate => candidate.name === name);
  if (!scenario) {
    throw new Error(`no built-in scenario '${name}': use one of ${BUILT_IN_SCENARIOS.map(s => s.name).join(', ')}, or a scenario file (a path ending in .json)`);
  }
  return scenario;
}

/** The longest scenario the twin runs (it must finish in about two minutes). */
export const MAX_SCENARIO_SECONDS = 2 * 3600;

/**
 * Checks a scenario file's content; every problem names its field.
 *
 * @throws listing every problem found
 */
export function parseScenario(json: unknown, source: string): Scenario {
  const problems: string[] = [];
  const s = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const number = (value: unknown, field: string, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`${field} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return min;
    }
    return value;
  };
  const durationSeconds = number(s.durationSeconds, 'durationSeconds', 60, MAX_SCENARIO_SECONDS);
  const faults = (Array.isArray(s.faults) ? s.faults : (problems.push('faults must be an array'), [])).map((f: unknown, i: number): FaultWindow => {
    const fault = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const field = `faults[${i}]`;
    if (typeof fault.region !== 'string' || fault.region.trim() === '') {
      problems.push(`${field}.region must be a region name, primary, secondary or all`);
    }
    if (!FAULT_KINDS.includes(fault.kind as FaultKind)) {
      problems.push(`${field}.kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(fault.kind)}`);
    }
    const fromSeconds = number(fault.fromSeconds, `${field}.fromSeconds`, 0, durationSeconds);
    const toSeconds = number(fault.toSeconds, `${field}.toSeconds`, fromSeconds, durationSeconds);
    const optional = (name: string, min: number, max: number) => fault[name] === undefined ? undefined : number(fault[name], `${field}.${name}`, min, max);
    return {
      region: String(fault.region),
      kind: fault.kind as FaultKind,
      fromSeconds,
      toSeconds,
      share: optional('share', 0.001, 1),
      delaySeconds: optional('delaySeconds', 0, 900),
      generationSeconds: optional('generationSeconds', 0, 900),
    };
  });
  const traffic = s.traffic === undefined ? undefined : (Array.isArray(s.traffic) ? s.traffic : (problems.push('traffic must be an array'), []))
    .map((p: unknown, i: number): TrafficPhase => {
      const phase = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
      return {
        fromSeconds: number(phase.fromSeconds, `traffic[${i}].fromSeconds`, 0, durationSeconds),
        requestsPerSecond: number(phase.requestsPerSecond, `traffic[${i}].requestsPerSecond`, 0, 50),
      };
    });
  const clients = s.clients === undefined ? undefined : number(s.clients, 'clients', 1, 1000);
  let clientRegions: Record<string, number> | undefined;
  if (s.clientRegions !== undefined) {
    clientRegions = {};
    const isShares = typeof s.clientRegions === 'object' && s.clientRegions !== null && !Array.isArray(s.clientRegions);
    if (!isShares) {
      problems.push(`clientRegions must be an object of region → share of clients, got ${JSON.stringify(s.clientRegions)}`);
    }
    for (const [region, share] of Object.entries(isShares ? s.clientRegions as Record<string, unknown> : {})) {
      clientRegions[region] = number(share, `clientRegions.${region}`, 0, 1);
    }
  }
  if (problems.length > 0) {
    throw new Error(`${source} is not a valid scenario:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    name: typeof s.name === 'string' && s.name.trim() !== '' ? s.name : source,
    description: typeof s.description === 'string' ? s.description : `the scenario in ${source}`,
    durationSeconds,
    faults,
    traffic,
    clients,
    clientRegions,
  };
}

/** The requests per second at `t` (the last phase that has started; 2 before any). */
export function requestRateAt(scenario: Scenario, t: number): number {
  const phases = [...(scenario.traffic ?? [])].sort((a, b) => a.fromSeconds - b.fromSeconds);
  return phases.filter(phase => phase.fromSeconds <= t).pop()?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
}

/** Requests per second when a scenario says nothing. */
export const DEFAULT_REQUESTS_PER_SECOND = 2;

/**
 * The faults active at `t`, per region of `regions` (`primary`/`secondary`/`all` resolved against them).
 *
 * @throws naming the region, when a fault names a region the endpoint does not have
 */
export function faultsAt(scenario: Scenario, regions: readonly string[], t: number): Map<string, FaultWindow[]> {
  const active = new Map<string, FaultWindow[]>();
  for (const fault of scenario.faults) {
    if (t < fault.fromSeconds || t >= fault.toSeconds) {
      continue;
    }
    for (const region of faultRegions(fault.region, regions)) {
      active.set(region, [...(active.get(region) ?? []), fault]);
    }
  }
  return active;
}

/** The regions a fault's `region` names. */
export function faultRegions(selector: string, regions: readonly string[]): string[] {
  if (selector === 'all') {
    return [...regions];
  }
  const named = selector === 'primary' ? regions[0] : selector === 'secondary' ? regions[1] : selector;
  if (named === undefined || !regions.includes(named)) {
    throw new Error(`the scenario's fault region '${selector}' is not a region of the endpoint (${regions.join(', ')})`);
  }
  return [named];
}
