import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CrossRegionInferenceProfile, Geography, InferenceProfileCatalog, ResidencyConstraint } from '../../lib';
import { GEOGRAPHY_REGIONS } from '../../lib/shared/invoker-config';

const catalog = InferenceProfileCatalog.bundled();

describe('bundled catalog', () => {
  test('records its source and date', () => {
    expect(catalog.source).toMatch(/docs\.aws\.amazon\.com\/bedrock/);
    expect(catalog.retrievedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('destinations differ per source region (us. Claude 3 Haiku)', () => {
    const haiku = CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-haiku-20240307-v1:0');
    expect(haiku.destinationsFrom('us-east-2')).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(haiku.destinationsFrom('us-west-2')).toEqual(['us-east-1', 'us-west-2']);
    expect(haiku.sourceRegions).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(haiku.modelId).toBe('anthropic.claude-3-haiku-20240307-v1:0');
    expect(haiku.geography).toBe(Geography.US);
  });

  test.each([
    ['eu.anthropic.claude-sonnet-4-20250514-v1:0', 'il-central-1',
      ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3', 'il-central-1']],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'ca-central-1', ['ca-central-1', 'us-east-1', 'us-east-2', 'us-west-2']],
    ['us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-gov-east-1', ['us-gov-west-1']],
    ['jp.anthropic.claude-haiku-4-5-20251001-v1:0', 'ap-northeast-3', ['ap-northeast-1', 'ap-northeast-3']],
    ['au.anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-southeast-6', ['ap-southeast-2', 'ap-southeast-4', 'ap-southeast-6']],
    ['ca.amazon.nova-lite-v1:0', 'ca-west-1', ['ca-central-1', 'ca-west-1']],
    ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'ap-south-2',
      ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2']],
  ])('%s from %s', (id, source, destinations) => {
    expect(CrossRegionInferenceProfile.fromId(id).destinationsFrom(source)).toEqual(destinations);
  });

  test('global profiles reach every commercial region plus their source', () => {
    const global = CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(global.isGlobal).toBe(true);
    const destinations = global.destinationsFrom('eu-west-1');
    expect(destinations).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1']));
    expect(destinations).toEqual([...catalog.commercialRegions].sort());
  });

  test('covers every geography of the reference tables', () => {
    const geographies = new Set(catalog.profileIds.map(id => CrossRegionInferenceProfile.fromId(id).geography));
    expect([...geographies].sort()).toEqual(Object.values(Geography).sort());
  });

  test('every region a geographic profile reaches is inside the handler\'s geography guard', () => {
    for (const id of catalog.profileIds) {
      const profile = CrossRegionInferenceProfile.fromId(id);
      if (profile.isGlobal) { continue; }
      const allowed = GEOGRAPHY_REGIONS[profile.geography];
      for (const source of profile.sourceRegions) {
        for (const region of [source, ...profile.destinationsFrom(source)]) {
          expect(`${id} ${region} ${allowed.includes(region)}`).toBe(`${id} ${region} true`);
        }
      }
    }
  });
});

/** The catalog file as shipped, with its extra keys (the corrections and their sources). */
const catalogFile = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'profiles', 'catalog.json'), 'utf-8')) as {
  corrections: Array<{ id: string; was?: string; sources: string[]; unconfirmed?: string }>;
};

describe('catalog ids follow AWS\'s documented forms', () => {
  // Bedrock's Claude model ids (Anthropic, "Model IDs and versioning"): before the 4.6 generation
  // `anthropic.claude-<name>-<major>-<minor>-<YYYYMMDD>-v<n>:<m>` (Claude 3.x: `claude-<major>-<minor>-<name>-...`);
  // from 4.6 on dateless `anthropic.claude-<name>-<major>-<minor>`, where Opus 4.6 is the last id with `-v1`.
  const DATED = /^anthropic\.claude-(?:\d-(?:\d-)?)?[a-z]+(?:-\d+){0,2}-\d{8}-v\d+:\d+$/;
  const DATELESS = /^anthropic\.claude-(opus|sonnet|haiku)-(\d+)-(\d+)(-v1)?$/;

  test('Opus 4.6 is au.anthropic.claude-opus-4-6-v1 (the -v1 form), Sonnet 4.6 stays dateless without -v1', () => {
    expect(catalog.has('au.anthropic.claude-opus-4-6-v1')).toBe(true);
    expect(catalog.has('au.anthropic.claude-opus-4-6')).toBe(false);
    expect(catalog.modelIdOf('au.anthropic.claude-opus-4-6-v1')).toBe('anthropic.claude-opus-4-6-v1');
    expect(catalog.has('au.anthropic.claude-sonnet-4-6')).toBe(true);
    expect(catalog.has('au.anthropic.claude-sonnet-4-6-v1')).toBe(false);
    // The AU destinations (AWS NZ blog): Sydney and Melbourne stay in Australia, Auckland adds itself.
    const opus = CrossRegionInferenceProfile.fromId('au.anthropic.claude-opus-4-6-v1');
    expect(opus.sourceRegions).toEqual(['ap-southeast-2', 'ap-southeast-4', 'ap-southeast-6']);
    expect(opus.destinationsFrom('ap-southeast-2')).toEqual(['ap-southeast-2', 'ap-southeast-4']);
    expect(opus.destinationsFrom('ap-southeast-6')).toEqual(['ap-southeast-2', 'ap-southeast-4', 'ap-southeast-6']);
  });

  test('every Anthropic model id has the dated -v<n>:<m> form or the dateless form, with -v1 exactly for Opus 4.6', () => {
    const offenders = catalog.profileIds.map(id => catalog.modelIdOf(id)).filter(modelId => modelId.startsWith('anthropic.')).filter(modelId => {
      if (DATED.test(modelId)) { return false; }
      const dateless = DATELESS.exec(modelId);
      if (!dateless) { return true; }
      const [, name, major, minor, v1] = dateless;
      const beforeDateless = Number(major) < 4 || (Number(major) === 4 && Number(minor) < 6);
      return beforeDateless || (name === 'opus' && major === '4' && minor === '6') !== (v1 !== undefined);
    });
    expect(offenders).toEqual([]);
  });

  test('every other model id ends with its :<version>', () => {
    const offenders = catalog.profileIds.map(id => catalog.modelIdOf(id))
      .filter(modelId => !modelId.startsWith('anthropic.') && !/:\d+$/.test(modelId));
    expect(offenders).toEqual([]);
  });

  test('every correction is applied, names its sources, and its old id is gone', () => {
    expect(catalogFile.corrections.length).toBeGreaterThan(0);
    for (const correction of catalogFile.corrections) {
      expect(catalog.has(correction.id)).toBe(true);
      expect(correction.sources.length).toBeGreaterThan(0);
      if (correction.was !== undefined) {
        expect(catalog.has(correction.was)).toBe(false);
      }
    }
  });
});

describe('looking profiles up', () => {
  test('an unknown id fails with how to declare it', () => {
    expect(() => CrossRegionInferenceProfile.fromId('eu.example.unreleased-model-v1:0'))
      .toThrow(/not in the catalog.*CrossRegionInferenceProfile\.declare.*get-inference-profile/s);
  });

  test('a profile ARN resolves to its id', () => {
    const profile = CrossRegionInferenceProfile.fromId('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0');
    expect(profile.profileId).toBe('eu.amazon.nova-pro-v1:0');
  });

  test('asking for destinations from a region that is not a source says where it can be called from', () => {
    const profile = CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-haiku-20240307-v1:0');
    expect(() => profile.destinationsFrom('eu-west-1'))
      .toThrow(/'eu-west-1' is not a source region of inference profile 'us\.anthropic\.claude-3-haiku-20240307-v1:0'.*us-east-1, us-east-2, us-west-2/);
  });

  test('declare() models a profile the catalog does not know', () => {
    const declared = CrossRegionInferenceProfile.declare({
      profileId: 'eu.example.new-model-v1:0',
      routes: [
        { sourceRegion: 'eu-west-1', destinationRegions: ['eu-west-3', 'eu-west-1', 'eu-central-1'] },
        { sourceRegion: 'eu-west-2', destinationRegions: ['eu-west-2', 'eu-west-1'] },
      ],
    });
    expect(declared.modelId).toBe('example.new-model-v1:0');
    expect(declared.geography).toBe(Geography.EU);
    expect(declared.destinationsFrom('eu-west-1')).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-3']);
    expect(declared.sourceRegions).toEqual(['eu-west-1', 'eu-west-2']);
  });

  test('declare() of a global profile defaults its destinations to every commercial region', () => {
    const declared = CrossRegionInferenceProfile.declare({
      profileId: 'global.example.model-v1:0',
      routes: [{ sourceRegion: 'us-east-1' }],
    });
    expect(declared.destinationsFrom('us-east-1')).toEqual(expect.arrayContaining(['eu-west-1', 'ap-northeast-1']));
  });

  test.each([
    [{ profileId: 'eu.example.m-v1:0', routes: [] }, /'routes' is empty/],
    [{ profileId: 'eu.example.m-v1:0', routes: [{ sourceRegion: 'eu-west-1' }] }, /'eu-west-1' has no destinationRegions/],
    [{ profileId: 'eu.example.m-v1:0', routes: [{ sourceRegion: 'eu-west-1', destinationRegions: ['eu-west-1'] }, { sourceRegion: 'eu-west-1', destinationRegions: ['eu-west-3'] }] }, /listed twice/],
    [{ profileId: 'example.m-v1:0', routes: [{ sourceRegion: 'eu-west-1', destinationRegions: ['eu-west-1'] }] }, /foundation model id, not a cross-region inference profile/],
  ])('declare() rejects %j', (props, message) => {
    expect(() => CrossRegionInferenceProfile.declare(props)).toThrow(message);
  });

  test('a catalog file of your own replaces the bundled one', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'catalog.json');
    fs.writeFileSync(file, JSON.stringify({
      source: 'test',
      retrievedAt: '2026-01-01',
      commercialRegions: ['eu-west-1'],
      profiles: [{ id: 'eu.example.m-v1:0', geography: 'eu', modelId: 'example.m-v1:0', destinations: { 'eu-west-1': ['eu-west-1', 'eu-west-3'] } }],
    }));
    const own = InferenceProfileCatalog.fromFile(file);
    expect(own.profileIds).toEqual(['eu.example.m-v1:0']);
    expect(CrossRegionInferenceProfile.fromId('eu.example.m-v1:0', { catalog: own }).destinationsFrom('eu-west-1')).toEqual(['eu-west-1', 'eu-west-3']);
    expect(() => CrossRegionInferenceProfile.fromId('us.anthropic.claude-3-haiku-20240307-v1:0', { catalog: own })).toThrow(/not in the catalog/);
  });

  test('residency advice names the other profiles of the catalog the profile came from', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'catalog.json');
    fs.writeFileSync(file, JSON.stringify({
      source: 'test',
      retrievedAt: '2026-01-01',
      commercialRegions: ['eu-west-1', 'eu-west-3', 'us-east-1'],
      profiles: [
        { id: 'us.example.m-v1:0', geography: 'us', modelId: 'example.m-v1:0', destinations: { 'us-east-1': ['us-east-1', 'eu-west-1'] } },
        { id: 'eu.example.m-v1:0', geography: 'eu', modelId: 'example.m-v1:0', destinations: { 'eu-west-1': ['eu-west-1', 'eu-west-3'] } },
      ],
    }));
    const profile = CrossRegionInferenceProfile.fromId('us.example.m-v1:0', { catalog: InferenceProfileCatalog.fromFile(file) });
    // The bundled catalog knows no example.m-v1:0: read there, the advice would find no other profile.
    expect(() => profile.assertDeployable(['us-east-1'], ResidencyConstraint.EU_ONLY))
      .toThrow(/can run inference in us-east-1, outside the residency constraint .* Either use 'eu\.example\.m-v1:0' \(from eu-west-1\)\./);
  });

  test.each([
    ['{not json', /not valid JSON/],
    ['{"profiles": []}', /'profiles' and 'commercialRegions'/],
    ['{"commercialRegions": [], "profiles": [{"id": "eu.a-v1", "geography": "eu", "modelId": "b-v1", "destinations": {"eu-west-1": ["eu-west-1"]}}]}', /must equal '<geography>\.<modelId>'/],
    ['{"commercialRegions": [], "profiles": [{"id": "eu.a-v1", "geography": "eu", "modelId": "a-v1", "destinations": {"eu-west-1": []}}]}', /at least one destination/],
  ])('a broken catalog file is rejected: %s', (content, message) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'catalog.json');
    fs.writeFileSync(file, content);
    expect(() => InferenceProfileCatalog.fromFile(file)).toThrow(message);
  });

  test('a missing catalog file is reported with its path', () => {
    expect(() => InferenceProfileCatalog.fromFile('/nonexistent/catalog.json')).toThrow(/Cannot read inference-profile catalog '\/nonexistent\/catalog.json'/);
  });
});
