import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as checkScp } from '../../lib/cli/check-scp';
import { main as generateScp } from '../../lib/cli/generate-scp';
import { SCP_SIDS } from '../../lib/guardrails/private/scp-statements';
import { CliIo } from '../../lib/shared/command-line';
import { FIXTURES } from '../guardrails/support';
import { EU_REGIONS, synthesizeEuDeployment, synthesizeSample } from '../guardrails/synthesized-apps';

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
    expect(document.Statement.map((s: { Sid: string }) => s.Sid))
      .toEqual([SCP_SIDS.regionDeny, SCP_SIDS.unlistedProfiles, SCP_SIDS.bedrockApiKeys, SCP_SIDS.bedrockApiKeyCreation]);
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
    expect(help.stdout()).toMatch(/^Usage: generate-scp --approved-region REGION/);
  });

  test('takes the leading -- separator that `npx projen <task> -- ...` passes through', async () => {
    const io = capture();
    expect(await generateScp(['--', '--profile', US_HAIKU, '--approved-region', 'us-east-1'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).Statement[0].Sid).toBe(SCP_SIDS.regionDeny);
  });
});

const EU_SONNET = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const EU_APPROVED = EU_REGIONS.flatMap(region => ['--approved-region', region]);
const scpSids = (json: string) => JSON.parse(json).Statement.map((st: { Sid: string }) => st.Sid);

