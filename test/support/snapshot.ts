/**
 * Makes templates stable for snapshots: asset hashes (S3 keys, asset parameters) change with every
 * handler build, so they are replaced by a placeholder.
 */
export function withoutAssetHashes<T>(template: T): T {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '[ASSET HASH]$1'));
}
