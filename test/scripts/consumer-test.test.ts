/**
 * The consumer test's pure parts: which README blocks are complete apps, and which installed packages
 * (and lock-file entries) a consumer app needs to install offline.
 */
import * as path from 'node:path';
import { lockedPackagesOf, packageClosure, PackageManifest } from '../../scripts/consumer-test/package-closure';
import { exampleFileName, FRAGMENT_MARKER, readmeExamples } from '../../scripts/consumer-test/readme-examples';

describe('readmeExamples', () => {
  const readme = [
    '# Title',
    '## A minimal example',
    '',
    '```ts',
    "import { App } from 'aws-cdk-lib';",
    'new App();',
    '```',
    '',
    'Pieces:',
    '',
    FRAGMENT_MARKER,
    '',
    '```typescript',
    'grant(role);',
    '```',
    '## Shell',
    '```bash',
    'npm test',
    '```',
    '````ts',
    '```ts nested',
    '````',
  ].join('\n');

  test('every ts/typescript block is an app, verbatim, with its section and the line of its fence', () => {
    const { apps } = readmeExamples(readme);
    expect(apps).toEqual([
      { section: 'A minimal example', line: 4, code: "import { App } from 'aws-cdk-lib';\nnew App();\n" },
      { section: 'Shell', line: 20, code: '```ts nested\n' },
    ]);
  });

  test('a block right under the fragment marker (blank lines aside) is a fragment, not an app', () => {
    expect(readmeExamples(readme).fragments).toEqual([{ section: 'A minimal example', line: 13, code: 'grant(role);\n' }]);
  });

  test('the marker counts only for the very next block', () => {
    const text = [FRAGMENT_MARKER, 'Some text.', '```ts', 'a();', '```'].join('\n');
    expect(readmeExamples(text).apps.map(a => a.code)).toEqual(['a();\n']);
    expect(readmeExamples(text).fragments).toEqual([]);
  });

  test('an unclosed fence is an error that names its line', () => {
    expect(() => readmeExamples('text\n```ts\nnew App();\n')).toThrow(/README line 2: the code block opened here is never closed/);
  });

  test('file names: line and section slug', () => {
    expect(exampleFileName({ section: 'A minimal example', line: 25, code: '' })).toBe('readme-25-a-minimal-example.ts');
    expect(exampleFileName({ section: '', line: 3, code: '' })).toBe('readme-3.ts');
  });
});

describe('packageClosure', () => {
  const root = path.join('/repo', 'node_modules');
  const manifests: Record<string, PackageManifest> = {
    'aws-cdk-lib': { dependencies: { 'fs-extra': '^11', 'jsonschema': '^1', '@aws-cdk/asset-awscli-v1': '2' }, bundleDependencies: ['fs-extra', 'jsonschema'] },
    '@aws-cdk/asset-awscli-v1': {},
    'ts-node': { dependencies: { acorn: '^8', diff: '^4' }, optionalDependencies: { fsevents: '^2' } },
    'acorn': {},
    'ts-node/node_modules/diff': { dependencies: { 'make-error': '^1' } },
    'diff': { dependencies: { unused: '^1' } },
    'make-error': {},
    'broken': { dependencies: { 'missing-one': '^1' } },
  };
  const read = (dir: string) => manifests[path.relative(root, dir).split(path.sep).join('/')];

  test('roots and what they reach, hoisted or nested as Node.js resolves them; bundled ones ship inside', () => {
    expect(packageClosure(root, ['aws-cdk-lib'], read)).toEqual(['@aws-cdk/asset-awscli-v1', 'aws-cdk-lib']);
  });

  test("a package's own node_modules wins over the hoisted copy; the nested one's dependencies resolve upwards", () => {
    // ts-node uses its nested diff (which needs the hoisted make-error), not the hoisted diff (which needs `unused`).
    expect(packageClosure(root, ['ts-node'], read)).toEqual(['acorn', 'make-error', 'ts-node']);
  });

  test('a missing dependency that is not optional is an error naming who needs it', () => {
    expect(() => packageClosure(root, ['broken'], read)).toThrow(/missing-one \(needed by broken\) is not installed .*run npm ci first/);
    expect(() => packageClosure(root, ['absent'], read)).toThrow(/absent \(needed by the consumer app\)/);
  });
});

describe('lockedPackagesOf', () => {
  const lock = {
    '': { name: 'repo' },
    'node_modules/aws-cdk-lib': { version: '2.258.0', integrity: 'sha512-a', dev: true, license: 'Apache-2.0' },
    'node_modules/aws-cdk-lib/node_modules/semver': { version: '7.0.0', dev: true, peer: true },
    'node_modules/aws-cdk': { version: '2.1148.1', devOptional: true },
    'node_modules/other': { version: '1.0.0', optional: true },
  };

  test('the entries of the named folders and everything nested in them, without dependency flags', () => {
    expect(lockedPackagesOf(lock, ['aws-cdk-lib'])).toEqual({
      'node_modules/aws-cdk-lib': { version: '2.258.0', integrity: 'sha512-a', license: 'Apache-2.0' },
      'node_modules/aws-cdk-lib/node_modules/semver': { version: '7.0.0' },
    });
  });

  test('a name matches whole folder names only (aws-cdk is not aws-cdk-lib)', () => {
    expect(Object.keys(lockedPackagesOf(lock, ['aws-cdk']))).toEqual(['node_modules/aws-cdk']);
  });
});
