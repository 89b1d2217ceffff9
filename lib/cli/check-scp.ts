#!/usr/bin/env node
import { checkCrossRegionCall, CheckRow, suggestedGenerateCommand } from '../guardrails/private/scp-checker';
import { readScpFile } from '../guardrails/private/scp-file';
import { IAM_SIMULATE_PACKAGE, ScpSimulator } from '../guardrails/private/scp-simulator';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { InferenceProfileCatalog } from '../profiles/inference-profile-catalog';
import { CliIo, EXIT_OK, EXIT_USAGE, messageOf, parseCommandLine, PROCESS_IO } from '../shared/command-line';

/** Exit status: something is denied (the fix is printed). */
const EXIT_DENIED = 1;

const USAGE = `Usage: check-scp --scp FILE [--scp FILE ...] --profile ID --source-region REGION [--catalog FILE]

Checks whether your organisation's service control policies let a call through a cross-region
inference profile, step by step as Amazon Bedrock authorises it: the profile in the source region,
the foundation model in every destination region (or, for global. profiles, in the source region and
region-less with aws:RequestedRegion = "unspecified"), for bedrock:InvokeModel and
bedrock:InvokeModelWithResponseStream.

  --scp FILE             an SCP (JSON) of the organisation; repeat it for each level, root first.
                         Every level also gets AWS's FullAWSAccess, so your deny statements decide.
  --profile ID           the system-defined inference profile, e.g. us.anthropic.claude-3-5-haiku-20241022-v1:0
  --source-region REGION the region your application calls Bedrock in
  --catalog FILE         an inference-profile catalog instead of the bundled one
  -h, --help             this help

Exit status: 0 all allowed, 1 something is denied (the fix is printed), 2 usage or input error.
Needs ${IAM_SIMULATE_PACKAGE} (AGPL-3.0, not bundled): npm install --save-dev ${IAM_SIMULATE_PACKAGE}`;

/** Runs `check-scp` with `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const values = parseCommandLine({ name: 'check-scp', usage: USAGE, io }, argv, {
    'scp': { type: 'string', multiple: true },
    'profile': { type: 'string' },
    'source-region': { type: 'string' },
    'catalog': { type: 'string' },
  }, ['scp', 'profile', 'source-region']);
  if (typeof values === 'number') {
    return values;
  }
  const sourceRegion = values['source-region']!;

  let rows: CheckRow[];
  let scps;
  try {
    scps = values.scp!.map(readScpFile);
    const catalog = values.catalog ? InferenceProfileCatalog.fromFile(values.catalog) : undefined;
    const profile = CrossRegionInferenceProfile.fromId(values.profile!, { catalog });
    profile.destinationsFrom(sourceRegion);
    rows = await checkCrossRegionCall(await ScpSimulator.create(scps), profile, sourceRegion);
  } catch (e) {
    io.err(`check-scp: ${messageOf(e)}`);
    return EXIT_USAGE;
  }

  io.out(formatTable(rows));
  const denied = rows.filter(r => !r.allowed);
  if (denied.length === 0) {
    io.out(`\nAll ${rows.length} checks allowed: ${values.profile} can be called from ${sourceRegion} under these SCPs.`);
    return EXIT_OK;
  }
  io.out(`\n${denied.length} of ${rows.length} checks DENIED. To fix:`);
  for (const suggestion of new Set(denied.map(r => r.suggestion!))) {
    io.out(`  - ${suggestion}`);
  }
  io.out(`  - Or generate a region deny that lets the profile through, and compare it with yours:\n      ${
    suggestedGenerateCommand(scps, values.profile!, sourceRegion)}`);
  return EXIT_DENIED;
}

function formatTable(rows: readonly CheckRow[]): string {
  const header = ['STEP', 'REGION', 'ACTION', 'RESULT', 'DENIED BY'];
  const cells = rows.map(r => [r.step, r.region, r.action, r.allowed ? 'allowed' : 'DENIED', r.denyingStatement ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  return [header, ...cells].map(c => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
