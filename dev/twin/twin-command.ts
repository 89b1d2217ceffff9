/**
 * `drill --from <cdk.out>`: the twin as a command. Reads the deployment, picks the endpoint and the
 * scenario, runs it, prints a line per simulated half-minute, the timeline chart and the summary (or the
 * summary as JSON), and writes the SVG timeline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentModel, EndpointModel } from './deployment-model';
import { readDeployment } from './read-deployment';
import { builtInScenario, parseScenario, Scenario } from './scenario';
import type { Timeline, TimelineSecond, TwinSummary } from './timeline';
import { formatClock } from './timeline-buckets';
import { renderTerminalChart } from './timeline-chart';
import { renderTimelineSvg } from './timeline-svg';
import { runTwin } from './twin-run';
import { summarize } from './twin-summary';
import { CliIo, EXIT_OK } from '../../lib/shared/command-line';

/** The twin's settings, from the drill's command line. */
export interface TwinCommandOptions {
  /** The cloud assembly folder. */
  readonly from: string;
  /** A built-in scenario's name, or a scenario file (`.json`). */
  readonly scenario: string;
  /** The endpoint's service name (`BedrockEu-eu-chat`) or its name within its deployment (`eu-chat`). */
  readonly endpoint?: string;
  readonly json: boolean;
  /** Where the SVG timeline goes (default `<from>/drill-<endpoint>-<scenario>.svg`). */
  readonly svg?: string;
  readonly speed?: number;
  readonly seed?: number;
}

/** Simulated seconds between the progress lines. */
const PROGRESS_EVERY_SECONDS = 30;

/**
 * Runs the twin as the command line asked.
 *
 * @returns 0, whatever the clients saw (the figures say it; a drill that finds a weakness has done its job)
 */
export async function runTwinCommand(options: TwinCommandOptions, io: CliIo): Promise<number> {
  const model = readDeployment(options.from);
  const endpoint = pickEndpoint(model, options.endpoint);
  const scenario = loadScenario(options.scenario);
  const others = model.endpoints.filter(candidate => candidate !== endpoint).map(candidate => candidate.service);
  if (!options.json) {
    io.out(`twin of ${endpoint.service} from ${options.from}: regions ${endpoint.regions.map(r => r.region).join(' → ')}; `
      + (endpoint.dnsName ? `clients resolve ${endpoint.dnsName}` : 'no hosted zone: clients call the first region directly (the in-request layer only)'));
    if (others.length > 0 && options.endpoint === undefined) {
      io.out(`  (also in this app: ${others.join(', ')}; pick one with --endpoint)`);
    }
    io.out(`scenario ${scenario.name}: ${scenario.description} (${formatClock(scenario.durationSeconds)})`);
    io.out('   time  dns            served (per region)                errors  failed-attempt  faults / unhealthy / alarms');
  }
  const window: TimelineSecond[] = [];
  const timeline = await runTwin({
    model,
    endpoint,
    scenario,
    speed: options.speed,
    seed: options.seed,
    onSecond: second => {
      window.push(second);
      if (!options.json && (second.t + 1) % PROGRESS_EVERY_SECONDS === 0) {
        io.out(progressLine(window.splice(0)));
      }
    },
  });
  const summary = summarize(timeline);
  const lagged = lagWarning(timeline);
  if (lagged) {
    io.err(lagged);
  }
  const svgPath = options.svg ?? path.join(options.from, `drill-${endpoint.service}-${scenario.name}.svg`.replace(/[^\w.-]+/g, '_'));
  fs.writeFileSync(svgPath, renderTimelineSvg(timeline, summary));
  if (options.json) {
    io.out(JSON.stringify({ ...summary, regions: timeline.regions, dns: timeline.dns, speed: timeline.speed, svg: svgPath }, undefined, 2));
  } else {
    io.out('');
    io.out(renderTerminalChart(timeline));
    io.out('');
    io.out(summaryText(summary));
    io.out(`timeline picture: ${svgPath}`);
  }
  return EXIT_OK;
}

