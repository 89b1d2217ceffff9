#!/usr/bin/env node
import { crossRegionScpDocument, DEFAULT_EXEMPT_ACTIONS } from '../guardrails/private/scp-statements';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { InferenceProfileCatalog } from '../profiles/inference-profile-catalog';
import { CliIo, EXIT_OK, EXIT_USAGE, messageOf, parseCommandLine, PROCESS_IO } from '../shared/command-line';

const USAGE = `Usage: generate-scp --profile ID [--profile ID ...] --approved-region REGION [--approved-region REGION ...]
                    [--allow-only-listed-profiles] [--deny-global-profiles]
                    [--exempt-principal-arn ARN ...] [--exempt-action ACTION ...] [--catalog FILE]

Prints a service control policy (JSON) that denies every region outside the approved ones, except
requests Amazon Bedrock makes on behalf of an inference profile, so that cross-region inference can
reach the profiles' destination regions. The call on the profile itself must be made in an approved region.

  --profile ID                   an inference profile your organisation uses (repeatable)
  --approved-region REGION       a region your organisation approves (repeatable)
  --allow-only-listed-profiles   deny Bedrock inference through any other inference profile
  --deny-global-profiles         deny global. profiles (region-less requests) while allowing geographic ones
  --exempt-principal-arn ARN     a principal your region deny already exempts, e.g.
                                 arn:aws:iam::*:role/AWSControlTowerExecution (repeatable)
  --exempt-action ACTION         an action the region deny does not apply to (repeatable; replaces the
                                 default: ${DEFAULT_EXEMPT_ACTIONS.join(', ')})
  --catalog FILE                 an inference-profile catalog instead of the bundled one
  -h, --help                     this help

Check the result against your other SCPs with check-scp. Exit status: 0 printed, 2 usage or input error.`;

/** Runs `generate-scp` with `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const values = parseCommandLine({ name: 'generate-scp', usage: USAGE, io }, argv, {
    'profile': { type: 'string', multiple: true },
    'approved-region': { type: 'string', multiple: true },
    'allow-only-listed-profiles': { type: 'boolean' },
    'deny-global-profiles': { type: 'boolean' },
    'exempt-principal-arn': { type: 'string', multiple: true },
    'exempt-action': { type: 'string', multiple: true },
    'catalog': { type: 'string' },
  }, ['profile', 'approved-region']);
  if (typeof values === 'number') {
    return values;
  }
  try {
    const catalog = values.catalog ? InferenceProfileCatalog.fromFile(values.catalog) : undefined;
    const document = crossRegionScpDocument({
      approvedRegions: values['approved-region']!,
      profiles: values.profile!.map(id => CrossRegionInferenceProfile.fromId(id, { catalog })),
      allowOnlyListedProfiles: values['allow-only-listed-profiles'],
      denyGlobalProfiles: values['deny-global-profiles'],
      exemptPrincipalArns: values['exempt-principal-arn'],
      exemptActions: values['exempt-action'],
    });
    io.out(JSON.stringify(document, undefined, 2));
    return EXIT_OK;
  } catch (e) {
    io.err(`generate-scp: ${messageOf(e)}`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
