/**
 * The baseline of the overhead runs (overhead.ts, serve-overhead.ts): the SDK called directly, with the
 * handler's own client configuration (BedrockClients: HTTP/1.1 NodeHttpHandler, keep-alive, maxAttempts
 * 1), to the bench configuration's primary region through its first profile.
 */
/* eslint-disable import/no-extraneous-dependencies -- a dev script: it calls the SDK directly to measure the baseline */
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { CONFIG, MESSAGES } from './settings';
import { BedrockClients, MAX_CONNECTION_TIMEOUT_MS } from '../../lambda/invoker/bedrock-clients';

/** Direct calls over one client; each resolves true when the call succeeded. */
export interface DirectCalls {
  /** `ConverseCommand`: the baseline the overhead targets are judged against. */
  readonly converse: () => Promise<boolean>;
  /**
   * `ConverseStreamCommand` with its stream read to the end: what the invoker sends underneath `/converse`
   * (so that a long answer is not a failure). Its difference to {@link converse} is the SDK's price of streaming.
   */
  readonly converseStream: () => Promise<boolean>;
  /** Closes the client's connections. */
  destroy(): void;
}

/** A client of its own for the direct calls, as the handler would create it. */
export function directCalls(): DirectCalls {
  const clients = new BedrockClients({ connectionTimeoutMs: Math.min(CONFIG.attemptTimeoutMs, MAX_CONNECTION_TIMEOUT_MS) });
  const client = clients.clientFor(CONFIG.regionPlan[0]);
  return {
    converse: async () => {
      const output = await client.send(new ConverseCommand({ modelId: CONFIG.profileIds[0], messages: MESSAGES }));
      return output.$metadata.httpStatusCode === 200;
    },
    converseStream: async () => {
      const output = await client.send(new ConverseStreamCommand({ modelId: CONFIG.profileIds[0], messages: MESSAGES }));
      let events = 0;
      for await (const _event of output.stream ?? []) {
        events += 1;
      }
      return output.$metadata.httpStatusCode === 200 && events > 0;
    },
    destroy: () => clients.destroy(),
  };
}