/**
 * A warning when the twin lagged by more than a quarter of the shortest compressed timeout: timeouts
 * may then have fired on the twin's own lag. Undefined otherwise.
 */
export function lagWarning(timeline: Timeline): string | undefined {
  const { eventLoopDelayP99Ms: lag, shortestTimeoutMs: timeout } = timeline;
  return lag !== undefined && timeout !== undefined && lag > timeout / 4
    ? `warning: the twin lagged ${lag} ms (p99) against a shortest timeout of ${timeout} ms at speed ${timeline.speed}: `
      + 'some failures may be the twin\'s own; run it again with a lower --speed on an idle machine'
    : undefined;
}

/** The endpoint `name` names (service name or its last part), or the first. */
export function pickEndpoint(model: DeploymentModel, name: string | undefined): EndpointModel {
  if (name === undefined) {
    return model.endpoints[0];
  }
  const found = model.endpoints.find(endpoint => endpoint.service === name)
    ?? model.endpoints.find(endpoint => endpoint.service.endsWith(`-${name}`));
  if (!found) {
    throw new Error(`--endpoint ${name} is not an endpoint of ${model.source}: use one of ${model.endpoints.map(e => e.service).join(', ')}`);
  }
  return found;
}

/** A built-in scenario, or the scenario file `name` (a path ending in `.json`). */
export function loadScenario(name: string): Scenario {
  if (!name.endsWith('.json')) {
    return builtInScenario(name);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(name, 'utf-8'));
  } catch (e) {
    throw new Error(`cannot read the scenario file ${name}: ${(e as Error).message}`);
  }
  return parseScenario(json, name);
}

function progressLine(seconds: readonly TimelineSecond[]): string {
  const last = seconds[seconds.length - 1];
  const sum = (pick: (s: TimelineSecond) => number) => seconds.reduce((total, s) => total + pick(s), 0);
  const served: Record<string, number> = {};
  for (const second of seconds) {
    for (const [region, count] of Object.entries(second.servedBy)) {
      served[region] = (served[region] ?? 0) + count;
    }
  }
  const faults = Object.entries(last.faults).map(([region, fault]) => `${region}:${fault}`).join(' ');
  const notes = [faults, last.unhealthyRegions.length > 0 ? `unhealthy ${last.unhealthyRegions.join(',')}` : '', last.alarmsInAlarm.length > 0 ? `ALARM ${last.alarmsInAlarm.length}` : '']
    .filter(Boolean).join(' / ');
  return `  ${formatClock(last.t + 1).padStart(5)}  ${(last.dnsRegion ?? '-').padEnd(14)} ${Object.entries(served).map(([r, n]) => `${r} ${n}`).join(', ').padEnd(34)} `
    + `${String(sum(s => s.clientErrors)).padStart(6)}  ${String(sum(s => s.failedAttemptRequests)).padStart(14)}  ${notes || '-'}`;
}

function summaryText(summary: TwinSummary): string {
  const seconds = (value: number | null) => value === null ? 'n/a' : `${value} s`;
  return [
    `summary of ${summary.scenario} on ${summary.endpoint} (${formatClock(summary.durationSeconds)} simulated):`,
    `  requests ${summary.requests}, client-visible errors ${summary.clientErrors} (in ${summary.secondsWithClientErrors} s), `
      + `requests that paid a failed attempt ${summary.failedAttemptRequests}`,
    `  DNS failover ${seconds(summary.dnsFailoverSeconds)} after the fault, failback ${seconds(summary.failbackSeconds)} after recovery, `
      + `${summary.dnsChanges} DNS change(s), ${summary.flaps} flap(s)`,
    `  served by ${Object.entries(summary.servedBy).map(([region, count]) => `${region} ${count}`).join(', ') || 'no region'}`,
    ...summary.alarms.map(alarm => `  ALARM ${alarm.name}: from ${formatClock(alarm.firstAlarmSecond)} for ${alarm.alarmSeconds} s`),
  ].join('\n');
}
