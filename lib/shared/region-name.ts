/**
 * The shape of an AWS region name: `eu-west-1`, `us-gov-west-1`, `ap-southeast-7`, `eu-central-2`.
 * The one region-name check of the library, its commands and scripts (no CDK imports).
 */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether `value` has the shape of an AWS region name (for example `eu-west-1`). */
export function isRegionName(value: string): boolean {
  return REGION_NAME.test(value);
}
