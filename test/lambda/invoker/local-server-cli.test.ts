/**
 * `npx projen serve` / `npm run serve`: the command line (flags, environment, errors) as a pure function,
 * and the real command end to end in a child process against the fake Bedrock on 127.0.0.1.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { closeClientAgent, converseBody, send } from './invoker-harness';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { LOCAL_DEFAULT_CONFIG, parseServerArgs } from '../../../lambda/invoker/host/local-server';
import { INVOKER_CONFIG_ENV, INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('parseServerArgs', () => {
  test('without flags or environment: port 8787 on the default loopback host, the local default configuration, real endpoints', () => {
    expect(parseServerArgs([], {})).toEqual({ port: 8787, host: undefined, endpoint: undefined, config: LOCAL_DEFAULT_CONFIG });
  });

  test.each([[['--help']], [['-h']], [['--', '--help']], [['--port', '0', '--help']]])('%j prints the help', (argv) => {
    expect(parseServerArgs(argv, {})).toBe('help');
  });

  test('flags (with projen\'s -- separator and --flag=value) set the port, host, endpoint and configuration fields', () => {
    const options = parseServerArgs([
      '--',
      '--port=0',
      '--host', '::1',
      '--endpoint', 'http://127.0.0.1:9000',
      '--geography', 'us',
      '--region-plan', 'us-east-2, us-west-2,',
      '--profiles', 'us.amazon.nova-pro-v1:0,us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      '--attempt-timeout-ms', '2500',
      '--breaker-failure-threshold=7',
    ], {});
    expect(options).toEqual({
      port: 0,
      host: '::1',
      endpoint: 'http://127.0.0.1:9000',
      config: {
        ...LOCAL_DEFAULT_CONFIG,
        geography: 'us',
        regionPlan: ['us-east-2', 'us-west-2'],
        profileIds: ['us.amazon.nova-pro-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
        attemptTimeoutMs: 2500,
        breakerFailureThreshold: 7,
      },
    });
  });

  test('the configuration and endpoint come from the environment; --config replaces INVOKER_CONFIG; flags override its fields', () => {
    const env = {
      [INVOKER_CONFIG_ENV]: JSON.stringify({ geography: 'jp', regionPlan: ['ap-northeast-1', 'ap-northeast-3'], deadlineMs: 9_000 }),
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:7000',
    };
    const fromEnv = parseServerArgs([], env);
    expect(fromEnv).toMatchObject({ endpoint: 'http://127.0.0.1:7000', config: { geography: 'jp', regionPlan: ['ap-northeast-1', 'ap-northeast-3'], deadlineMs: 9_000 } });

    const fromFlag = parseServerArgs(['--config', JSON.stringify({ geography: 'au', regionPlan: ['ap-southeast-2'] }), '--region-plan', 'ap-southeast-4'], env);
    expect(fromFlag).toMatchObject({ config: { geography: 'au', regionPlan: ['ap-southeast-4'], deadlineMs: LOCAL_DEFAULT_CONFIG.deadlineMs } });
  });

  test.each([
    [['--verbose', 'yes'], /unknown flag '--verbose'; see --help/],
    [['--port'], /unexpected argument '--port'; see --help/],
    [['8787'], /unexpected argument '8787'; see --help/],
    [['--port', '70000'], /--port must be an integer 0-65535, got '70000'/],
    [['--deadline-ms', 'soon'], /--deadline-ms must be a number, got 'soon'/],
    [['--backoff-max-ms', ''], /--backoff-max-ms must be a number, got ''/],
    [['--config', '{geography: eu}'], /--config is not valid JSON \(.+\); pass an InvokerRuntimeConfig object/],
    [['--config', '["eu"]'], /--config must be a JSON object \(an InvokerRuntimeConfig\), got an array/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseServerArgs(argv, {})).toThrow(message);
  });

  test('an unparsable INVOKER_CONFIG names the variable', () => {
    expect(() => parseServerArgs([], { [INVOKER_CONFIG_ENV]: 'not json' })).toThrow(/INVOKER_CONFIG is not valid JSON/);
  });
});

describe('the serve command', () => {
  let fake: FakeBedrock;
  const children: ChildProcess[] = [];

  /** Runs lambda/invoker/host/local-server.ts as `npx projen serve` does (ts-node), with an offline environment. */
  function serve(args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(ROOT, 'lambda', 'invoker', 'host', 'local-server.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'),
        AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_REGION: 'eu-central-1',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  beforeAll(async () => {
    fake = await startFakeBedrock();
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
    closeClientAgent();
    await fake.close();
  });

  test('serves the routes with the plan and the endpoint given as flags, and stops on SIGTERM', async () => {
    const run = serve(['--', '--port', '0', '--endpoint', fake.url, '--region-plan', 'eu-central-1,eu-west-1']);
    const until = Date.now() + 30_000;
    let url: string | undefined;
    while (url === undefined) {
      url = /invoker listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1];
      if (Date.now() > until || run.child.exitCode !== null) {
        throw new Error(`the serve command did not start:\n${run.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(run.output()).toContain(`(endpoint: ${fake.url})`);
    expect(run.output()).toContain('region plan eu-central-1 → eu-west-1');

    const health = await send(url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', region: 'eu-central-1', regionPlan: ['eu-central-1', 'eu-west-1'] });

    const answer = await send(url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(fake.regionsCalled()).toEqual(['eu-central-1']);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  test('--help prints the usage and exits 0; a bad flag exits 2 with the reason', async () => {
    const help = serve(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('Usage: npx projen serve -- [options]');
    expect(help.output()).toContain('--region-plan <r1,r2,...>');

    const bad = serve(['--port', 'eighty']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain("--port must be an integer 0-65535, got 'eighty'");
  });
});
