/**
 * A fresh CDK app, as `cdk init app --language typescript` creates it, that installs the packed
 * library and synthesizes the README's examples with `cdk synth --strict`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockedPackages, lockedPackagesOf, packageClosure, PackageManifest } from './package-closure';
import { exampleFileName, ReadmeExample } from './readme-examples';
import { run } from './run';

/** Where the app goes and what it installs. */
export interface ConsumerAppOptions {
  /** The repository, whose installed `node_modules` the app reuses. */
  readonly repo: string;
  /** An empty folder for the app; its name is the app's name. */
  readonly dir: string;
  /** The library's tarball (`npm pack`). */
  readonly tarball: string;
  /**
   * The aws-cdk-lib version to install from the registry.
   * @default - the repository's installed aws-cdk-lib (the floor), copied: no network
   */
  readonly cdkVersion?: string;
  readonly examples: ReadmeExample[];
}

/** Packages the app needs besides the library, copied from the repository with what they depend on. */
const TOOLS = ['constructs', 'aws-cdk', 'typescript', '@types/node'];

/**
 * No network from the CDK CLI, and no AWS credentials: no telemetry, no version check, no notices, no
 * EC2 instance-metadata lookup for a default account, and deprecated aws-cdk-lib APIs throw.
 */
export const SYNTH_ENV: Record<string, string> = {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: 'true',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  JSII_DEPRECATED: 'fail',
};

/** Creates the app, installs the library and synthesizes every example; throws on the first failure. */
export function synthesizeReadmeExamples(options: ConsumerAppOptions): void {
  const { repo, dir } = options;
  const repoModules = path.join(repo, 'node_modules');
  const installed = (name: string) => (readManifest(path.join(repoModules, name)) as { version: string }).version;
  run(path.join(repoModules, '.bin', 'cdk'), ['init', 'app', '--language', 'typescript', '--generate-only'], { cwd: dir, env: SYNTH_ENV });
  for (const generated of ['bin', 'lib', 'test', 'jest.config.js']) fs.rmSync(path.join(dir, generated), { recursive: true, force: true });

  const copied = packageClosure(repoModules, options.cdkVersion === undefined ? ['aws-cdk-lib', ...TOOLS] : TOOLS, readManifest);
  for (const name of copied) {
    fs.cpSync(path.join(repoModules, name), path.join(dir, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
  }
  const packageJson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  packageJson.dependencies = {
    'aws-cdk-lib': options.cdkVersion ?? installed('aws-cdk-lib'),
    'constructs': installed('constructs'),
    'cdk-bedrock-cross-region': `file:${options.tarball}`,
  };
  packageJson.devDependencies = Object.fromEntries(TOOLS.filter(t => t !== 'constructs').map(t => [t, installed(t)]));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, undefined, 2));
  const repoLock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf-8')) as { packages: LockedPackages };
  const lock = {
    name: packageJson.name,
    version: packageJson.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: packageJson.name, version: packageJson.version, dependencies: packageJson.dependencies, devDependencies: packageJson.devDependencies },
      ...lockedPackagesOf(repoLock.packages, copied),
    },
  };
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, undefined, 2));
  // The app declares aws-cdk-lib and constructs itself, as every CDK app does. Offline, npm cannot
  // resolve the library's peer dependencies on its own (it asks the registry about them even when the
  // lock file has them): --legacy-peer-deps skips that, and `npm ls --all` then fails on a peer
  // dependency the installed versions do not satisfy.
  const network = options.cdkVersion === undefined ? '--offline' : '--prefer-offline';
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--legacy-peer-deps', network], { cwd: dir });
  run('npm', ['ls', '--all', network], { cwd: dir });

  // The init template's compiler settings (strict), emitting JavaScript for `node` instead of running tsx.
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf-8'));
  Object.assign(tsconfig.compilerOptions, { noEmit: false, declaration: false, outDir: 'build', rootDir: '.', types: ['node'] });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, undefined, 2));
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const example of options.examples) fs.writeFileSync(path.join(dir, 'bin', exampleFileName(example)), example.code);
  run(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: dir });

  const cdk = path.join(dir, 'node_modules', '.bin', 'cdk');
  for (const example of options.examples) {
    const name = exampleFileName(example).replace(/\.ts$/, '');
    process.stdout.write(`README line ${example.line} (${example.section}):\n`);
    run(cdk, ['synth', '--strict', '--quiet', '--no-notices', '--app', `node build/bin/${name}.js`, '--output', `cdk.out/${name}`], { cwd: dir, env: SYNTH_ENV });
    const templates = fs.readdirSync(path.join(dir, 'cdk.out', name)).filter(f => f.endsWith('.template.json'));
    if (templates.length === 0) throw new Error(`README line ${example.line}: cdk synth wrote no template (does the example create a stack?)`);
    process.stdout.write(`  ${templates.length} template(s): ${templates.join(', ')}\n`);
  }
}

function readManifest(packageDir: string): PackageManifest | undefined {
  const file = path.join(packageDir, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined;
}
