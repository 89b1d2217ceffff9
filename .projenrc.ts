import { awscdk, javascript, JsonFile } from 'projen';
import { TypescriptConfig } from 'projen/lib/javascript';

/**
 * aws-cdk-lib floor: 2.258.0, the lowest release that gives cdk-nag 3 a working plugin:
 * - cdk-nag 3 runs as a CDK validation plugin and needs `appConstruct` on the validation context,
 *   which aws-cdk-lib added in 2.258.0 (cdk-nag declares ^2.257.0, but on 2.257.0 every pack fails with
 *   "NagPack requires a construct tree on the validation context");
 * - Route 53 failover records (`failover: Failover.PRIMARY`) need 2.233.0;
 * - API Gateway REST response streaming (`ResponseTransferMode.STREAM`) needs 2.230.0.
 */
const CDK_VERSION = '2.258.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-bedrock-cross-region',
  description: 'Production-grade Amazon Bedrock cross-region inference for the AWS CDK: inference-profile catalog, least-privilege IAM, a failover invoker, Route 53 routing, guardrails and operations.',
  author: 'cdk-bedrock-cross-region contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-bedrock-cross-region/cdk-bedrock-cross-region.git',
  keywords: ['cdk', 'aws-cdk', 'bedrock', 'cross-region-inference', 'failover', 'route53', 'generative-ai'],
  license: 'Apache-2.0',
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.16.0',

  // Compile in place: sources and jsii output both live in lib/ (the design card's layout).
  srcdir: 'lib',
  libdir: 'lib',
  testdir: 'test',

  // No hosted CI/release pipeline here: `.ci/run` is the CI entry point.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,

  publishToPypi: { distName: 'cdk-bedrock-cross-region', module: 'cdk_bedrock_cross_region' },
  publishToMaven: {
    javaPackage: 'io.github.cdkbedrockcrossregion',
    mavenGroupId: 'io.github.cdk-bedrock-cross-region',
    mavenArtifactId: 'cdk-bedrock-cross-region',
  },
  publishToNuget: { dotNetNamespace: 'CdkBedrockCrossRegion', packageId: 'CdkBedrockCrossRegion' },
  publishToGo: { moduleName: 'github.com/cdk-bedrock-cross-region/cdk-bedrock-cross-region-go' },

  bin: {
    // The one entry point (`npx cdk-bedrock-cross-region <command>`); the two SCP commands keep their own bins.
    'cdk-bedrock-cross-region': 'lib/cli/main.js',
    'check-scp': 'lib/cli/check-scp.js',
    'generate-scp': 'lib/cli/generate-scp.js',
  },

  devDeps: [
    'aws-cdk@^2.1148.1',
    'cdk-nag@^3.0.2',
    'esbuild@^0.28.0',
    '@types/aws-lambda@^8',
    '@aws-sdk/client-bedrock@^3',
    '@aws-sdk/client-bedrock-runtime@^3',
    '@smithy/node-http-handler@^4',
    '@smithy/eventstream-codec@^4',
    '@smithy/util-utf8@^4',
    '@smithy/core@^3',
    '@aws-crypto/crc32@^5',
    '@aws-lambda-powertools/logger@^2',
    '@aws-lambda-powertools/metrics@^2',
    '@aws-lambda-powertools/parameters@^2',
    '@aws-lambda-powertools/tracer@^2',
    '@aws-sdk/client-ssm@^3',
    '@cloud-copilot/iam-simulate',
    'fast-check@^4',
  ],

  jestOptions: {
    // jest 30 resolves modules with unrs-resolver, whose optional platform bindings are not all on the
    // registry this project installs from, and `npm ci` then rejects the lock file: stay on jest 29.
    jestVersion: '^29',
    // Snapshots must be able to fail: never rewrite them during a test run.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
      testTimeout: 60_000,
      // lib/ is compiled in place: resolve the .ts sources before any stale compiled .js next to them.
      moduleFileExtensions: ['ts', 'tsx', 'js', 'json', 'node'],
      // Test-only environment (the AWS SDK's Node.js version warning): see the file.
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
    },
  },
  eslintOptions: {
    dirs: ['lib', 'lambda', 'scripts', 'dev'],
    // The handler and scripts import build-time dependencies that esbuild bundles or that only developers run.
    devdirs: ['test', 'dev', 'bin', 'lambda', 'scripts', 'projenrc', '.projenrc.ts'],
  },
});