describe('generate-scp with the deployment', () => {
  test('refuses (exit 1) an EU-only SCP when the routing stack is in us-east-1 (the default), saying what to do', async () => {
    const io = capture();
    expect(await generateScp(['--profile', EU_SONNET, ...EU_APPROVED, '--deployment-regions', EU_REGIONS.join(',')], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(/^generate-scp: The SCP would block the deployment it is generated for:\n- In us-east-1 it denies what 'us-east-1 \(routing\)' needs to deploy \(cloudformation, ssm, s3,/);
    expect(io.stderr()).toMatch(/--approved-region us-east-1.*--exempt-deployment-roles.*--routing-region eu-west-1/s);
  });

  test('--routing-region outside us-east-1 makes it work, with a warning of the lost health-check alarms', async () => {
    const io = capture();
    expect(await generateScp(['--profile', EU_SONNET, ...EU_APPROVED, '--deployment-regions', 'eu-west-1,eu-central-1',
      '--deployment-regions', 'eu-west-3', '--routing-region', 'eu-west-1'], io)).toBe(0);
    expect(io.stderr()).toMatch(/^generate-scp: warning: The routing stack 'eu-west-1 \(routing\)' is in eu-west-1: Route 53 publishes health-check metrics only in us-east-1/);
    expect(scpSids(io.stdout())).toEqual([SCP_SIDS.regionDeny, SCP_SIDS.bedrockApiKeys, SCP_SIDS.bedrockApiKeyCreation]);
  });

  test('--exempt-deployment-roles exempts the default bootstrap roles in us-east-1 only', async () => {
    const io = capture();
    expect(await generateScp(['--profile', EU_SONNET, ...EU_APPROVED, '--deployment-regions', EU_REGIONS.join(','), '--exempt-deployment-roles'], io)).toBe(0);
    const statement = JSON.parse(io.stdout()).Statement[1];
    expect(statement).toMatchObject({ Sid: SCP_SIDS.deploymentRegions, Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1'] } } });
    expect(statement.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-us-east-1',
      'arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*-us-east-1',
      'arn:aws:iam::*:role/cdk-hnb659fds-file-publishing-role-*-us-east-1',
    ]);
    expect(io.stderr()).toMatch(/warning: The roles that deploy 'us-east-1 \(routing\)' are exempt from the region deny in us-east-1 only/);
  });

  test('--no-deny-bedrock-api-keys leaves the API key statements out', async () => {
    const io = capture();
    expect(await generateScp(['--profile', US_HAIKU, '--approved-region', 'us-east-1', '--no-deny-bedrock-api-keys'], io)).toBe(0);
    expect(scpSids(io.stdout())).toEqual([SCP_SIDS.regionDeny]);
  });

  test.each([
    [['--from', 'cdk.out', '--deployment-regions', 'eu-west-1'], /either --from .* or --deployment-regions, not both/],
    [['--routing-region', 'eu-west-1'], /--routing-region goes with --deployment-regions/],
    [['--stack', 'Bedrock*'], /--stack selects stacks of --from/],
    [['--exempt-deployment-roles'], /--exempt-deployment-roles needs the deployment/],
    [['--deployment-regions', ','], /--deployment-regions is empty/],
  ])('exits 2 on deployment options that do not go together: %j', async (argv, message) => {
    const io = capture();
    expect(await generateScp(['--profile', EU_SONNET, ...EU_APPROVED, ...argv], io)).toBe(2);
    expect(io.stderr()).toMatch(message);
  });

  test.each([
    [['--deployment-regions', 'eu-west-1,eu-west'], /^generate-scp: --deployment-regions 'eu-west' is not a region name \(for example eu-west-1\)\.$/],
    [['--deployment-regions', EU_REGIONS.join(','), '--routing-region', 'eu-west'], /^generate-scp: --routing-region 'eu-west' is not a region name/],
  ])('exits 2 naming the option of a deployment region that is not a region name: %j', async (argv, message) => {
    const io = capture();
    expect(await generateScp(['--profile', EU_SONNET, ...EU_APPROVED, ...argv], io)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });

  test('--help describes the deployment options', async () => {
    const io = capture();
    expect(await generateScp(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/--from CDK_OUT/);
    expect(io.stdout()).toMatch(/REFUSES when the SCP would deny what the\s+deployment needs/);
    expect(io.stdout()).toMatch(/1 refused: the SCP would block the deployment/);
  });
});

describe('the synthesized sample (--from)', () => {
  let sample: string;
  beforeAll(() => {
    sample = path.join(tmp, 'sample');
    synthesizeSample(sample);
  });

  test('generate-scp refuses the EU deployment with its routing stack in us-east-1, reading the profiles from its invokers', async () => {
    const io = capture();
    expect(await generateScp([...EU_APPROVED, '--from', sample, '--stack', 'BedrockEu-*'], io)).toBe(1);
    expect(io.stderr()).toMatch(/In us-east-1 it denies what 'BedrockEu-routing' needs to deploy/);
  });

  test('with the deployment roles exempt, check-scp finds that the SCP lets the EU deployment and its calls through', async () => {
    const gen = capture();
    expect(await generateScp([...EU_APPROVED, '--from', sample, '--stack', 'BedrockEu-*', '--exempt-deployment-roles'], gen)).toBe(0);
    expect(JSON.parse(gen.stdout()).Statement[1].Condition.ArnNotLike['aws:PrincipalArn'])
      .toContain('arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-us-east-1');
    const file = tempFile('eu-exempt.json', gen.stdout());
    const check = capture();
    expect(await checkScp(['--scp', file, '--from', sample, '--stack', 'BedrockEu-*'], check)).toBe(0);
    const out = check.stdout();
    expect(out).toMatch(/^Calls to eu\.anthropic\.claude-3-7-sonnet-20250219-v1:0 from eu-west-1:$/m);
    expect(out).toMatch(/^BedrockEu-routing\s+us-east-1\s+cloudformation:CreateChangeSet\s+deploy-role\s+allowed$/m);
    expect(out).not.toMatch(/DENIED(?! BY)/);
    expect(out).toMatch(/All \d+ checks allowed: the deployment and its calls go through these SCPs\./);
  });

  test('exits 2 when no stack matches --stack, listing the app\'s stacks', async () => {
    const io = capture();
    expect(await checkScp(['--scp', path.join(FIXTURES, 'region-deny-us-east-1.json'), '--from', sample, '--stack', 'NoSuch*', '--stack', 'Other'], io))
      .toBe(2);
    expect(io.stderr()).toMatch(/^check-scp: No stack of '.*' matches --stack 'NoSuch\*', --stack 'Other'; its stacks: .*BedrockEu-routing/);
    expect(io.stdout()).toBe('');
  });

  test('check-scp refuses (exit 1) the deployment under a plain EU region deny, naming the statement and the fix', async () => {
    const scp = tempFile('eu-plain.json', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'DenyOutsideEu',
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*', 'route53:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': EU_REGIONS } },
      }],
    }));
    const io = capture();
    expect(await checkScp(['--scp', scp, '--from', sample, '--stack', 'BedrockEu-*'], io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(/^BedrockEu-routing\s+us-east-1\s+cloudformation:CreateChangeSet\s+deploy-role\s+DENIED\s+.*eu-plain\.json: DenyOutsideEu$/m);
    expect(out).toMatch(/Approve us-east-1 in the region deny, or exempt the roles that deploy 'BedrockEu-routing' there by their aws:PrincipalArn/);
    expect(out).toMatch(/npx generate-scp --profile eu\.anthropic.* --exempt-deployment-roles --from .* --stack 'BedrockEu-\*'/);
  });
});

describe('a routing stack outside us-east-1, end to end', () => {
  test('synthesized in eu-west-1, generate-scp passes with a warning and check-scp allows the deployment and its calls', async () => {
    const app = path.join(tmp, 'eu-routing-eu-west-1');
    synthesizeEuDeployment(app, 'eu-west-1');
    const gen = capture();
    expect(await generateScp([...EU_APPROVED, '--from', app], gen)).toBe(0);
    expect(gen.stderr()).toMatch(/warning: The routing stack 'BedrockEu-routing' is in eu-west-1: .*health-check metrics only in us-east-1.*dashboard's health-check widgets read us-east-1/);
    const file = tempFile('eu-routing-eu-west-1.json', gen.stdout());
    const check = capture();
    expect(await checkScp(['--scp', file, '--from', app], check)).toBe(0);
    expect(check.stdout()).toMatch(/^BedrockEu-routing\s+eu-west-1\s+cloudformation:CreateChangeSet\s+deploy-role\s+allowed$/m);
    expect(check.stdout()).toMatch(/^BedrockEu-routing\s+eu-west-1\s+route53:CreateHealthCheck\s+cfn-exec-role\s+allowed$/m);
    expect(check.stdout()).toMatch(/All \d+ checks allowed/);
    expect(check.stderr()).toMatch(/^check-scp: warning: The routing stack 'BedrockEu-routing' is in eu-west-1.*which the SCP denies/);
  });
});

describe('check-scp with the deployment regions', () => {
  test('checks the calls from every endpoint region and the deployment as the default bootstrap roles', async () => {
    const io = capture();
    const scp = path.join(FIXTURES, 'region-deny-us-without-unspecified.json');
    expect(await checkScp(['--scp', scp, '--profile', US_HAIKU, '--deployment-regions', 'us-east-1,us-west-2'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^Calls to us\.anthropic\.claude-3-5-haiku-20241022-v1:0 from us-west-2:$/m);
    expect(io.stdout()).toMatch(/^us-east-1 \(routing\)\s+us-east-1\s+ssm:GetParameters\s+deploy-role\s+allowed$/m);
  });

  test.each([
    [['--deployment-regions', 'us-east-1,Frankfurt'], /^check-scp: --deployment-regions 'Frankfurt' is not a region name \(for example eu-west-1\)\.$/],
    [['--deployment-regions', 'us-east-1', '--routing-region', 'us-east1'], /^check-scp: --routing-region 'us-east1' is not a region name/],
  ])('exits 2 for a deployment region that is not a region name, rather than simulate it: %j', async (argv, message) => {
    const io = capture();
    const scp = path.join(FIXTURES, 'region-deny-us-without-unspecified.json');
    expect(await checkScp(['--scp', scp, '--profile', US_HAIKU, '--source-region', 'us-east-1', ...argv], io)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });

  test('exits 2 when neither a call nor a deployment is given, and --help shows the second form', async () => {
    const io = capture();
    expect(await checkScp(['--scp', 'x.json', '--profile', US_HAIKU], io)).toBe(2);
    expect(io.stderr()).toMatch(/missing --source-region \(or give the deployment: --deployment-regions or --from\)/);
    const help = capture();
    expect(await checkScp(['--help'], help)).toBe(0);
    expect(help.stdout()).toMatch(/check-scp --scp FILE \[--scp FILE \.\.\.\] \(--deployment-regions R1,R2/);
  });
});
