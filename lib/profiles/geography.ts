import { geographyPrefixOf } from '../shared/invoker-config';

/**
 * The geography of a system-defined cross-region inference profile: the prefix of its id.
 *
 * Bedrock routes a request sent through a geographic profile to any destination region of that
 * geography; a `global` profile may route to any commercial region.
 */
export enum Geography {
  /** `us.` profiles: United States (some also from Canadian source regions). */
  US = 'us',
  /** `us-gov.` profiles: AWS GovCloud (US). */
  US_GOV = 'us-gov',
  /** `eu.` profiles: European Union (some also from il-central-1). */
  EU = 'eu',
  /** `apac.` profiles: Asia Pacific. */
  APAC = 'apac',
  /** `jp.` profiles: Japan. */
  JP = 'jp',
  /** `au.` profiles: Australia (and New Zealand as a source). */
  AU = 'au',
  /** `ca.` profiles: Canada. */
  CA = 'ca',
  /** `global.` profiles: any commercial AWS region. */
  GLOBAL = 'global',
}

/**
 * The geography named by a profile id's prefix, or `undefined` when the id has no known prefix.
 *
 * @internal
 */
export function geographyOfProfileId(profileId: string): Geography | undefined {
  return geographyPrefixOf(profileId) as Geography | undefined;
}

/**
 * The AWS partition a region belongs to (for the literal ARNs the SCP generator and CLI print;
 * constructs use `Aws.PARTITION`).
 *
 * @internal
 */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) { return 'aws-us-gov'; }
  if (region.startsWith('cn-')) { return 'aws-cn'; }
  return 'aws';
}
