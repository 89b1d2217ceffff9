/**
 * The twin's clients: each resolves the endpoint's name through its own DNS cache (or, without a hosted
 * zone, calls the endpoint's first region directly) and sends a Converse request to that region's API.
 */
import * as http from 'node:http';
import { CachingResolver } from './caching-resolver';
import type { SimulatedDns } from './route53-answers';

/** What one request got. */
export interface ClientOutcome {
  /** The HTTP status; 0 when there was no answer (refused, reset, timed out). */
  readonly status: number;
  /** `x-invoker-served-region`, on a success. */
  readonly servedRegion?: string;
  /** `x-invoker-attempts` (0 when absent). */
  readonly attempts: number;
}

/** The body every twin request sends: one short user turn. */
const CONVERSE_BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'drill' }] }] });

/**
 * POSTs a Converse request to `baseUrl` and reads the answer; never rejects.
 *
 * @param timeoutMs how long the client waits for the whole answer before it gives up (status 0)
 */
export function sendConverse(baseUrl: string, agent: http.Agent, timeoutMs: number): Promise<ClientOutcome> {
  return new Promise(resolve => {
    const request = http.request(`${baseUrl}/converse`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, response => {
      response.resume();
      response.on('end', () => resolve({
        status: response.statusCode ?? 0,
        servedRegion: response.headers['x-invoker-served-region'] === undefined ? undefined : String(response.headers['x-invoker-served-region']),
        attempts: Number(response.headers['x-invoker-attempts'] ?? 0),
      }));
      response.on('error', () => resolve({ status: 0, attempts: 0 }));
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error('client timeout')));
    request.on('error', () => resolve({ status: 0, attempts: 0 }));
    request.end(CONVERSE_BODY);
  });
}

/** A client: where it is and its resolver. */
export interface TwinClient {
  /** The region it is near (for latency records). */
  readonly region: string;
  /** Its DNS cache; undefined without a hosted zone. */
  readonly resolver?: CachingResolver;
}

/**
 * `count` clients spread over `clientRegions` (region → share; shares are normalised), each with its
 * own cache of `dns`.
 */
export function clientPopulation(
  count: number, clientRegions: Readonly<Record<string, number>>, dns: SimulatedDns | undefined, random: () => number,
): TwinClient[] {
  const entries = Object.entries(clientRegions).filter(([, share]) => share > 0);
  if (entries.length === 0) {
    throw new Error('clientRegions must give at least one region a share above 0');
  }
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  const clients: TwinClient[] = [];
  // Rounding the running total (not each share) makes the quotas sum to `count` and none negative.
  let cumulativeShare = 0;
  let assigned = 0;
  for (const [region, share] of entries) {
    cumulativeShare += share;
    const quota = Math.round((count * cumulativeShare) / total) - assigned;
    for (let i = 0; i < quota; i++) {
      clients.push({ region, resolver: dns && new CachingResolver(dns, { clientRegion: region, random }) });
    }
    assigned += quota;
  }
  return clients;
}

/** Whether a client saw an error: anything but a 2xx answer. */
export function isClientError(outcome: ClientOutcome): boolean {
  return outcome.status < 200 || outcome.status >= 300;
}

/** A seeded pseudo-random generator (mulberry32): runs of the same scenario draw the same numbers. */
/* eslint-disable no-bitwise -- mulberry32 is defined by its 32-bit integer operations */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */
