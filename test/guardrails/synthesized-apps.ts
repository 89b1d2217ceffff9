/**
 * Synthesized apps for the SCP tests: the sample, and an EU-only deployment with its routing stack in a
 * region of choice, written to temporary cdk.out folders as `cdk synth` writes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { EU_SONNET } from './support';
import { buildSampleApp, PLACEHOLDER_ACCOUNT, readSampleSettings } from '../../bin/sample-app';
import { CrossRegionInferenceApi, ResidencyConstraint, RoutingPattern } from '../../lib';

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Synthesizes the sample app (both deployments) into `outdir`, as `cdk synth` does into cdk.out. */
export function synthesizeSample(outdir: string, context: Record<string, string> = {}): void {
  const app = new App({ outdir, context });
  buildSampleApp(app, readSampleSettings(app, {}));
  app.synth();
}

/** Synthesizes an EU-only deployment like the sample's, with its routing stack in `routingRegion`, into `outdir`. */
export function synthesizeEuDeployment(outdir: string, routingRegion: string): void {
  const app = new App({ outdir });
  new CrossRegionInferenceApi(app, 'BedrockEu', {
    account: PLACEHOLDER_ACCOUNT,
    domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    routingRegion,
    endpoints: [{
      name: 'eu-chat',
      profiles: [EU_SONNET],
      routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1', 'eu-west-3'] }),
      residency: ResidencyConstraint.EU_ONLY,
    }],
  });
  app.synth();
}

/** The EU sample's endpoint regions, which an EU-only organisation approves. */
export const EU_REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];
