/**
 * The layout's rules (CONTRIBUTING.md), read from the source: who may import what, and how big a file may grow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function sourcesUnder(folder: string): string[] {
  return (fs.readdirSync(path.join(ROOT, folder), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(folder, file));
}

/** The repository-relative files a source file imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]);
  return specifiers.map((specifier) => path.normalize(path.join(path.dirname(file), specifier)));
}

const topFolder = (file: string) => file.split(path.sep)[0];

describe('import rules', () => {
  test('nothing in lib/ imports the handler, the dev tooling, the scripts or the tests', () => {
    const offenders = sourcesUnder('lib').flatMap((file) => importsOf(file)
      .filter((target) => ['lambda', 'dev', 'scripts', 'test'].includes(topFolder(target)))
      .map((target) => `${file} → ${target}`));
    expect(offenders).toEqual([]);
  });

  test('the handler imports from lib/ only the shared contract', () => {
    const offenders = sourcesUnder('lambda').flatMap((file) => importsOf(file)
      .filter((target) => topFolder(target) !== 'lambda' && !target.startsWith(path.join('lib', 'shared') + path.sep))
      .map((target) => `${file} → ${target}`));
    expect(offenders).toEqual([]);
  });

  test('only tests import from test/', () => {
    const offenders = [...sourcesUnder('lib'), ...sourcesUnder('lambda'), ...sourcesUnder('dev'), ...sourcesUnder('scripts'), ...sourcesUnder('bin')]
      .flatMap((file) => importsOf(file).filter((target) => topFolder(target) === 'test').map((target) => `${file} → ${target}`));
    expect(offenders).toEqual([]);
  });

  test('lib/shared has no CDK imports (the handler bundles it)', () => {
    const offenders = sourcesUnder(path.join('lib', 'shared'))
      .filter((file) => /from\s+['"](aws-cdk-lib|constructs)/.test(fs.readFileSync(path.join(ROOT, file), 'utf-8')));
    expect(offenders).toEqual([]);
  });

  test('no barrel exports a private folder', () => {
    const offenders = sourcesUnder('lib').filter((file) => path.basename(file) === 'index.ts')
      .filter((file) => /private/.test(fs.readFileSync(path.join(ROOT, file), 'utf-8')));
    expect(offenders).toEqual([]);
  });
});

describe('shape of the tree', () => {
  test('lib/ holds only index.ts and folders', () => {
    const files = fs.readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map((entry) => entry.name);
    expect(files).toEqual(['index.ts']);
  });

  test('no file in lib/ or lambda/ holds more than about 400 lines', () => {
    const tooLong = [...sourcesUnder('lib'), ...sourcesUnder('lambda')]
      .map((file) => ({ file, lines: fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n').length }))
      .filter(({ lines }) => lines > 420);
    expect(tooLong).toEqual([]);
  });
});
