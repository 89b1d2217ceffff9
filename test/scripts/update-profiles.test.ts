import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeBedrockControlPlane, FakeRegion } from './fake-bedrock-control-plane';
import { installLoopbackGuard } from '../../dev/fake-bedrock/loopback-guard';
import { InferenceProfileCatalog } from '../../lib/profiles/inference-profile-catalog';
import { BUNDLED_CATALOG_PATH, CatalogDocument, CatalogProfileEntry, parseCatalog } from '../../lib/profiles/private/catalog-document';
import { cliCommand } from '../../lib/shared/package-cli';
import { main, UpdateProfilesContext } from '../../scripts/update-profiles';
import {
  buildProfiles,
  diffCatalogs,
  mergeProfiles,
  progressLine,
  regionOfModelArn,
  regionReport,
} from '../../scripts/update-profiles/catalog-refresh';
import { createLimiter, ProfileApi } from '../../scripts/update-profiles/profile-api';

const HAIKU = 'us.anthropic.claude-3-haiku-20240307-v1:0';
const NOVA_LITE = 'us.amazon.nova-lite-v1:0';
const GLOBAL_SONNET = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** Not in the bundled catalog: only the second ListInferenceProfiles page of us-east-2 has it. */
const NEW_PROFILE = 'us.example.brand-new-model-v1:0';
const APAC_NOVA_LITE = 'apac.amazon.nova-lite-v1:0';
/** `in.` is not a geography the library knows. */
const INDIA = 'in.openai.gpt-oss-120b-1:0';
const TODAY = '2026-02-03';

