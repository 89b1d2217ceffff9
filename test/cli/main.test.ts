/**
 * The package's entry point, `cdk-bedrock-cross-region <command>`: the command list, dispatch, `--help`
 * and unknown options for every command, failures as one line, update-profiles' progress against a fake
 * Bedrock control plane on 127.0.0.1, the drill's command line; then the bundles the package ships
 * (assets/cli/, built here from the current sources) and the real process's exit status.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { installLoopbackGuard } from '../../dev/fake-bedrock/loopback-guard';
import { BundleLoader, CliCommand, loadBundledCommand, packageCommands } from '../../lib/cli/commands';
import { DEBUG_ENV, run } from '../../lib/cli/main';
import { CrossRegionInferenceProfile } from '../../lib/profiles/cross-region-inference-profile';
import { BUNDLED_CATALOG_PATH, parseCatalog } from '../../lib/profiles/private/catalog-document';
import { CliIo } from '../../lib/shared/command-line';
import { main as drill } from '../../scripts/drill';
import { main as updateProfiles } from '../../scripts/update-profiles';
import { synthesizeSample } from '../guardrails/synthesized-apps';
import { FakeBedrockControlPlane } from '../scripts/fake-bedrock-control-plane';

const ROOT = path.join(__dirname, '..', '..');
const HAIKU = 'us.anthropic.claude-3-haiku-20240307-v1:0';
const NOVA_LITE = 'us.amazon.nova-lite-v1:0';

const MAIN = path.join(ROOT, 'lib', 'cli', 'main.ts');

/** Runs the entry point in a process of its own, as `npx cdk-bedrock-cross-region` does (ts-node for lib/, the real bundles). */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args], {
      cwd: ROOT, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), ...env },
    }, (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

/** The bundled commands from their TypeScript sources (jest runs .ts; the bundles are tested at the end). */
const fromSources: BundleLoader = name => ({ 'drill': drill, 'update-profiles': updateProfiles } as Record<string, ReturnType<BundleLoader>>)[name];
const COMMANDS = packageCommands(fromSources);

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: t => out.push(t), err: t => err.push(t), stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

async function cli(argv: string[], commands: readonly CliCommand[] = COMMANDS, env: NodeJS.ProcessEnv = {}) {
  const io = capture();
  const code = await run(argv, io, commands, env);
  return { code, out: io.stdout(), err: io.stderr() };
}

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-main-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('the command list', () => {
  test.each([[['--help']], [['-h']], [['help']], [['--debug', 'help']]])('%j lists every command on one line each and exits 0', async (argv) => {
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Usage: npx cdk-bedrock-cross-region <command> \[options\]\n/);
    for (const name of ['update-profiles', 'drill', 'check-scp', 'generate-scp', 'help \\[command\\]']) {
      expect(r.out).toMatch(new RegExp(`^ {2}${name} +[a-z].{10,}$`, 'm'));
    }
    expect(r.out).toMatch(/--debug +on a failure, print the stack trace too \(or set CDK_BEDROCK_CROSS_REGION_DEBUG=1\)/);
  });

  test.each([
    [[], /^cdk-bedrock-cross-region: missing command\n/],
    [['update-profile'], /^cdk-bedrock-cross-region: unknown command 'update-profile'\n/],
    [['--verbose', 'drill'], /^cdk-bedrock-cross-region: unknown option '--verbose'\n/],
    [['help', 'frobnicate'], /^cdk-bedrock-cross-region: unknown command 'frobnicate'\n/],
    [['help', 'drill', 'check-scp'], /^cdk-bedrock-cross-region: help takes one command, got 'drill check-scp'\n/],
  ])('%j says what is wrong, prints the command list and exits 2', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\nUsage: npx cdk-bedrock-cross-region <command> \[options\]\n/);
    expect(r.out).toBe('');
  });
});

