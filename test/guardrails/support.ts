import * as path from 'path';
import { CheckRow } from '../../lib/guardrails/private/scp-checker';
import { readScpFile, ScpFile } from '../../lib/guardrails/private/scp-file';
import { CrossRegionInferenceProfile } from '../../lib/profiles/cross-region-inference-profile';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** An AWS example SCP from `fixtures/` (sources in `fixtures/_source.md`). */
export function fixture(name: string): ScpFile {
  return { name, policy: readScpFile(path.join(FIXTURES, name)).policy };
}

/** A policy document as an SCP file. */
export function scpOf(name: string, policy: unknown): ScpFile {
  return { name, policy };
}

/** A geographic profile from us-east-1 to us-east-1, us-east-2 and us-west-2. */
export const US_HAIKU = CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-5-haiku-20241022-v1:0');
/** A global profile. */
export const GLOBAL_SONNET = CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
/** A geographic EU profile. */
export const EU_SONNET = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');

/** `step@region` of every denied row, each once. */
export function deniedSteps(rows: readonly CheckRow[]): string[] {
  return [...new Set(rows.filter(r => !r.allowed).map(r => `${r.step}@${r.region}`))].sort();
}
