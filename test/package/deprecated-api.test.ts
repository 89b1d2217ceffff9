/**
 * No deprecated aws-cdk-lib API: the sample app and the README's complete-app examples synthesize with
 * `JSII_DEPRECATED=fail`, under which aws-cdk-lib throws a `DeprecationError` at the first call of a
 * deprecated API instead of printing a warning. aws-cdk-lib reads the variable at each call, and jest
 * loads aws-cdk-lib afresh for each test file, so setting it here before anything is built suffices.
 * This checks the installed aws-cdk-lib (the floor); `npx projen consumer-test` checks the latest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ts from 'typescript';
import { buildSampleApp, PLACEHOLDER_ACCOUNT } from '../../bin/sample-app';
import * as library from '../../lib';
import { createStackTopology } from '../../lib/routing/private/stack-topology';
import { readmeExamples } from '../../scripts/consumer-test/readme-examples';

const ROOT = path.join(__dirname, '..', '..');
const previous = process.env.JSII_DEPRECATED;
beforeAll(() => { process.env.JSII_DEPRECATED = 'fail'; });
afterAll(() => {
  if (previous === undefined) delete process.env.JSII_DEPRECATED;
  else process.env.JSII_DEPRECATED = previous;
});

/**
 * Runs a README example as the consumer's program would run, with `cdk-bedrock-cross-region` resolved
 * to this checkout's sources, and returns the apps it created (README examples do not call `synth()`:
 * the CDK CLI does, through `App`'s auto-synth).
 */
function runExample(code: string): App[] {
  const apps: App[] = [];
  class RecordingApp extends App {
    constructor(props?: cdk.AppProps) {
      super(props);
      apps.push(this);
    }
  }
  const cdkWithRecordingApp = new Proxy(cdk, { get: (target, key) => (key === 'App' ? RecordingApp : Reflect.get(target, key)) });
  const requireForExample = (specifier: string): unknown => {
    if (specifier === 'cdk-bedrock-cross-region') return library;
    if (specifier === 'aws-cdk-lib') return cdkWithRecordingApp;
    // The example's other imports (aws-cdk-lib submodules, constructs), resolved as its own require would.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(specifier);
  };
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const js = ts.transpileModule(code, { compilerOptions }).outputText;
  const module = { exports: {} };
  new Function('require', 'module', 'exports', js)(requireForExample, module, module.exports);
  return apps;
}

test('the guard works: a deprecated aws-cdk-lib API throws under JSII_DEPRECATED=fail', () => {
  const stack = new Stack();
  const a = new CfnResource(stack, 'A', { type: 'AWS::SNS::Topic' });
  const b = new CfnResource(stack, 'B', { type: 'AWS::SNS::Topic' });
  expect(() => a.addDependsOn(b)).toThrow(/aws-cdk-lib.CfnResource#addDependsOn is deprecated/);
});

test.each([
  ['without a hosted zone', undefined],
  ['with a hosted zone', { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
])('the sample app synthesizes with JSII_DEPRECATED=fail (%s)', (_, domain) => {
  const app = new App();
  buildSampleApp(app, {
    account: PLACEHOLDER_ACCOUNT,
    domain,
    activePassiveRegions: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
    activeActiveRegions: ['us-east-1', 'us-west-2'],
  });
  expect(app.synth().stacks.length).toBe(7);
});

describe("the README's complete-app examples synthesize with JSII_DEPRECATED=fail", () => {
  const { apps } = readmeExamples(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8'));

  test('the README has at least one', () => {
    expect(apps.length).toBeGreaterThan(0);
  });

  test.each(apps.map(example => [`line ${example.line} (${example.section})`, example] as const))('%s', (_, example) => {
    const created = runExample(example.code);
    expect(created.length).toBeGreaterThan(0);
    for (const app of created) expect(app.synth().stacks.length).toBeGreaterThan(0);
  });
});

describe('stack dependencies', () => {
  const proto = Stack.prototype as Stack & { addStackDependency?: (target: Stack, reason?: string) => void };
  const original = proto.addStackDependency;
  afterEach(() => {
    if (original === undefined) delete proto.addStackDependency;
    else proto.addStackDependency = original;
    jest.restoreAllMocks();
    process.env.JSII_DEPRECATED = 'fail';
  });

  test('use Stack#addStackDependency where aws-cdk-lib has it (it deprecates Stack#addDependency)', () => {
    const added: Array<[string, string, string | undefined]> = [];
    proto.addStackDependency = function (this: Stack, target: Stack, reason?: string) {
      added.push([this.stackName, target.stackName, reason]);
    };
    const addDependency = jest.spyOn(Stack.prototype, 'addDependency');
    createStackTopology(new App(), { prefix: 'P', regions: ['eu-west-1', 'eu-central-1'], routingRegion: 'us-east-1' });
    expect(addDependency).not.toHaveBeenCalled();
    expect(added).toEqual([
      ['P-routing', 'P-eu-west-1', 'health checks follow the regional alarms and hostnames'],
      ['P-routing', 'P-eu-central-1', 'health checks follow the regional alarms and hostnames'],
    ]);
  });

  test('fall back to Stack#addDependency on releases without it, such as the floor', () => {
    delete proto.addStackDependency;
    process.env.JSII_DEPRECATED = 'quiet'; // not deprecated where addStackDependency is missing
    const { routingStack } = createStackTopology(new App(), { prefix: 'P', regions: ['eu-west-1', 'eu-central-1'], routingRegion: 'us-east-1' });
    expect(routingStack.dependencies.map(s => s.stackName)).toEqual(['P-eu-west-1', 'P-eu-central-1']);
  });
});