describe.each([
  ['update-profiles', /^Usage: npx cdk-bedrock-cross-region update-profiles --region <source-region>/],
  ['drill', /^Usage: npx cdk-bedrock-cross-region drill --from <cdk.out> \[twin options\]\n\s+npx cdk-bedrock-cross-region drill \[in-request options\]/],
  ['check-scp', /^Usage: check-scp --scp FILE/],
  ['generate-scp', /^Usage: generate-scp --approved-region REGION/],
])('%s', (name, usage) => {
  test('--help and `help <command>` print its usage and exit 0', async () => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(usage);
    expect(r.err).toBe('');
    expect(await cli(['help', name])).toEqual(r);
  });

  test('an unknown option prints what is wrong and its usage, and exits 2', async () => {
    const r = await cli([name, '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${name}: .*Unknown option '--frobnicate'`));
    expect(r.err.split('\n\n')[1]).toMatch(usage);
    expect(r.out).toBe('');
  });
});

describe('a command that fails', () => {
  const exploding: CliCommand = { name: 'explode', summary: 'fails', run: async () => { throw new Error('the disk is full'); } };

  test('exits 1 with one line naming the command and the reason, no stack trace', async () => {
    const r = await cli(['explode', '--any'], [exploding]);
    expect(r).toEqual({ code: 1, out: '', err: 'cdk-bedrock-cross-region explode: the disk is full' });
  });

  test.each([
    ['--debug at the end', ['explode', '--debug'], {}],
    ['--debug first', ['--debug', 'explode'], {}],
    [`${DEBUG_ENV}=1`, ['explode'], { [DEBUG_ENV]: '1' }],
  ])('with %s, the stack trace follows the line', async (_how, argv, env) => {
    const r = await cli(argv, [exploding], env);
    expect(r.code).toBe(1);
    const [line, ...stack] = r.err.split('\n');
    expect(line).toBe('cdk-bedrock-cross-region explode: the disk is full');
    expect(stack[0]).toBe('Error: the disk is full');
    expect(stack[1]).toMatch(/^ {4}at /);
  });

  test('a bundle the package lacks is one line that says what to do', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'no-assets-'));
    const r = await cli(['drill', '--help'], packageCommands(name => loadBundledCommand(name, empty)));
    expect(r).toEqual({
      code: 1,
      out: '',
      err: `cdk-bedrock-cross-region drill: the package has no ${path.join(empty, 'drill.js')}: reinstall cdk-bedrock-cross-region `
        + '(in its repository, run npx projen bundle)',
    });
  });
});

describe('drill', () => {
  test.each([
    [['--outage', '5'], /^drill: .*Unknown option '--outage'/],
    [['--rps', '1000'], /^drill: --rps must be between 0 and 600\n/],
    [['--fault', 'slow'], /^drill: --fault must be throttle, unavailable or hang, got 'slow'\n/],
    [['stray'], /^drill: .*Unexpected argument 'stray'/],
  ])('%j is refused with the usage, exit 2, before anything starts', async (argv, message) => {
    const r = await cli(['drill', ...argv]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\n\nUsage: npx cdk-bedrock-cross-region drill --from <cdk.out> \[twin options\]\n/);
    expect(r.out).toBe('');
  });
});

