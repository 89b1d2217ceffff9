/* eslint-disable import/no-extraneous-dependencies -- the handler bundles its SDK with esbuild */
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { canaryRequest } from './canary-request';
import { CanaryRun, runOfFailure } from './run-outcome';
import type { CanaryRuntimeConfig } from '../../lib/shared/canary-config';
import type { BedrockClients } from '../invoker/bedrock-clients';
import { AttemptControl } from '../invoker/resilience/attempt-control';

/**
 * One canary run: a tiny Converse request to Bedrock in `config.region` (and nowhere else: the canary
 * measures this region, so it never fails over), through the invoker's own clients (one attempt, no SDK
 * retries, HTTP/1.1 keep-alive), bounded by `config.timeoutMs` whatever the connection does.
 */
export async function probeRegion(clients: BedrockClients, config: CanaryRuntimeConfig): Promise<CanaryRun> {
  const control = new AttemptControl();
  control.arm(config.timeoutMs, 'AttemptTimeout');
  const started = performance.now();
  try {
    await control.race(clients.send(config.region, new ConverseCommand(canaryRequest(config.profileId)), control));
    return { verdict: 'answered', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return runOfFailure(error, control.reason, control.stage);
  } finally {
    control.disarm();
  }
}