// projen's eslint setup adds eslint-import-resolver-typescript unpinned; 3.8 is the last release before
// it moved to unrs-resolver (see jestOptions for why that matters here).
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.8.0');
// ts-jest's peer dependency, which npm does not hoist on its own next to jest 29.
project.addDevDeps('jest-util@^29');

// Lint everything with the one project that covers the handler, scripts, sample app and tests too.
const eslintrc = project.tryFindObjectFile('.eslintrc.json');
eslintrc?.addOverride('parserOptions.projectService', false);
eslintrc?.addOverride('parserOptions.project', './tsconfig.dev.json');
eslintrc?.addOverride('settings.import/resolver.typescript.project', './tsconfig.dev.json');

// One type-checking config for everything outside the jsii library: the handler, scripts, sample app, tests.
new TypescriptConfig(project, {
  fileName: 'tsconfig.dev.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  include: ['lib/**/*.ts', 'lambda/**/*.ts', 'scripts/**/*.ts', 'dev/**/*.ts', 'bin/**/*.ts', 'test/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'],
  exclude: ['node_modules', 'cdk.out'],
  compilerOptions: { rootDir: '.', noEmit: true, types: ['jest', 'node'] },
});

// check-scp evaluates SCPs with @cloud-copilot/iam-simulate (AGPL-3.0). The library never imports it at run
// time: the CLI loads it on demand and says how to install it. It cannot be declared an (optional) peer
// dependency, because jsii requires every peer dependency to be a jsii module.

// The handler bundles and the bundled commands (assets/, assets/cli/) are build output, shipped in the npm package but never committed.
project.gitignore.removePatterns('/lib');
project.gitignore.exclude('/lib/**/*.js', '/lib/**/*.d.ts', '/lambda/**/*.js', '/lambda/**/*.d.ts',
  '/assets/', 'cdk.out/', '/bench-results/', '*.tsbuildinfo');
project.npmignore?.exclude('/lib/**/*.ts', '/lambda/', '/scripts/', '/bin/', 'cdk.json', '/.ci/', 'cdk.out/');
project.npmignore?.include('/lib/**/*.js', '/lib/**/*.d.ts', '/lib/**/*.json', '/assets/');

// The Lambda handler is bundled with esbuild into assets/ before anything needs it.
const bundle = project.addTask('bundle', {
  description: 'Bundle the Lambda handlers, and the commands the package runs from assets/cli/, with esbuild into assets/',
  exec: 'node scripts/bundle-handlers.mjs',
});
project.preCompileTask.spawn(bundle);
project.testTask.prependSpawn(bundle);

project.addTask('serve', {
  description: 'Serve the invoker routes on 127.0.0.1 for local development (see --help)',
  exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json lambda/invoker/host/local-server.ts',
  receiveArgs: true,
});
project.addTask('update-profiles', {
  description: 'Refresh lib/profiles/catalog.json from ListInferenceProfiles/GetInferenceProfile',
  exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/update-profiles.ts',
  receiveArgs: true,
});
project.addTask('bench', {
  description: 'Measure invoker overhead and behaviour during a simulated outage (loopback only)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/bench.ts', receiveArgs: true }],
});
project.addTask('drill', {
  description: 'Run a local failover drill against fake regions (no AWS account needed)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/drill.ts', receiveArgs: true }],
});
project.addTask('bench:synth', {
  description: 'Measure the synth time of the three-region sample app',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/bench-synth.ts', receiveArgs: true }],
});

