/**
 * The consumer test: packs the library from a copy of the working tree, installs the tarball into a
 * fresh CDK app in a temporary folder and synthesizes the README's examples verbatim with
 * `cdk synth --strict` and `JSII_DEPRECATED=fail`, on the floor aws-cdk-lib (the repository's installed
 * one, copied: no network) and on the latest one (installed from the registry).
 *
 *   npx projen consumer-test [-- --cdk floor|latest|<version> ... --keep]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeReadmeExamples } from './consumer-test/consumer-app';
import { packLibrary } from './consumer-test/pack-library';
import { readmeExamples } from './consumer-test/readme-examples';
import { run } from './consumer-test/run';
import { EXIT_OK, messageOf, parseCommandLine, PROCESS_IO } from '../lib/shared/command-line';

const USAGE = `Usage: npx projen consumer-test [-- options]

Packs the library, installs it into a fresh CDK app in a temporary folder and synthesizes the README's
TypeScript examples with cdk synth --strict and JSII_DEPRECATED=fail.

Options:
  --cdk <floor|latest|version>  aws-cdk-lib to test against; repeat for several (default: floor and latest)
  --keep                        keep the temporary folder and print its path
  -h, --help                    show this help`;

const OPTIONS = {
  cdk: { type: 'string', multiple: true },
  keep: { type: 'boolean' },
} as const;

function main(argv: string[]): number {
  const values = parseCommandLine({ name: 'consumer-test', usage: USAGE, io: PROCESS_IO }, argv, OPTIONS);
  if (typeof values === 'number') {
    return values;
  }
  const repo = path.join(__dirname, '..');
  const { apps, fragments } = readmeExamples(fs.readFileSync(path.join(repo, 'README.md'), 'utf-8'));
  if (apps.length === 0) throw new Error('README.md has no TypeScript example to synthesize');
  process.stdout.write(`README: ${apps.length} app example(s) at line(s) ${apps.map(a => a.line).join(', ')}; `
    + `${fragments.length} fragment(s) skipped at line(s) ${fragments.map(f => f.line).join(', ') || '-'}\n`);

  const versions = (values.cdk ?? ['floor', 'latest']).map(v => (v === 'latest' ? latestCdkVersion(repo) : v));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-bedrock-cross-region-consumer-'));
  const started = Date.now();
  try {
    process.stdout.write('Packing the library from a copy of the working tree\n');
    fs.mkdirSync(path.join(tmp, 'library'));
    const tarball = packLibrary(repo, path.join(tmp, 'library'), tmp);
    process.stdout.write(`  ${path.basename(tarball)} (${Math.round(fs.statSync(tarball).size / 1024)} KiB)\n`);
    for (const version of versions) {
      const label = version === 'floor' ? `aws-cdk-lib ${installedCdkVersion(repo)} (floor, offline)` : `aws-cdk-lib ${version} (registry)`;
      process.stdout.write(`Consumer app on ${label}\n`);
      const dir = path.join(tmp, `consumer-app-${version.replace(/\W/g, '-')}`);
      fs.mkdirSync(dir);
      synthesizeReadmeExamples({ repo, dir, tarball, examples: apps, cdkVersion: version === 'floor' ? undefined : version });
    }
    process.stdout.write(`consumer test passed: ${apps.length} example(s) on ${versions.length} aws-cdk-lib version(s) in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return EXIT_OK;
  } finally {
    if (values.keep) {
      process.stdout.write(`kept ${tmp}\n`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

function installedCdkVersion(repo: string): string {
  return JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version;
}

function latestCdkVersion(repo: string): string {
  return run('npm', ['view', 'aws-cdk-lib', 'version'], { cwd: repo }).trim();
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`consumer test failed: ${messageOf(e)}\n`);
  process.exitCode = 1;
}