const REGIONS: Record<string, FakeRegion> = {
  'us-east-2': {
    profiles: [
      { id: HAIKU, modelRegions: ['us-east-1', 'us-east-2', 'us-west-2'] },
      { id: NOVA_LITE, modelRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'] },
      // What GetInferenceProfile lists for global profiles is unconfirmed: a few regional ARNs and a region-less one.
      { id: GLOBAL_SONNET, modelRegions: ['us-east-2', 'mx-central-1', null] },
      { id: NEW_PROFILE, modelRegions: ['us-east-2', 'us-east-1'] },
    ],
  },
  'us-west-2': {
    profiles: [
      { id: HAIKU, modelRegions: ['us-east-1', 'us-west-2'] },
      { id: NOVA_LITE, modelRegions: ['us-east-1', 'us-east-2', 'us-west-2'] },
      { id: GLOBAL_SONNET, modelRegions: ['us-west-2'] },
    ],
  },
  'ap-south-1': {
    profiles: [
      { id: APAC_NOVA_LITE, modelRegions: ['ap-northeast-1', 'ap-south-1', 'ap-southeast-1'] },
      { id: INDIA, modelRegions: ['ap-south-1', 'ap-south-2'] },
    ],
  },
  'eu-west-1': {
    error: { status: 403, type: 'AccessDeniedException', message: 'User is not authorized to perform: bedrock:ListInferenceProfiles' },
  },
  'ap-east-2': {
    error: { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
  },
};

const ENV_KEYS = [
  'AWS_ENDPOINT_URL_BEDROCK', 'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_REGION',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
];

let fake: FakeBedrockControlPlane;
let removeGuard: () => void;
let savedEnv: Record<string, string | undefined>;
let dir: string;

beforeAll(async () => {
  removeGuard = installLoopbackGuard();
  fake = await FakeBedrockControlPlane.start(REGIONS, 2, 15);
  savedEnv = Object.fromEntries(ENV_KEYS.map(k => [k, process.env[k]]));
  ENV_KEYS.forEach(k => delete process.env[k]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK: fake.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_CONFIG_FILE: path.join(os.tmpdir(), 'update-profiles-test-no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'update-profiles-test-no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) { delete process.env[k]; } else { process.env[k] = v; }
  }
  await fake.close();
  removeGuard();
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'update-profiles-'));
  fake.calls.length = 0;
  fake.maxConcurrentGets = 0;
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the command as this repository's projen task runs it (plus a fixed date and any other seams). */
async function runIn(context: Partial<UpdateProfilesContext>, argv: string[], onOut: (line: string) => void = () => undefined): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => { out.push(l); onOut(l); }, err: (l: string) => err.push(l) };
  const code = await main(argv, io, { invocation: 'npx projen update-profiles --', defaultOut: BUNDLED_CATALOG_PATH, today: () => TODAY, ...context });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function run(...argv: string[]): Promise<Run> {
  return runIn({}, argv);
}

/** A copy of the bundled catalog in the temp dir. */
function copyOfBundled(): string {
  const file = path.join(dir, 'catalog.json');
  fs.copyFileSync(BUNDLED_CATALOG_PATH, file);
  return file;
}

function readCatalog(file: string): CatalogDocument {
  return parseCatalog(fs.readFileSync(file, 'utf-8'), file);
}

function entry(doc: CatalogDocument, id: string): CatalogProfileEntry | undefined {
  return doc.profiles.find(p => p.id === id);
}

const bundled = readCatalog(BUNDLED_CATALOG_PATH);

describe('update-profiles against a fake Bedrock control plane', () => {
  test('--help prints the usage and calls nothing', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--region R\s+source region to query/);
    expect(r.out).toMatch(/--no-merge/);
    expect(fake.calls).toHaveLength(0);
  });

  test('a missing --region or an unknown flag is a usage error', async () => {
    expect((await run('--out', path.join(dir, 'x.json'))).code).toBe(2);
    const r = await run('--region', 'us-east-2', '--bogus');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bogus/);
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });

  test('reads every page of ListInferenceProfiles and one GetInferenceProfile per profile, signed for each region', async () => {
    const file = path.join(dir, 'new.json');
    const r = await run('--', '--region', 'us-east-2', '--region', 'us-west-2', '--out', file);
    expect(r.code).toBe(0);

    const lists = fake.calls.filter(c => c.operation === 'ListInferenceProfiles' && c.region === 'us-east-2');
    expect(lists.map(c => c.query)).toEqual([
      { type: 'SYSTEM_DEFINED' },
      { type: 'SYSTEM_DEFINED', nextToken: expect.any(String) },
    ]);
    const gets = fake.calls.filter(c => c.operation === 'GetInferenceProfile');
    expect(gets.filter(c => c.region === 'us-east-2').map(c => c.profileId).sort())
      .toEqual([GLOBAL_SONNET, NOVA_LITE, HAIKU, NEW_PROFILE].sort());
    expect(gets.filter(c => c.region === 'us-west-2').map(c => c.profileId).sort()).toEqual([GLOBAL_SONNET, NOVA_LITE, HAIKU].sort());
    // The profile only on the second page made it into the catalog.
    expect(entry(readCatalog(file), NEW_PROFILE)?.destinations).toEqual({ 'us-east-2': ['us-east-1', 'us-east-2'] });
  });

  test('runs exactly 4 GetInferenceProfile calls at once by default, and exactly --concurrency N when given', async () => {
    // A control plane of its own: more profiles than any limit tested and slow enough answers that every slot fills.
    const ids = Array.from({ length: 8 }, (_, i) => `us.example.concurrency-probe-${i}-v1:0`);
    const slow = await FakeBedrockControlPlane.start(
      { 'us-east-2': { profiles: ids.map(id => ({ id, modelRegions: ['us-east-1', 'us-east-2'] })) } }, 100, 100);
    const sharedEndpoint = process.env.AWS_ENDPOINT_URL_BEDROCK;
    process.env.AWS_ENDPOINT_URL_BEDROCK = slow.endpoint;
    try {
      const observed = async (...flags: string[]): Promise<number> => {
        slow.calls.length = 0;
        slow.maxConcurrentGets = 0;
        const r = await run('--region', 'us-east-2', ...flags, '--out', path.join(dir, `c${flags.join('')}.json`));
        expect(r.code).toBe(0);
        expect(slow.calls.filter(c => c.operation === 'GetInferenceProfile').map(c => c.profileId).sort()).toEqual([...ids].sort());
        return slow.maxConcurrentGets;
      };
      expect(await observed()).toBe(4);
      expect(await observed('--concurrency', '1')).toBe(1);
      expect(await observed('--concurrency', '6')).toBe(6);
    } finally {
      process.env.AWS_ENDPOINT_URL_BEDROCK = sharedEndpoint;
      await slow.close();
    }
    expect(fake.calls).toHaveLength(0);
  });

  test('destinations come from each source region\'s model ARNs; global is ["*"]; unknown prefixes are skipped', async () => {
    const file = path.join(dir, 'new.json');
    const r = await run('--region', 'us-east-2', '--region', 'us-west-2', '--region', 'ap-south-1', '--out', file);
    expect(r.code).toBe(0);
    const doc = readCatalog(file);

    expect(entry(doc, HAIKU)).toEqual({
      id: HAIKU,
      geography: 'us',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      destinations: {
        'us-east-2': ['us-east-1', 'us-east-2', 'us-west-2'],
        'us-west-2': ['us-east-1', 'us-west-2'],
      },
    });
    expect(entry(doc, GLOBAL_SONNET)?.destinations).toEqual({ 'us-east-2': ['*'], 'us-west-2': ['*'] });
    expect(entry(doc, APAC_NOVA_LITE)?.destinations).toEqual({ 'ap-south-1': ['ap-northeast-1', 'ap-south-1', 'ap-southeast-1'] });

    expect(entry(doc, INDIA)).toBeUndefined();
    expect(doc.profiles.some(p => p.id.startsWith('in.'))).toBe(false);
    expect(r.err).toMatch(/warning: skipping in\.openai\.gpt-oss-120b-1:0 from ap-south-1: unknown geography prefix/);
    expect(r.out).toMatch(/Skipped 1 profile\(s\):\n {2}! in\.openai\.gpt-oss-120b-1:0 \(from ap-south-1\): unknown geography prefix/);

    // A new file starts from the bundled commercial regions.
    expect(doc.commercialRegions).toEqual(bundled.commercialRegions);
    expect(doc.source).toBe('Amazon Bedrock ListInferenceProfiles (typeEquals=SYSTEM_DEFINED) and GetInferenceProfile '
      + `in ap-south-1, us-east-2, us-west-2 (read ${TODAY})`);
    expect(doc.retrievedAt).toBe(TODAY);
  });

  test('merge (default) replaces the queried source regions and keeps everything else of the existing catalog', async () => {
    const file = copyOfBundled();
    const r = await run('--region', 'us-east-2', '--region', 'us-west-2', '--out', file);
    expect(r.code).toBe(0);
    const doc = readCatalog(file);

    // Unqueried source regions of a queried profile are kept as they were.
    expect(entry(doc, NOVA_LITE)?.destinations).toEqual({
      'us-east-1': ['us-east-1', 'us-east-2', 'us-west-2'],
      'us-east-2': ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
      'us-west-1': ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
      'us-west-2': ['us-east-1', 'us-east-2', 'us-west-2'],
    });
    // Profiles the queried regions do not mention keep their other sources and lose the queried ones.
    const sonnet45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    expect(Object.keys(entry(doc, sonnet45)!.destinations)).not.toContain('us-east-2');
    expect(entry(doc, sonnet45)!.destinations['us-east-1']).toEqual(entry(bundled, sonnet45)!.destinations['us-east-1']);
    // Profiles from other geographies are untouched.
    for (const eu of bundled.profiles.filter(p => p.geography === 'eu')) {
      expect(entry(doc, eu.id)).toEqual(eu);
    }
    // The global profile keeps its other 25 sources and stays ["*"] for the queried ones.
    expect(Object.keys(entry(doc, GLOBAL_SONNET)!.destinations)).toEqual(Object.keys(entry(bundled, GLOBAL_SONNET)!.destinations));
    expect(Object.values(entry(doc, GLOBAL_SONNET)!.destinations).every(d => d.length === 1 && d[0] === '*')).toBe(true);

    // Same layout, sorted, extra keys kept, provenance of both.
    const text = fs.readFileSync(file, 'utf-8');
    const raw = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(raw, null, 2)}\n`);
    const extraKeys = Object.keys(JSON.parse(fs.readFileSync(BUNDLED_CATALOG_PATH, 'utf-8')))
      .filter(key => !['source', 'retrievedAt', 'commercialRegions', 'profiles'].includes(key));
    expect(extraKeys).toContain('refreshWith');
    expect(Object.keys(raw)).toEqual(['source', 'retrievedAt', ...extraKeys, 'commercialRegions', 'profiles']);
    expect(raw.refreshWith).toBe(JSON.parse(fs.readFileSync(BUNDLED_CATALOG_PATH, 'utf-8')).refreshWith);
    expect(doc.profiles.map(p => p.id)).toEqual([...doc.profiles.map(p => p.id)].sort());
    expect(doc.source).toMatch(/^Amazon Bedrock ListInferenceProfiles .* in us-east-2, us-west-2 \(read 2026-02-03\); other source regions kept from an earlier catalog: AWS Bedrock User Guide/);
    expect(doc.retrievedAt).toBe(TODAY);

    // Summary per source region.
    expect(r.out).toMatch(/^us-east-2: 4 profiles \(1 added, \d+ removed, 1 changed\)$/m);
    expect(r.out).toMatch(/^ {2}\+ us\.example\.brand-new-model-v1:0$/m);
    expect(r.out).toMatch(/^ {2}- us\.anthropic\.claude-sonnet-4-5-20250929-v1:0$/m);
    expect(r.out).toMatch(/^ {2}~ us\.amazon\.nova-lite-v1:0: \[us-east-1, us-east-2, us-west-2\] -> \[us-east-1, us-east-2, us-west-1, us-west-2\]$/m);
    expect(r.out).toMatch(/^us-west-2: 3 profiles \(0 added, \d+ removed, 0 changed\)$/m);
    expect(r.out).not.toMatch(/^eu-west-1:/m);

    // The library reads the new file.
    const catalog = InferenceProfileCatalog.fromFile(file);
    expect(catalog.retrievedAt).toBe(TODAY);
    expect(catalog.destinationsOf(NOVA_LITE, 'us-east-2')).toEqual(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
    expect(catalog.destinationsOf(HAIKU, 'us-west-2')).toEqual(['us-east-1', 'us-west-2']);
    expect(catalog.has(NEW_PROFILE)).toBe(true);
    expect(catalog.destinationsOf(GLOBAL_SONNET, 'us-east-2')).toEqual(bundled.commercialRegions);
  });

  test('running the same merge twice changes nothing the second time', async () => {
    const file = copyOfBundled();
    await run('--region', 'us-east-2', '--out', file);
    const first = fs.readFileSync(file, 'utf-8');
    const r = await run('--region', 'us-east-2', '--out', file);
    expect(r.out).toMatch(/^us-east-2: 4 profiles \(0 added, 0 removed, 0 changed\)$/m);
    expect(fs.readFileSync(file, 'utf-8')).toBe(first);
  });

  test('--no-merge keeps only what was queried, plus the existing commercial regions and every commercial region seen', async () => {
    const file = path.join(dir, 'small.json');
    fs.writeFileSync(file, `${JSON.stringify({
      source: 'hand-made',
      retrievedAt: '2025-01-01',
      commercialRegions: ['eu-west-1', 'us-east-1'],
      profiles: [
        { id: HAIKU, geography: 'us', modelId: 'anthropic.claude-3-haiku-20240307-v1:0', destinations: { 'us-east-1': ['us-east-1', 'us-west-2'] } },
        { id: 'eu.amazon.nova-lite-v1:0', geography: 'eu', modelId: 'amazon.nova-lite-v1:0', destinations: { 'eu-west-1': ['eu-west-1'] } },
      ],
    }, null, 2)}\n`);

    const r = await run('--region', 'us-east-2', '--no-merge', '--out', file);
    expect(r.code).toBe(0);
    const doc = readCatalog(file);
    expect(doc.profiles.map(p => p.id)).toEqual([GLOBAL_SONNET, NOVA_LITE, HAIKU, NEW_PROFILE]);
    expect(entry(doc, HAIKU)?.destinations).toEqual({ 'us-east-2': ['us-east-1', 'us-east-2', 'us-west-2'] });
    expect(doc.commercialRegions).toEqual(['eu-west-1', 'mx-central-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
    expect(doc.source).not.toMatch(/hand-made/);
    // The dropped source regions are reported.
    expect(r.out).toMatch(/^eu-west-1: 0 profiles \(0 added, 1 removed, 0 changed\)$/m);
    expect(r.out).toMatch(/^us-east-1: 0 profiles \(0 added, 1 removed, 0 changed\)$/m);
    expect(r.out).toMatch(/replacing the existing catalog/);
  });

  test('prints a line per source region as it answers (its profiles and what changed), then the summary', async () => {
    const file = copyOfBundled();
    const r = await run('--region', 'us-east-2', '--region', 'us-west-2', '--region', 'ap-south-1', '--out', file);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('update-profiles: querying 3 source region(s) (ap-south-1, us-east-2, us-west-2), 4 GetInferenceProfile call(s) at a time');
    const progress = lines.filter(l => /^\[\d\/3\] /.test(l));
    expect(progress.map(l => l.slice(0, 5))).toEqual(['[1/3]', '[2/3]', '[3/3]']);
    expect(progress).toContainEqual(expect.stringMatching(/^\[\d\/3\] us-east-2: 4 profiles \(1 added, \d+ removed, 1 changed\)$/));
    expect(progress).toContainEqual(expect.stringMatching(/^\[\d\/3\] ap-south-1: 1 profiles \(\d+ added, \d+ removed, \d+ changed, 1 skipped\)$/));
    // What a region's line says as it answers is what the summary says once the file is written.
    for (const region of ['ap-south-1', 'us-east-2', 'us-west-2']) {
      const line = progress.find(l => l.includes(`] ${region}: `))!;
      expect(line.replace(/^\[\d\/3\] /, '').replace(', 1 skipped', '')).toBe(lines.find(l => l.startsWith(`${region}: `)));
    }
    expect(lines.indexOf(progress[2])).toBeLessThan(lines.findIndex(l => l.startsWith('Wrote ')));
  });

  test('a region\'s line is printed as soon as it answers, while a slower region is still being read', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>(resolve => { openGate = resolve; });
    let openedBy = 'nothing';
    const open = (by: string) => {
      if (openedBy === 'nothing') { openedBy = by; openGate(); }
    };
    const timer = setTimeout(() => open('timeout'), 5_000);
    const api = (region: string): ProfileApi => ({
      listSystemProfileIds: async () => {
        if (region === 'us-west-2') { await gate; }
        return [HAIKU];
      },
      getProfile: async id => ({ inferenceProfileId: id, type: 'SYSTEM_DEFINED', models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/m` }] }),
      close: () => undefined,
    });
    const r = await runIn({ profileApi: api }, ['--region', 'us-east-2', '--region', 'us-west-2', '--out', path.join(dir, 'gated.json')], line => {
      if (line.startsWith('[1/2] us-east-2: 1 profiles')) { open('progress line'); }
    });
    clearTimeout(timer);
    expect(r.code).toBe(0);
    expect(openedBy).toBe('progress line');
    expect(r.out).toMatch(/^\[2\/2\] us-west-2: 1 profiles \(1 added, 0 removed, 0 changed\)$/m);
  });

  test('started from the package: --out is required, the usage names the package\'s command, a new catalog starts from the package\'s', async () => {
    const context = { invocation: cliCommand('update-profiles'), defaultOut: undefined };
    const missing = await runIn(context, ['--region', 'us-east-2']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^update-profiles: missing --out: the package's own catalog is replaced by every install, .*InferenceProfileCatalog\.fromFile\(\)\./);
    expect(missing.err).toMatch(/^Usage: npx cdk-bedrock-cross-region update-profiles --region <source-region> \[--region \.\.\.\] --out FILE \[options\]$/m);
    expect(fake.calls).toHaveLength(0);
    const help = await runIn(context, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--out FILE +catalog to write or update \(required\); load it with InferenceProfileCatalog\.fromFile\(FILE\)/);
    expect(help.out).not.toMatch(/projen/);

    // The entry point says where the package's catalog is; a new file takes its commercial regions from there.
    const shipped = path.join(dir, 'shipped-catalog.json');
    fs.writeFileSync(shipped, JSON.stringify({ ...bundled, commercialRegions: ['us-east-2', 'xx-test-1'] }));
    const file = path.join(dir, 'mine.json');
    const r = await runIn({ ...context, bundledCatalogPath: shipped }, ['--region', 'us-east-2', '--out', file]);
    expect(r.code).toBe(0);
    const raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
    expect(raw.commercialRegions).toEqual(['mx-central-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'xx-test-1']);
    expect(raw.refreshWith).toBe('npx cdk-bedrock-cross-region update-profiles --region <source-region> --out my-catalog.json');
  });

  test.each([
    ['eu-west-1', /^\[\d\/2\] eu-west-1: FAILED AccessDeniedException \(HTTP 403\): User is not authorized/m],
    ['ap-east-2', /^\[\d\/2\] ap-east-2: FAILED UnrecognizedClientException \(HTTP 403\): The security token/m],
  ])('a failing region (%s) exits non-zero and leaves the existing catalog untouched', async (badRegion, message) => {
    const file = copyOfBundled();
    const before = fs.readFileSync(file);
    const r = await run('--region', 'us-east-2', '--region', badRegion, '--out', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/1 of 2 region\(s\) failed \(.+\); .*catalog\.json was not changed/);
    expect(r.out).toMatch(/^\[\d\/2\] us-east-2: 4 profiles \(\d+ added, \d+ removed, \d+ changed\)$/m);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['catalog.json']);
    // The healthy region was still queried.
    expect(fake.calls.some(c => c.region === 'us-east-2' && c.operation === 'GetInferenceProfile')).toBe(true);
  });

  test('an existing file that is not a valid catalog is reported and left alone', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"profiles": "nope"}');
    const r = await run('--region', 'us-east-2', '--out', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/must have 'profiles' and 'commercialRegions' arrays/);
    expect(fs.readFileSync(file, 'utf-8')).toBe('{"profiles": "nope"}');
  });
});

