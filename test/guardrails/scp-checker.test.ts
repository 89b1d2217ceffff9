import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deniedSteps, EU_SONNET, fixture, GLOBAL_SONNET, scpOf, US_HAIKU } from './support';
import { checkCrossRegionCall, CrossRegionStep, suggestedGenerateCommand } from '../../lib/guardrails/private/scp-checker';
import { parseScpFile, readScpFile } from '../../lib/guardrails/private/scp-file';
import { loadIamSimulate, ScpSimulator } from '../../lib/guardrails/private/scp-simulator';
import { INVOKE_ACTIONS } from '../../lib/profiles/private/invoke-statements';

// The SCPs below are AWS's examples (fixtures/_source.md gives each one's URL).

async function check(files: string[], profile = US_HAIKU, sourceRegion = 'us-east-1') {
  const simulator = await ScpSimulator.create(files.map(fixture));
  return checkCrossRegionCall(simulator, profile, sourceRegion);
}

describe('the checker on the AWS example SCPs', () => {
  test('a plain region deny approving only us-east-1 denies the destination regions of a us. profile', async () => {
    const rows = await check(['region-deny-us-east-1.json']);
    expect(deniedSteps(rows)).toEqual(['destination-model@us-east-2', 'destination-model@us-west-2']);
    const denied = rows.filter(r => !r.allowed);
    expect(denied.map(r => r.action).sort()).toEqual([...INVOKE_ACTIONS, ...INVOKE_ACTIONS].sort());
    expect(denied[0].denyingStatement).toMatch(/region-deny-us-east-1\.json: DenyAllOutsideApprovedRegions/);
    expect(denied[0].resource).toBe('arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(denied[0].suggestion).toMatch(/Null bedrock:InferenceProfileArn/);
    expect(rows.find(r => r.step === CrossRegionStep.PROFILE)!.allowed).toBe(true);
  });

  test('the same deny blocks the region-less model of a global profile, and the call from an unapproved source', async () => {
    expect(deniedSteps(await check(['region-deny-us-east-1.json'], GLOBAL_SONNET))).toEqual(['global-model@unspecified']);
    const fromWest = await check(['region-deny-us-east-1.json'], US_HAIKU, 'us-west-2');
    expect(deniedSteps(fromWest)).toEqual(['destination-model@us-east-2', 'destination-model@us-west-2', 'profile@us-west-2']);
    expect(fromWest.find(r => r.step === CrossRegionStep.PROFILE)!.suggestion).toMatch(/approve us-west-2/);
  });

  test('approving every US region lets the us. profile through but not the global one without "unspecified"', async () => {
    expect(deniedSteps(await check(['region-deny-us-without-unspecified.json']))).toEqual([]);
    const global = await check(['region-deny-us-without-unspecified.json'], GLOBAL_SONNET);
    expect(deniedSteps(global)).toEqual(['global-model@unspecified']);
    expect(global.find(r => !r.allowed)!.suggestion).toMatch(/"unspecified"/);
  });

  test('Option A: adding "unspecified" lets global profiles through', async () => {
    expect(deniedSteps(await check(['region-deny-us-with-unspecified.json']))).toEqual([]);
    expect(deniedSteps(await check(['region-deny-us-with-unspecified.json'], GLOBAL_SONNET))).toEqual([]);
  });

  test('the Securing-blog two-statement SCP allows geographic and global calls but still denies other regions', async () => {
    expect(deniedSteps(await check(['securing-blog-two-statements.json']))).toEqual([]);
    expect(deniedSteps(await check(['securing-blog-two-statements.json'], GLOBAL_SONNET))).toEqual([]);
    const simulator = await ScpSimulator.create([fixture('securing-blog-two-statements.json')]);
    const ec2 = await simulator.evaluate({
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0',
      context: { 'aws:RequestedRegion': 'eu-west-1' },
    });
    expect(ec2).toMatchObject({ allowed: false, denyingStatements: ['securing-blog-two-statements.json: DenyNonBedrockOutsideApprovedRegions'] });
    const bedrock = await simulator.evaluate({
      action: 'bedrock:InvokeModel',
      resource: 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      context: { 'aws:RequestedRegion': 'eu-west-1' },
    });
    expect(bedrock).toMatchObject({ allowed: false, denyingStatements: ['securing-blog-two-statements.json: DenyBedrockOutsideApprovedRegions'] });
  });

  test('the "deny global" statement denies the region-less step of global profiles only, naming itself', async () => {
    expect(deniedSteps(await check(['region-deny-us-with-unspecified.json', 'deny-global-cris.json']))).toEqual([]);
    const rows = await check(['region-deny-us-with-unspecified.json', 'deny-global-cris.json'], GLOBAL_SONNET);
    expect(deniedSteps(rows)).toEqual(['global-model@unspecified']);
    const denied = rows.find(r => !r.allowed)!;
    expect(denied.resource).toBe('arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(denied.denyingStatement).toBe('deny-global-cris.json: DenyGlobalCrossRegionInference');
    expect(denied.suggestion).toMatch(/geographic profile.*us\.anthropic\.claude-sonnet-4-5/);
  });

  test('DenyNonUSGeographicCRIS lets us. profiles through and denies the model steps of other profiles', async () => {
    expect(deniedSteps(await check(['deny-non-us-geographic-cris.json']))).toEqual([]);
    expect(deniedSteps(await check(['deny-non-us-geographic-cris.json'], GLOBAL_SONNET)))
      .toEqual(['global-model@unspecified', 'in-region-model@us-east-1']);
    const eu = await check(['deny-non-us-geographic-cris.json'], EU_SONNET, 'eu-west-1');
    expect(deniedSteps(eu)).toEqual(['destination-model@eu-central-1', 'destination-model@eu-north-1',
      'destination-model@eu-west-1', 'destination-model@eu-west-3']);
    expect(eu.find(r => !r.allowed)!.denyingStatement).toBe('deny-non-us-geographic-cris.json: DenyNonUSGeographicCRIS');
  });

  test('a statement without a Sid is named by its position', async () => {
    const policy = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'region-deny-us-east-1.json'), 'utf-8'));
    delete policy.Statement[0].Sid;
    const simulator = await ScpSimulator.create([scpOf('nosid.json', policy)]);
    const rows = await checkCrossRegionCall(simulator, GLOBAL_SONNET, 'us-east-1');
    expect(rows.find(r => !r.allowed)!.denyingStatement).toBe('nosid.json: statement #1');
  });
});