project.addTask('consumer-test', {
  description: "Pack the library, install it into a fresh CDK app in a temporary folder and synthesize the README's examples (cdk synth --strict) on the floor and the latest aws-cdk-lib",
  exec: 'ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json scripts/consumer-test.ts',
  receiveArgs: true,
});

/**
 * The Node.js major of the Lambda runtime the handler is deployed on by default (`lambda.Runtime.NODEJS_24_X`
 * in lib/invoker/private/invoker-function.ts). The npm registry's `node` package ships the official binaries.
 */
const LAMBDA_NODE_MAJOR = 24;
project.addTask(`test:node${LAMBDA_NODE_MAJOR}`, {
  description: `Run the handler tests (test/lambda) on Node.js ${LAMBDA_NODE_MAJOR}, the Lambda runtime's major (node@${LAMBDA_NODE_MAJOR} from the npm registry, cached by npx)`,
  steps: [
    { spawn: 'bundle' },
    // `npx node@N <script>` runs the script on that Node.js; jest's workers and the processes the tests start
    // (process.execPath) run on it too.
    { exec: `npx --prefer-offline -y node@${LAMBDA_NODE_MAJOR} node_modules/jest/bin/jest.js --ci --coverage=false test/lambda`, receiveArgs: true },
  ],
});

/**
 * jsii-pacmak's Java, Python, .NET and Go targets download their build dependencies (Maven Central,
 * PyPI, NuGet, the Go module proxy) and need their toolchain, none of which a machine that reaches only
 * the npm registry has: on such a machine `npx projen build` failed at package:java. Each of these
 * targets now runs only when PACKAGE_LANGUAGES names it (`PACKAGE_LANGUAGES=java,python` or `all`), and
 * otherwise says why it was skipped; the js target (the npm package) always runs.
 */
const LANGUAGE_TARGETS: Record<string, { tool: string; needs: string }> = {
  java: { tool: 'mvn', needs: 'Maven (mvn) and Maven Central' },
  python: { tool: 'python3', needs: 'Python 3 with venv and PyPI' },
  dotnet: { tool: 'dotnet', needs: 'the .NET SDK (dotnet) and NuGet' },
  go: { tool: 'go', needs: 'Go (go) and the Go module proxy' },
};
for (const [language, { tool, needs }] of Object.entries(LANGUAGE_TARGETS)) {
  const task = project.tasks.tryFind(`package:${language}`);
  if (!task) throw new Error(`projen no longer defines package:${language}: revisit LANGUAGE_TARGETS`);
  // Conditions in node, as projen's own `package` task has them: the same on every shell.
  const isRequested = `(process.env.PACKAGE_LANGUAGES || '').split(',').some(function (l) { return ['all', '${language}'].includes(l.trim()); })`;
  task.reset();
  task.say(`package:${language} skipped: it needs ${needs}; set PACKAGE_LANGUAGES=${language} (or all) where they are available`,
    { condition: `node -e "process.exit(${isRequested} ? 1 : 0)"` });
  task.exec(`node -e "if (require('child_process').spawnSync('${tool}', ['--version'], { stdio: 'ignore' }).error) { console.error('package:${language} needs ${needs}: ${tool} is not on PATH'); process.exit(1); }"`,
    { condition: `node -e "process.exit(${isRequested} ? 0 : 1)"` });
  task.exec(`jsii-pacmak -v --target ${language}`, { condition: `node -e "process.exit(${isRequested} ? 0 : 1)"` });
}

new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json bin/app.ts',
    build: 'npx projen bundle',
    watch: { include: ['lib/**', 'lambda/**', 'bin/**'] },
    context: {
      '@aws-cdk/core:target-partitions': ['aws', 'aws-us-gov'],
    },
  },
});

project.synth();
