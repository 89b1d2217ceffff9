import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** A Lambda handler the build bundles into `assets/<handler>/` (`npx projen bundle`); the npm package ships it. */
export type BundledHandler = 'invoker' | 'canary';

/**
 * The code of a bundled handler, loaded with `Code.fromAsset`.
 *
 * @throws when the bundle is missing (a source checkout that has not run `npx projen bundle`)
 */
export function bundledHandlerCode(handler: BundledHandler): lambda.Code {
  const dir = path.join(__dirname, '..', '..', 'assets', handler);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`The ${handler} handler bundle is missing (${dir}/index.js). In a source checkout run `
      + '`npx projen bundle` first; the published package ships it.');
  }
  return lambda.Code.fromAsset(dir);
}