describe('the checker inputs', () => {
  test('invalid JSON names the file and the position', () => {
    expect(() => parseScpFile('broken.json', '{\n  "Statement": [}\n')).toThrow(/SCP file 'broken\.json' is not valid JSON at line 2, column \d+/);
  });

  test('an unreadable file is named', () => {
    expect(() => readScpFile(path.join(os.tmpdir(), 'does-not-exist-scp.json'))).toThrow(/Cannot read SCP file '.*does-not-exist-scp\.json'/);
  });

  test('JSON that is not a policy is refused', () => {
    expect(() => parseScpFile('list.json', '[1, 2]')).toThrow(/'list\.json' is not a policy document/);
  });

  test('an invalid SCP is refused with the simulator\'s findings', async () => {
    await expect(ScpSimulator.create([scpOf('bad.json', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Actions: '*' }] })]))
      .rejects.toThrow(/SCP file 'bad\.json' is not a valid service control policy: .*Actions/);
  });

  test('no SCP at all is refused', async () => {
    await expect(ScpSimulator.create([])).rejects.toThrow(/at least one SCP file/);
  });

  test('no file in lib/ imports the AGPL-3.0 iam-simulate statically', () => {
    const libDir = path.join(__dirname, '..', '..', 'lib');
    const sources = (fs.readdirSync(libDir, { recursive: true }) as string[])
      .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources).toContain(path.join('guardrails', 'private', 'scp-checker.ts'));
    const offenders = sources.filter(f => /(from\s+|require\(\s*|import\(\s*)['"]@cloud-copilot\//
      .test(fs.readFileSync(path.join(libDir, f), 'utf-8')));
    expect(offenders).toEqual([]);
  });

  test('a missing iam-simulate says how to install it', () => {
    expect(() => loadIamSimulate('@cloud-copilot/iam-simulate-not-installed'))
      .toThrow(/AGPL-3\.0.*npm install --save-dev @cloud-copilot\/iam-simulate-not-installed/);
  });

  test('the suggested generate-scp command keeps the approved regions and exempt principals of the SCP', () => {
    const scp = scpOf('org.json', {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Deny',
        NotAction: 'iam:*',
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'unspecified'] },
          ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AWSControlTowerExecution' },
        },
      }],
    });
    expect(suggestedGenerateCommand([scp], 'eu.x', 'eu-central-1')).toBe('npx generate-scp --profile eu.x '
      + '--approved-region eu-central-1 --approved-region eu-west-1 --exempt-principal-arn \'arn:aws:iam::*:role/AWSControlTowerExecution\'');
  });
});
