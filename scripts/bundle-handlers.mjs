// Bundles the Lambda handlers into assets/ with esbuild (run by `npx projen bundle`, before compile and test).
// The AWS SDK and Powertools are bundled, not externalized, so the deployed versions are the ones pinned here.
// Idempotent and fast: esbuild rebuilds in well under a second and only rewrites files whose content changed.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The package's commands that need more than lib/ (the AWS SDK, the fake Bedrock, the handler): lib/cli/main.ts
// loads them from assets/cli/. They run on the user's Node.js, so they target the library's floor.
// `require.main` is undefined inside them, so no script they bundle runs its own command line when loaded.
const nodeFloor = await libraryNodeFloor();
const handlers = [
  { entry: 'lambda/invoker/index.ts', outdir: 'assets/invoker' },
  { entry: 'lambda/canary/index.ts', outdir: 'assets/canary' },
  ...['update-profiles', 'drill'].map((command) => ({
    entry: `scripts/${command}.ts`, outdir: 'assets/cli', file: `${command}.js`, target: nodeFloor, define: { 'require.main': 'undefined' },
  })),
];

/** esbuild's target for package.json's `engines.node` (`>= 20.16.0` → `node20.16`). */
async function libraryNodeFloor() {
  const { engines } = JSON.parse(await readFile(join(root, 'package.json'), 'utf-8'));
  return `node${/\d+(\.\d+)?/.exec(engines.node)[0]}`;
}

for (const handler of handlers) {
  const started = Date.now();
  const result = await build({
    entryPoints: [join(root, handler.entry)],
    bundle: true,
    platform: 'node',
    // Lambda handlers: the oldest runtime the constructs accept (`runtime`: Node.js 22 or newer; default
    // nodejs24.x). esbuild knows `node24`, but its output for the invoker is byte-identical for node22 and node24 (checked with
    // esbuild 0.28), so targeting 22 costs nothing and keeps an overridden nodejs22.x runtime working.
    // CI runs the handler tests on Node.js 24 (.ci/run).
    target: handler.target ?? 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    define: handler.define,
    outfile: join(root, handler.outdir, handler.file ?? 'index.js'),
    logLevel: 'warning',
    write: false,
  });
  await mkdir(join(root, handler.outdir), { recursive: true });
  let written = 0;
  for (const file of result.outputFiles) {
    const existing = await readFile(file.path).catch(() => undefined);
    if (existing === undefined || !existing.equals(Buffer.from(file.contents))) {
      await writeFile(file.path, file.contents);
      written += 1;
    }
  }
  const size = result.outputFiles.find((file) => file.path.endsWith('.js'))?.contents.length ?? 0;
  console.log(`bundled ${handler.entry} → ${handler.outdir}/${handler.file ?? 'index.js'} (${Math.round(size / 1024)} KiB, ${written} file(s) updated, ${Date.now() - started} ms)`);
}
