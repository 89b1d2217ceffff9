import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as checkScp } from '../../lib/cli/check-scp';
import { main as generateScp } from '../../lib/cli/generate-scp';
import { SCP_SIDS } from '../../lib/guardrails/private/scp-statements';
import { CliIo } from '../../lib/shared/command-line';
import { FIXTURES } from '../guardrails/support';

const US_HAIKU = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const GLOBAL_SONNET = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: t => out.push(t), err: t => err.push(t), stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scp-cli-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

function tempFile(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('check-scp', () => {
  test('exits 0 and prints an all-allowed table when the SCP lets the call through', async () => {
    const io = capture();
    const code = await checkScp(['--scp', path.join(FIXTURES, 'region-deny-us-without-unspecified.json'),
      '--profile', US_HAIKU, '--source-region', 'us-east-1'], io);
    expect(code).toBe(0);
    const lines = io.stdout().split('\n');
    expect(lines[0]).toMatch(/^STEP\s+REGION\s+ACTION\s+RESULT\s+DENIED BY$/);
    expect(lines.filter(l => /^destination-model\s+us-west-2\s+bedrock:InvokeModelWithResponseStream\s+allowed$/.test(l))).toHaveLength(1);
    expect(io.stdout()).toMatch(/All 8 checks allowed/);
    expect(io.stderr()).toBe('');
  });

  test('exits 1 on a denial, naming the statement and printing the fix with the generate-scp command', async () => {
    const io = capture();
    const scp = path.join(FIXTURES, 'region-deny-us-east-1.json');
    const code = await checkScp(['--scp', scp, '--profile', US_HAIKU, '--source-region', 'us-east-1'], io);
    expect(code).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(new RegExp(`destination-model\\s+us-east-2\\s+bedrock:InvokeModel\\s+DENIED\\s+${scp.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: DenyAllOutsideApprovedRegions`));
    expect(out).toMatch(/^profile\s+us-east-1\s+bedrock:InvokeModel\s+allowed$/m);
    expect(out).toMatch(/4 of 8 checks DENIED/);
    expect(out).toMatch(/Null bedrock:InferenceProfileArn/);
    expect(out).toContain(`npx generate-scp --profile ${US_HAIKU} --approved-region us-east-1`);
  });

  test('checks every level of the organisation: the "deny global" SCP below an Option A root', async () => {
    const io = capture();
    const code = await checkScp(['--scp', path.join(FIXTURES, 'region-deny-us-with-unspecified.json'),
      '--scp', path.join(FIXTURES, 'deny-global-cris.json'), '--profile', GLOBAL_SONNET, '--source-region', 'us-east-1'], io);
    expect(code).toBe(1);
    expect(io.stdout()).toMatch(/global-model\s+unspecified\s+bedrock:InvokeModel\s+DENIED\s+.*deny-global-cris\.json: DenyGlobalCrossRegionInference/);
    expect(io.stdout()).toMatch(/use a geographic profile/);
  });

  test('--help explains the command and exits 0', async () => {
    const io = capture();
    expect(await checkScp(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^Usage: check-scp --scp FILE/);
    expect(io.stdout()).toMatch(/npm install --save-dev @cloud-copilot\/iam-simulate/);
  });

  test.each([
    [['--profile', US_HAIKU, '--source-region', 'us-east-1'], /missing --scp/],
    [['--scp', 'x.json'], /missing --profile, --source-region/],
    [['--scp', 'x.json', '--profile', US_HAIKU, '--source-region', 'us-east-1', '--colour'], /Unknown option '--colour'/],
    [['--scp', 'x.json', 'stray'], /positional/i],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const io = capture();
    expect(await checkScp(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr()).toMatch(/Usage: check-scp/);
  });

  test('exits 2 naming an unreadable file', async () => {
    const io = capture();
    const missing = path.join(tmp, 'no-such-scp.json');
    expect(await checkScp(['--scp', missing, '--profile', US_HAIKU, '--source-region', 'us-east-1'], io)).toBe(2);
    expect(io.stderr()).toContain(`Cannot read SCP file '${missing}'`);
    expect(io.stdout()).toBe('');
  });

  test('exits 2 naming the file and the position of invalid JSON', async () => {
    const io = capture();
    const bad = tempFile('bad.json', '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Deny", }\n  ]\n}\n');
    expect(await checkScp(['--scp', bad, '--profile', US_HAIKU, '--source-region', 'us-east-1'], io)).toBe(2);
    expect(io.stderr()).toContain(`SCP file '${bad}' is not valid JSON at line 4, column 25`);
  });

  test('exits 2 with the catalog\'s message for an unknown profile, and for a region that is not a source', async () => {
    const io = capture();
    const scp = path.join(FIXTURES, 'region-deny-us-east-1.json');
    expect(await checkScp(['--scp', scp, '--profile', 'us.acme.no-such-model-v1:0', '--source-region', 'us-east-1'], io)).toBe(2);
    expect(io.stderr()).toMatch(/Inference profile 'us\.acme\.no-such-model-v1:0' is not in the catalog/);
    const io2 = capture();
    expect(await checkScp(['--scp', scp, '--profile', US_HAIKU, '--source-region', 'eu-west-1'], io2)).toBe(2);
    expect(io2.stderr()).toMatch(/'eu-west-1' is not a source region of inference profile/);
  });
});

describe('generate-scp', () => {
  test('prints the SCP, which check-scp then finds allows the call', async () => {
    const gen = capture();
    expect(await generateScp(['--profile', US_HAIKU, '--profile', GLOBAL_SONNET, '--approved-region', 'us-east-1',
      '--allow-only-listed-profiles', '--exempt-principal-arn', 'arn:aws:iam::*:role/AWSControlTowerExecution'], gen)).toBe(0);
    const document = JSON.parse(gen.stdout());
    expect(document.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([SCP_SIDS.regionDeny, SCP_SIDS.unlistedProfiles]);
    const file = tempFile('generated.json', gen.stdout());
    for (const profile of [US_HAIKU, GLOBAL_SONNET]) {
      const check = capture();
      expect(await checkScp(['--scp', file, '--profile', profile, '--source-region', 'us-east-1'], check)).toBe(0);
      expect(check.stdout()).not.toMatch(/DENIED(?! BY)/);
    }
  });

  test('--deny-global-profiles adds the AWS deny-global statement', async () => {
    const io = capture();
    expect(await generateScp(['--profile', US_HAIKU, '--approved-region', 'us-east-1', '--deny-global-profiles'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).Statement[1]).toMatchObject({
      Sid: SCP_SIDS.globalProfiles,
      Condition: { ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/global.*' } },
    });
  });

  test('--exempt-action replaces the default exempt actions', async () => {
    const io = capture();
    expect(await generateScp(['--profile', US_HAIKU, '--approved-region', 'us-east-1', '--exempt-action', 'iam:*', '--exempt-action', 'sts:*'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).Statement[0].NotAction).toEqual(['iam:*', 'sts:*']);
  });

  test('exits 2 with the validation message when a profile cannot be called from an approved region', async () => {
    const io = capture();
    expect(await generateScp(['--profile', US_HAIKU, '--approved-region', 'eu-west-1'], io)).toBe(2);
    expect(io.stderr()).toMatch(/cannot be called from any approved region \(eu-west-1\).*us-east-1, us-east-2, us-west-2/);
    expect(io.stdout()).toBe('');
  });

  test('exits 2 on usage errors and 0 on --help', async () => {
    const io = capture();
    expect(await generateScp(['--profile', US_HAIKU], io)).toBe(2);
    expect(io.stderr()).toMatch(/missing --approved-region/);
    const help = capture();
    expect(await generateScp(['-h'], help)).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: generate-scp --profile ID/);
  });

  test('takes the leading -- separator that `npx projen <task> -- ...` passes through', async () => {
    const io = capture();
    expect(await generateScp(['--', '--profile', US_HAIKU, '--approved-region', 'us-east-1'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).Statement[0].Sid).toBe(SCP_SIDS.regionDeny);
  });
});
