/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

/**
 * The outage-drill switch's value through Powertools Parameters: SSM `GetParameter`, answered from
 * Powertools' in-memory cache while the last value is younger than `maxAgeSeconds`. Rejects when the
 * parameter cannot be read (Powertools caches values, not failures). The SDK resolves the regional
 * endpoint, or honours `AWS_ENDPOINT_URL_SSM` (the tests' loopback fake).
 *
 * Loaded on first use only (see `readDrillParameterFromSsm`).
 */
export function readOutageDrillParameter(parameterName: string, maxAgeSeconds: number): Promise<string | undefined> {
  return getParameter(parameterName, { maxAge: maxAgeSeconds });
}
