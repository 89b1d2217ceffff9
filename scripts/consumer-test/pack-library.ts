/**
 * Packs the library as npm would publish it, from a copy of the working tree, so the checkout gets no
 * compiled files: the handler bundle, jsii's compilation, jsii-rosetta's strict compile of every snippet, then `npm pack`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './run';

/**
 * Copies the files git would see in `repo` (tracked and untracked, not ignored: the working tree's
 * current content) to `copyDir`, links the repository's `node_modules`, builds there and packs.
 *
 * @returns the path of the tarball, in `outDir`
 */
export function packLibrary(repo: string, copyDir: string, outDir: string): string {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo });
  const files = listed.split('\0').filter(file => file !== '' && fs.statSync(path.join(repo, file), { throwIfNoEntry: false })?.isFile());
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(copyDir, file)), { recursive: true });
    fs.copyFileSync(path.join(repo, file), path.join(copyDir, file));
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(copyDir, 'node_modules'), 'dir');
  run('node', ['scripts/bundle-handlers.mjs'], { cwd: copyDir });
  run('npx', ['--no-install', 'jsii', '--silence-warnings=reserved-word'], { cwd: copyDir });
  // Every snippet of the README and of the API docs must compile in strict mode, or Construct Hub cannot
  // show it in Python, Java, .NET or Go (fixtures in rosetta/: the names a fragment takes as given).
  run('npx', ['--no-install', 'jsii-rosetta', 'extract', '--strict', '--compile', '--fail'], { cwd: copyDir });
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: copyDir })) as Array<{ filename: string }>;
  return path.join(outDir, packed[0].filename);
}
