import { App } from 'aws-cdk-lib';
import { CrossRegionInferenceApi, CrossRegionInferenceProfile, InferenceDomain, ResidencyConstraint, RoutingPattern } from '../lib';

/** Placeholder account used when neither `-c account=...` nor CDK_DEFAULT_ACCOUNT is set: synth works offline. */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** The sample's settings, read from CDK context (`-c key=value`) or the environment. */
export interface SampleSettings {
  readonly account: string;
  readonly domain?: InferenceDomain;
  readonly activePassiveRegions: string[];
  readonly activeActiveRegions: string[];
}

/** Reads {@link SampleSettings}: context first, then environment variables, then the placeholders. */
export function readSampleSettings(app: App, env: NodeJS.ProcessEnv = process.env): SampleSettings {
  const value = (key: string, envName: string): string | undefined => app.node.tryGetContext(key) ?? env[envName];
  const list = (key: string, envName: string, fallback: string[]) =>
    (value(key, envName)?.split(',').map(r => r.trim()).filter(Boolean)) ?? fallback;
  const zoneName = value('zoneName', 'SAMPLE_ZONE_NAME');
  const hostedZoneId = value('hostedZoneId', 'SAMPLE_HOSTED_ZONE_ID');
  if ((zoneName === undefined) !== (hostedZoneId === undefined)) {
    throw new Error('Give both zoneName and hostedZoneId (-c zoneName=example.com -c hostedZoneId=Z...), or neither.');
  }
  return {
    account: value('account', 'CDK_DEFAULT_ACCOUNT') ?? PLACEHOLDER_ACCOUNT,
    domain: zoneName && hostedZoneId ? { zoneName, hostedZoneId } : undefined,
    activePassiveRegions: list('activePassiveRegions', 'SAMPLE_ACTIVE_PASSIVE_REGIONS', ['eu-west-1', 'eu-central-1', 'eu-west-3']),
    activeActiveRegions: list('activeActiveRegions', 'SAMPLE_ACTIVE_ACTIVE_REGIONS', ['us-east-1', 'us-west-2']),
  };
}

/**
 * Two deployments:
 * - `BedrockEu`: EU-only Claude through `eu.` profiles, active–passive over three regions;
 * - `BedrockUs`: a hybrid of `chat` active–active by latency and `batch` active–passive.
 */
export function buildSampleApp(app: App, settings: SampleSettings = readSampleSettings(app)): CrossRegionInferenceApi[] {
  const [primary, ...secondaries] = settings.activePassiveRegions;
  const eu = new CrossRegionInferenceApi(app, 'BedrockEu', {
    account: settings.account,
    domain: settings.domain,
    routingRegion: 'us-east-1',
    endpoints: [{
      name: 'eu-chat',
      profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0')],
      routing: RoutingPattern.activePassive({ primary, secondaries }),
      residency: ResidencyConstraint.EU_ONLY,
    }],
  });
  const us = new CrossRegionInferenceApi(app, 'BedrockUs', {
    account: settings.account,
    domain: settings.domain,
    endpoints: [
      {
        name: 'chat',
        profiles: [CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')],
        routing: RoutingPattern.activeActiveLatency(settings.activeActiveRegions),
      },
      {
        name: 'batch',
        profiles: [CrossRegionInferenceProfile.fromId('us.amazon.nova-pro-v1:0')],
        routing: RoutingPattern.activePassive({ primary: settings.activeActiveRegions[0], secondaries: settings.activeActiveRegions.slice(1) }),
      },
    ],
  });
  return [eu, us];
}