describe('pure helpers', () => {
  test('regionOfModelArn', () => {
    expect(regionOfModelArn('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0')).toBe('us-east-1');
    expect(regionOfModelArn('arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/x')).toBe('us-gov-west-1');
    expect(regionOfModelArn('arn:aws:bedrock:::foundation-model/x')).toBeUndefined();
    expect(regionOfModelArn('not-an-arn')).toBeUndefined();
  });

  const a = (id: string, destinations: Record<string, string[]>): CatalogProfileEntry =>
    ({ id, geography: id.split('.')[0], modelId: id.slice(id.indexOf('.') + 1), destinations });

  test('mergeProfiles replaces queried sources, keeps or drops the rest, and drops profiles left without sources', () => {
    const existing = [a('us.m', { 'us-east-1': ['us-east-1'], 'us-east-2': ['us-east-2'] }), a('us.gone', { 'us-east-2': ['us-east-2'] })];
    const fresh = [a('us.m', { 'us-east-2': ['us-west-2', 'us-east-2'] })];
    expect(mergeProfiles(existing, fresh, ['us-east-2'], true)).toEqual([
      a('us.m', { 'us-east-1': ['us-east-1'], 'us-east-2': ['us-east-2', 'us-west-2'] }),
    ]);
    expect(mergeProfiles(existing, fresh, ['us-east-2'], false)).toEqual([a('us.m', { 'us-east-2': ['us-east-2', 'us-west-2'] })]);
  });

  test('diffCatalogs reports added, removed and changed per source region', () => {
    const before = [a('us.x', { 'us-east-1': ['us-east-1'] }), a('us.y', { 'us-east-1': ['us-east-1'] })];
    const after = [a('us.x', { 'us-east-1': ['us-east-1', 'us-west-2'] }), a('us.z', { 'us-east-1': ['us-east-1'] })];
    expect(diffCatalogs(before, after, ['us-west-2'])).toEqual([
      { sourceRegion: 'us-east-1', count: 2, added: ['us.z'], removed: ['us.y'], changed: [{ id: 'us.x', before: ['us-east-1'], after: ['us-east-1', 'us-west-2'] }] },
      { sourceRegion: 'us-west-2', count: 0, added: [], removed: [], changed: [] },
    ]);
  });

  test('regionReport: one source region\'s changes, final before the other regions answer, and its skipped profiles', () => {
    const existing = [a('us.x', { 'us-east-1': ['us-east-1'], 'us-west-2': ['us-west-2'] }), a('us.y', { 'us-east-1': ['us-east-1'] })];
    const model = (region: string) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/m` });
    const data = {
      sourceRegion: 'us-east-1',
      profiles: [
        { inferenceProfileId: 'us.x', models: [model('us-east-1'), model('us-east-2')] },
        { inferenceProfileId: 'in.z', models: [model('us-east-1')] },
      ],
    };
    const report = regionReport(existing, data);
    expect(report.diff).toEqual({
      sourceRegion: 'us-east-1', count: 1, added: [], removed: ['us.y'], changed: [{ id: 'us.x', before: ['us-east-1'], after: ['us-east-1', 'us-east-2'] }],
    });
    expect(report.skipped).toEqual([{ sourceRegion: 'us-east-1', id: 'in.z', reason: 'unknown geography prefix' }]);
    expect(progressLine(report, 2, 3)).toBe('[2/3] us-east-1: 1 profiles (0 added, 1 removed, 1 changed, 1 skipped)');
    // The same as that region's part of the diff of the merged catalog.
    const merged = mergeProfiles(existing, buildProfiles([data]).profiles, ['us-east-1'], true);
    expect(diffCatalogs(existing, merged).find(d => d.sourceRegion === 'us-east-1')).toEqual(report.diff);
  });

  test('createLimiter never runs more than the limit at once', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 7 }, () => limit(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise(resolve => setTimeout(resolve, 5));
      active--;
    })));
    expect(peak).toBe(2);
  });
});
