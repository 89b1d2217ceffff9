/* eslint-disable import/no-extraneous-dependencies -- bundled by esbuild into assets/cli/update-profiles.js: the SDK is a devDependency on purpose */
/**
 * How `update-profiles` reads the Bedrock control plane: `ListInferenceProfiles` (system-defined, every
 * page) and `GetInferenceProfile` per profile through the AWS SDK, with bounded concurrency.
 */
import {
  BedrockClient,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
} from '@aws-sdk/client-bedrock';
import { ProfileDescription, RegionProfiles, sortedUnique } from './catalog-refresh';

/** `GetInferenceProfile` calls in flight at a time (across all regions). */
export const DEFAULT_CONCURRENCY = 4;

/** Runs tasks with at most `limit` in flight. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) {
      active++;
    } else {
      // A finishing task hands its slot straight to the next waiter, so the limit holds at every tick.
      await new Promise<void>(resolve => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) { next(); } else { active--; }
    }
  };
}

/** The two control-plane calls the script makes, as a client for one region. */
export interface ProfileApi {
  listSystemProfileIds(): Promise<string[]>;
  getProfile(id: string): Promise<ProfileDescription>;
  close(): void;
}

/** A {@link ProfileApi} backed by the AWS SDK's `BedrockClient` (credentials and endpoint from the environment). */
export function sdkProfileApi(region: string): ProfileApi {
  const client = new BedrockClient({ region });
  return {
    async listSystemProfileIds() {
      const ids: string[] = [];
      const tokens = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'SYSTEM_DEFINED', nextToken }));
        for (const summary of page.inferenceProfileSummaries ?? []) {
          if (summary.inferenceProfileId) { ids.push(summary.inferenceProfileId); }
        }
        nextToken = page.nextToken;
        if (nextToken !== undefined && tokens.has(nextToken)) {
          throw new Error(`ListInferenceProfiles returned the nextToken '${nextToken}' twice`);
        }
        if (nextToken !== undefined) { tokens.add(nextToken); }
      } while (nextToken);
      return sortedUnique(ids);
    },
    async getProfile(id: string) {
      return client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
    },
    close() {
      client.destroy();
    },
  };
}

/** Reads every system-defined profile of one source region, with bounded concurrency. */
export async function fetchRegion(
  api: ProfileApi,
  sourceRegion: string,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<RegionProfiles> {
  const ids = await limit(() => api.listSystemProfileIds());
  const profiles = await Promise.all(ids.map(id => limit(() => api.getProfile(id))));
  return { sourceRegion, profiles };
}

