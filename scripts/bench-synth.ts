/**
 * Measures how long the sample app (a three-region active–passive deployment and a two-region
 * hybrid) takes to synthesize, the way `cdk synth` runs it: a fresh Node process per run.
 *
 *   npx projen bench:synth -- [--runs 5] [--with-domain]
 *
 * Prints every run and the median. Target: median <= 15 s.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './bench/stats';
import { parseCommandLine, PROCESS_IO } from '../lib/shared/command-line';

const TARGET_SECONDS = 15;

function main(): number {
  const values = parseCommandLine({ name: 'bench:synth', usage: 'Usage: npx projen bench:synth -- [--runs N] [--with-domain]', io: PROCESS_IO },
    process.argv.slice(2), { 'runs': { type: 'string', default: '5' }, 'with-domain': { type: 'boolean', default: false } });
  if (typeof values === 'number') {
    return values;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    process.stderr.write(`--runs must be a whole number from 1 to 50; got ${values.runs}\n`);
    return 2;
  }
  const root = path.join(__dirname, '..');
  const context: Record<string, string> = values['with-domain'] ? { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } : {};
  const seconds: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [
      require.resolve('ts-node/dist/bin'), '--transpile-only', '--prefer-ts-exts', '--project', 'tsconfig.dev.json', 'bin/app.ts',
    ], {
      cwd: root,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
      encoding: 'utf-8',
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
      process.stderr.write(result.stderr);
      return 1;
    }
    const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).length;
    fs.rmSync(outdir, { recursive: true, force: true });
    seconds.push(elapsed);
    process.stdout.write(`run ${run}: ${elapsed.toFixed(2)} s (${templates} templates)\n`);
  }
  const m = median(seconds);
  process.stdout.write(`median synth time: ${m.toFixed(2)} s over ${runs} runs; target <= ${TARGET_SECONDS} s; ratio ${(m / TARGET_SECONDS).toFixed(2)} of target\n`);
  return 0;
}

process.exitCode = main();
