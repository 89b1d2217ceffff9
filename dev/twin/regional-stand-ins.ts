/**
 * What stands in for each region of an endpoint in the twin: the real invoker handler behind the local
 * server (one runtime per region, so breakers and clients are the region's own), the real canary, and
 * the region's faults in the one fake Bedrock. Every piece runs inside an AsyncLocalStorage context
 * naming its region, so the EMF records it prints can be sent to that region's simulated CloudWatch.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EndpointModel } from './deployment-model';
import type { FaultWindow } from './scenario';
import { compressCanaryConfig, compressInvokerConfig, compressMs } from './simulated-time';
import { createCanaryRuntime, CanaryRuntime, runCanary } from '../../lambda/canary/canary-runtime';
import { LocalServer, startLocalServer } from '../../lambda/invoker/host/local-server';
import { FakeBedrock, Fault, faults } from '../fake-bedrock/fake-bedrock';

/** How long a healthy Bedrock takes to answer, in simulated seconds (a short Claude answer). */
export const HEALTHY_ANSWER_SECONDS = 1;

/** Text deltas of the fake's default stream answer in the twin (`startFakeBedrock({ textDeltas })`). */
export const FAKE_TEXT_DELTAS = 5;

/** Gaps between that answer's events (messageStart, the deltas, contentBlockStop, messageStop, metadata), over which a `long-answers` generation time is spread. */
const STREAM_GAPS = FAKE_TEXT_DELTAS + 3;

/** One region's stand-ins. */
export interface RegionStandIn {
  readonly region: string;
  readonly server: LocalServer;
  readonly canary?: { readonly runtime: CanaryRuntime; readonly intervalSeconds: number };
}

/** The stand-ins of every region of an endpoint, and the region each piece of work runs for. */
export class RegionalStandIns {
  /** Starts a local server (and a canary runtime, where the region has one) per region of `endpoint`. */
  public static async start(endpoint: EndpointModel, fake: FakeBedrock, speed: number, random: () => number): Promise<RegionalStandIns> {
    const standIns = new RegionalStandIns(fake, speed, random);
    try {
      for (const invoker of endpoint.regions) {
        const region = invoker.region;
        const server = await standIns.currentRegion.run(region, () => startLocalServer({
          port: 0,
          endpoint: fake.url,
          config: compressInvokerConfig(invoker.config, speed),
          runtimeOptions: { functionRegion: region },
        }));
        const canary = invoker.canary && {
          runtime: standIns.currentRegion.run(region, () => createCanaryRuntime({
            configJson: JSON.stringify(compressCanaryConfig(invoker.canary!.config, speed)),
            functionRegion: region,
          })),
          intervalSeconds: invoker.canary.intervalSeconds,
        };
        standIns.byRegion.set(region, { region, server, canary });
      }
      standIns.applyFaults(new Map());
      return standIns;
    } catch (e) {
      await standIns.close();
      throw e;
    }
  }

  /** The region whose code is running (read by the EMF capture). */
  public readonly currentRegion = new AsyncLocalStorage<string>();
  private readonly byRegion = new Map<string, RegionStandIn>();
  private readonly apiDown = new Set<string>();
  private appliedFaults = '';

  private constructor(private readonly fake: FakeBedrock, private readonly speed: number, private readonly random: () => number) {}

  /** The stand-ins, in the endpoint's region order. */
  public regions(): RegionStandIn[] {
    return [...this.byRegion.values()];
  }

  /** The region's stand-in. */
  public of(region: string): RegionStandIn {
    const standIn = this.byRegion.get(region);
    if (!standIn) {
      throw new Error(`the endpoint has no invoker in ${region}`);
    }
    return standIn;
  }

  /** Whether the region's API refuses connections (an `api-down` fault). */
  public isApiDown(region: string): boolean {
    return this.apiDown.has(region);
  }

  /**
   * Makes the fake Bedrock and the APIs fail as `active` says (region → its active faults); every other
   * call is answered after {@link HEALTHY_ANSWER_SECONDS}. Re-applies only when the faults changed.
   */
  public applyFaults(active: ReadonlyMap<string, readonly FaultWindow[]>): void {
    const key = JSON.stringify([...active.entries()].sort());
    if (key === this.appliedFaults) {
      return;
    }
    this.appliedFaults = key;
    this.fake.clearFaults();
    this.apiDown.clear();
    for (const [region, windows] of active) {
      for (const window of windows) {
        const fault = this.fakeFaultOf(window);
        if (fault === undefined) {
          this.apiDown.add(region);
        } else {
          // A long answer is the clients' (the invoker streams every Converse); the canary's one-token
          // Converse probe is never long.
          const operation = window.kind === 'long-answers' ? 'converse-stream' : undefined;
          this.fake.inject(region, fault, { share: window.share, random: this.random, operation });
        }
      }
    }
    this.fake.inject('*', faults.slow(compressMs(HEALTHY_ANSWER_SECONDS * 1000, this.speed)));
  }

  /** Runs the region's canary once, as its schedule would at simulated time `atIso`. */
  public runCanary(region: string, atIso: string): Promise<unknown> {
    const canary = this.of(region).canary;
    return canary ? this.currentRegion.run(region, () => runCanary(canary.runtime, { time: atIso })) : Promise.resolve();
  }

  /** Closes every server. */
  public async close(): Promise<void> {
    await Promise.all([...this.byRegion.values()].map(standIn => standIn.server.close()));
  }

  /** The fake's fault for a window, in real time; undefined for `api-down` (not a Bedrock fault). */
  private fakeFaultOf(window: FaultWindow): Fault | undefined {
    const ms = (seconds: number) => compressMs(seconds * 1000, this.speed);
    switch (window.kind) {
      case 'bedrock-down': return faults.unavailable();
      case 'throttle': return faults.throttle();
      case 'hang': return faults.hang();
      case 'slow': return faults.slow(ms(window.delaySeconds ?? 20));
      case 'long-answers': return faults.slowStream(ms((window.generationSeconds ?? 45) / STREAM_GAPS));
      case 'api-down': return undefined;
    }
  }
}

/** A fault window's label on the timeline (`throttle 40%`). */
export function faultLabel(windows: readonly FaultWindow[]): string {
  return windows.map(window => `${window.kind}${window.share !== undefined && window.share < 1 ? ` ${Math.round(window.share * 100)}%` : ''}`).join('+');
}
