/**
 * Builds small timelines by hand for the twin's tests: each lane is a string with one character per
 * second, so a test reads like the picture it describes.
 */
import type { Timeline, TimelineSecond } from '../../../dev/twin/timeline';

/** A timeline drawn lane by lane; every lane string has one character per second. */
export interface TimelineDrawing {
  readonly regions: readonly string[];
  /** The number of seconds. */
  readonly seconds: number;
  /** One character per second: the index of the region DNS answers, or `-` for no answer; omitted → no DNS layer. */
  readonly dns?: string;
  /** Region → one character per second: `X` a fault (named `fault`), anything else none. */
  readonly faults?: Readonly<Record<string, string>>;
  /** Region → one character per second: `U` its health check is unhealthy. */
  readonly unhealthy?: Readonly<Record<string, string>>;
  /** Requests per second (the same every second, or one number per second). @default 0 */
  readonly requests?: number | readonly number[];
  /** Region → served per second (the same every second, or one number per second). */
  readonly servedBy?: Readonly<Record<string, number | readonly number[]>>;
  readonly clientErrors?: number | readonly number[];
  readonly failedAttemptRequests?: number | readonly number[];
  /** Alarm name → one character per second: `A` in ALARM. */
  readonly alarms?: Readonly<Record<string, string>>;
  readonly scenario?: string;
  readonly endpoint?: string;
}

/** The timeline a drawing describes (`t` from 0). */
export function buildTimeline(drawing: TimelineDrawing): Timeline {
  const lanes = [drawing.dns, ...[drawing.faults, drawing.unhealthy, drawing.alarms].flatMap((group) => Object.values(group ?? {}))];
  for (const lane of lanes) {
    if (lane !== undefined && lane.length !== drawing.seconds) {
      throw new Error(`The lane "${lane}" has ${lane.length} characters; the drawing has ${drawing.seconds} seconds.`);
    }
  }
  const seconds = Array.from({ length: drawing.seconds }, (_, t): TimelineSecond => ({
    t,
    dnsRegion: dnsAt(drawing, t),
    unhealthyRegions: marked(drawing.unhealthy, t, 'U'),
    faults: Object.fromEntries(marked(drawing.faults, t, 'X').map((region) => [region, 'fault'])),
    requests: countAt(drawing.requests, t),
    servedBy: Object.fromEntries(Object.entries(drawing.servedBy ?? {})
      .map(([region, served]) => [region, countAt(served, t)])
      .filter(([, served]) => (served as number) > 0)),
    clientErrors: countAt(drawing.clientErrors, t),
    failedAttemptRequests: countAt(drawing.failedAttemptRequests, t),
    sentTo: {},
    alarmsInAlarm: marked(drawing.alarms, t, 'A'),
  }));
  return {
    scenario: drawing.scenario ?? 'hand-built',
    endpoint: drawing.endpoint ?? 'TestEndpoint',
    regions: drawing.regions,
    dns: drawing.dns !== undefined,
    speed: 60,
    seconds,
  };
}

function dnsAt(drawing: TimelineDrawing, t: number): string | undefined {
  const symbol = drawing.dns?.[t];
  return symbol === undefined || symbol === '-' ? undefined : drawing.regions[Number(symbol)];
}

function marked(lanes: Readonly<Record<string, string>> | undefined, t: number, mark: string): string[] {
  return Object.entries(lanes ?? {}).filter(([, lane]) => lane[t] === mark).map(([name]) => name);
}

function countAt(count: number | readonly number[] | undefined, t: number): number {
  return typeof count === 'number' ? count : count?.[t] ?? 0;
}

/** `symbol` repeated `count` times, to draw long lanes: `run('0', 10) + run('1', 5)`. */
export function run(symbol: string, count: number): string {
  return symbol.repeat(count);
}
