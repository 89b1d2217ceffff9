// Bundles the Lambda handlers into assets/ with esbuild (run by `npx projen bundle`, before compile and test).
// The AWS SDK and Powertools are bundled, not externalized, so the deployed versions are the ones pinned here.
// Idempotent and fast: esbuild rebuilds in well under a second and only rewrites files whose content changed.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlers = [{ entry: 'lambda/invoker/index.ts', outdir: 'assets/invoker' }];

for (const handler of handlers) {
  const started = Date.now();
  const result = await build({
    entryPoints: [join(root, handler.entry)],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    outfile: join(root, handler.outdir, 'index.js'),
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
  console.log(`bundled ${handler.entry} → ${handler.outdir}/index.js (${Math.round(size / 1024)} KiB, ${written} file(s) updated, ${Date.now() - started} ms)`);
}
