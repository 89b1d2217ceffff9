import { Duration, Stack, Token } from 'aws-cdk-lib';
import { OutageDrillConfig } from '../../shared/invoker-config';
import { OutageDrillOptions } from '../outage-drill-options';

/** The longest drill, in minutes: with the FIS action's margin it stays inside FIS's 12-hour `maxDuration`. */
const MAX_DRILL_MINUTES = 600;

/** The longest the handlers may trust a read of the switch, in seconds. */
const MAX_DRILL_CACHE_SECONDS = 300;

/**
 * Time the FIS action allows beyond the drill itself (`maxDuration`): the automation's steps before and
 * after its wait take seconds each.
 */
export const DRILL_ACTION_MARGIN_MINUTES = 5;

/** A region's outage-drill switch, as the handlers there are given it: its configuration and the ARN their roles may read. */
export interface DrillSwitchReference {
  readonly config: OutageDrillConfig;
  readonly parameterArn: string;
}

/** The switch of `stack`'s region, from the drill options (see {@link outageDrillConfigOf}). */
export function drillSwitchOf(options: OutageDrillOptions, prefix: string, stack: Stack): DrillSwitchReference {
  const config = outageDrillConfigOf(options, prefix, stack.region);
  return { config, parameterArn: parameterArnOf(stack, config.parameterName) };
}

/** The name of a region's outage-drill switch: one per regional stack of a deployment. */
function outageDrillParameterName(prefix: string, region: string): string {
  return `/cdk-bedrock-cross-region/${prefix}/${region}/outage-drill`;
}

/** The partition-safe ARN of an SSM parameter named by path (`/a/b` → `arn:…:parameter/a/b`) in `stack`'s region. */
export function parameterArnOf(stack: Stack, parameterName: string): string {
  return stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') });
}

/**
 * The switch configuration the handlers of `region` get, from the drill options with their defaults.
 *
 * @throws when the duration or the cache time is not a whole number in its range, saying what to use
 */
function outageDrillConfigOf(options: OutageDrillOptions, prefix: string, region: string): OutageDrillConfig {
  const duration = options.duration ?? Duration.minutes(30);
  const cache = options.parameterCacheTime ?? Duration.seconds(10);
  const minutes = wholeNumber('duration', duration.toMinutes({ integral: false }), 'minutes', MAX_DRILL_MINUTES);
  const seconds = wholeNumber('parameterCacheTime', cache.toSeconds({ integral: false }), 'seconds', MAX_DRILL_CACHE_SECONDS);
  return { parameterName: outageDrillParameterName(prefix, region), cacheSeconds: seconds, maxDurationMinutes: minutes };
}

function wholeNumber(option: string, value: number, unit: string, max: number): number {
  if (Token.isUnresolved(value)) {
    throw new Error(`operations.outageDrill.${option} must be a plain duration, not a token: the drill's document and the handlers' `
      + 'configuration are written at synth.');
  }
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`operations.outageDrill.${option} must be a whole number of ${unit} from 1 to ${max}; got ${value} ${unit}.`);
  }
  return value;
}