describe('update-profiles against a fake Bedrock control plane', () => {
  const ENV = {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_CONFIG_FILE: path.join(os.tmpdir(), 'cli-main-test-no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'cli-main-test-no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const CLEARED = ['AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
  let fake: FakeBedrockControlPlane;
  let removeGuard: () => void;
  let savedEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    removeGuard = installLoopbackGuard();
    fake = await FakeBedrockControlPlane.start({
      'us-east-2': { profiles: [{ id: HAIKU, modelRegions: ['us-east-1', 'us-east-2'] }, { id: NOVA_LITE, modelRegions: ['us-east-2', 'us-west-2'] }] },
      'us-west-2': { profiles: [{ id: HAIKU, modelRegions: ['us-west-2'] }] },
      'eu-west-1': { error: { status: 403, type: 'AccessDeniedException', message: 'User is not authorized to perform: bedrock:ListInferenceProfiles' } },
    });
    savedEnv = { ...process.env };
    CLEARED.forEach(key => delete process.env[key]);
    Object.assign(process.env, ENV, { AWS_ENDPOINT_URL_BEDROCK: fake.endpoint });
  });

  afterAll(async () => {
    process.env = savedEnv;
    await fake.close();
    removeGuard();
  });

  test('prints a line per region as it answers, then the summary, and writes the catalog', async () => {
    const file = path.join(tmp, 'mine.json');
    const r = await cli(['update-profiles', '--region', 'us-east-2,us-west-2', '--out', file]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('update-profiles: querying 2 source region(s) (us-east-2, us-west-2), 4 GetInferenceProfile call(s) at a time');
    // In the order the regions answered: [1/2] first, whichever it was.
    expect(lines.slice(1, 3).map(l => l.slice(0, 6))).toEqual(['[1/2] ', '[2/2] ']);
    expect(lines.slice(1, 3).map(l => l.slice(6)).sort()).toEqual([
      'us-east-2: 2 profiles (2 added, 0 removed, 0 changed)',
      'us-west-2: 1 profiles (1 added, 0 removed, 0 changed)',
    ]);
    expect(r.out).toMatch(/^us-east-2: 2 profiles \(2 added, 0 removed, 0 changed\)$/m);
    expect(lines[lines.length - 1]).toMatch(/^Wrote .*mine\.json: 2 profiles, \d+ commercial regions \(merged with the existing catalog\)\.$/);
    expect(parseCatalog(fs.readFileSync(file, 'utf-8'), file).profiles.map(p => p.id)).toEqual([HAIKU, NOVA_LITE].sort());
  });

  test('a failing region is a line as it fails and exit 1; the healthy region is still reported; nothing is written', async () => {
    const file = path.join(tmp, 'not-written.json');
    const r = await cli(['update-profiles', '--region', 'us-east-2', '--region', 'eu-west-1', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\[\d\/2\] us-east-2: 2 profiles \(2 added, 0 removed, 0 changed\)$/m);
    expect(r.err.split('\n')).toEqual([
      expect.stringMatching(/^\[\d\/2\] eu-west-1: FAILED AccessDeniedException \(HTTP 403\): User is not authorized to perform: bedrock:ListInferenceProfiles$/),
      expect.stringMatching(/^update-profiles: 1 of 2 region\(s\) failed \(eu-west-1\); .*not-written\.json was not changed\.$/),
    ]);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('--out is required from the package, with what to do', async () => {
    const r = await cli(['update-profiles', '--region', 'us-east-2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^update-profiles: missing --out: .* load it with InferenceProfileCatalog\.fromFile\(\)\./);
  });
});

describe('what the library tells its users to run', () => {
  test('no message, runbook text or catalog in lib/ names a projen task, which only this repository has', () => {
    const files = (fs.readdirSync(path.join(ROOT, 'lib'), { recursive: true }) as string[])
      .filter(file => /\.(ts|json)$/.test(file) && !file.endsWith('.d.ts'));
    const offenders = files.filter(file => /projen (update-profiles|drill)/.test(fs.readFileSync(path.join(ROOT, 'lib', file), 'utf-8')));
    expect(offenders).toEqual([]);
  });

  test('an unknown profile or source region says how to refresh the catalog with the package\'s command', () => {
    expect(() => CrossRegionInferenceProfile.fromId('us.acme.no-such-model-v1:0')).toThrow(
      /refresh the catalog with `npx cdk-bedrock-cross-region update-profiles --region <source-region> --out my-catalog\.json` and pass `\{ catalog: InferenceProfileCatalog\.fromFile\('my-catalog\.json'\) \}`/);
    expect(() => CrossRegionInferenceProfile.fromId(HAIKU).destinationsFrom('eu-west-1')).toThrow(
      /refresh the catalog \(`npx cdk-bedrock-cross-region update-profiles --region <source-region> --out my-catalog\.json`, then fromId/);
  });
});

describe('the bundles the package ships (assets/cli/)', () => {
  beforeAll(() => {
    // Build them from the current sources, as `npx projen bundle` does (idempotent: rewrites nothing up to date).
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-handlers.mjs')], { cwd: ROOT, stdio: 'pipe' });
  });

  test.each(['drill', 'update-profiles'])('assets/cli/%s.js is self-contained and stays small', (name) => {
    const text = fs.readFileSync(path.join(ROOT, 'assets', 'cli', `${name}.js`), 'utf-8');
    expect(text.length).toBeLessThan(1024 * 1024);
    // Only Node.js built-ins stay outside, and the SDK's optional CRT signer, which it loads only if installed.
    const outside = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]))].filter(m => !isBuiltin(m));
    expect(outside.filter(m => m !== '@aws-sdk/signature-v4-crt')).toEqual([]);
  });

  test('the default commands load them: their usage names the package command', async () => {
    const drillHelp = await cli(['drill', '--help'], packageCommands());
    expect(drillHelp.code).toBe(0);
    expect(drillHelp.out).toMatch(/^Usage: npx cdk-bedrock-cross-region drill --from <cdk.out> \[twin options\]\n\s+npx cdk-bedrock-cross-region drill \[in-request options\]/);
    const updateHelp = await cli(['update-profiles', '--help'], packageCommands());
    expect(updateHelp.code).toBe(0);
    expect(updateHelp.out).toMatch(/^Usage: npx cdk-bedrock-cross-region update-profiles /);
    expect((await cli(['drill', '--frobnicate'], packageCommands())).code).toBe(2);
  });

  test('the package\'s process runs the bundled drill: a second healthy, a second of primary throttling, no client-visible error', async () => {
    const r = await startCli(['drill', '--healthy-seconds', '1', '--outage-seconds', '1', '--recovery-seconds', '0', '--rps', '4']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('drill: 1s healthy, 1s primary throttle, 0s recovery; 4 requests/s; plan eu-west-1 → eu-central-1 → eu-west-3');
    expect(lines[2]).toMatch(/^ {2}0 {2}healthy +eu-west-1\(4\) +200x4 /);
    expect(lines[3]).toMatch(/^ {2}1 {2}OUTAGE +.*eu-central-1\(\d\).* 200x4 /);
    expect(lines[4]).toMatch(/^drill done: 0 client-visible errors; primary breaker now /);
  });

  test('the package\'s process runs the bundled twin on a synthesized app (--from), and refuses a folder that is not one', async () => {
    const out = path.join(tmp, 'twin-cdk.out');
    synthesizeSample(out, { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' });
    const scenario = path.join(tmp, 'short.json');
    fs.writeFileSync(scenario, JSON.stringify({
      name: 'short', durationSeconds: 120, faults: [{ region: 'primary', kind: 'bedrock-down', fromSeconds: 30, toSeconds: 90 }],
    }));
    const r = await startCli(['drill', '--from', out, '--scenario', scenario, '--speed', '40', '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    // A minute of outage is shorter than the canary's detection: DNS stays, the invoker serves from eu-central-1.
    expect(summary).toMatchObject({ scenario: 'short', endpoint: 'BedrockEu-eu-chat', dns: true, clientErrors: 0, dnsChanges: 0 });
    expect(summary.servedBy['eu-central-1']).toBeGreaterThan(0);
    expect(fs.readFileSync(summary.svg, 'utf-8')).toMatch(/^<\?xml [^\n]*\n<svg /);
    const refused = await startCli(['drill', '--from', tmp]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^drill: Not a synthesized CDK app/);
  }, 60_000);

  test('the package\'s process runs the bundled update-profiles: progress, and a new catalog seeded from the package\'s', async () => {
    const fake = await FakeBedrockControlPlane.start({ 'us-east-2': { profiles: [{ id: HAIKU, modelRegions: ['us-east-2'] }] } });
    try {
      const file = path.join(tmp, 'from-bundle.json');
      const r = await startCli(['update-profiles', '--region', 'us-east-2', '--out', file], {
        AWS_ENDPOINT_URL_BEDROCK: fake.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: path.join(os.tmpdir(), 'cli-main-test-no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'cli-main-test-no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^\[1\/1\] us-east-2: 1 profiles \(1 added, 0 removed, 0 changed\)$/m);
      const written = parseCatalog(fs.readFileSync(file, 'utf-8'), file);
      const shipped = parseCatalog(fs.readFileSync(BUNDLED_CATALOG_PATH, 'utf-8'), BUNDLED_CATALOG_PATH);
      expect(written.commercialRegions).toEqual(shipped.commercialRegions);
      expect(written.profiles).toEqual([{ id: HAIKU, geography: 'us', modelId: HAIKU.slice(3), destinations: { 'us-east-2': ['us-east-2'] } }]);
      expect(fake.calls.map(c => c.region)).toEqual(['us-east-2', 'us-east-2']);
    } finally {
      await fake.close();
    }
  });

  test('the process exits 2 for an unknown command', async () => {
    const r = await startCli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cdk-bedrock-cross-region: unknown command 'frobnicate'\n/);
  });

  test('drill and update-profiles start without loading aws-cdk-lib; an SCP command loads it when it runs', async () => {
    const script = `
      const { run } = require(${JSON.stringify(MAIN)});
      const cdk = ${JSON.stringify(`${path.sep}node_modules${path.sep}aws-cdk-lib${path.sep}`)};
      const loaded = () => Object.keys(require.cache).some(file => file.includes(cdk));
      (async () => {
        const seen = [];
        for (const name of ['drill', 'update-profiles', 'generate-scp']) {
          const code = await run([name, '--help'], { out() {}, err() {} });
          seen.push([name, code, loaded()]);
        }
        process.stdout.write(JSON.stringify(seen));
      })();`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        cwd: ROOT, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
      }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    expect(JSON.parse(stdout)).toEqual([['drill', 0, false], ['update-profiles', 0, false], ['generate-scp', 0, true]]);
  });
});
