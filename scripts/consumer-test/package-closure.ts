/**
 * Which top-level folders of an installed `node_modules` a set of packages needs, so the consumer test
 * can give its app the repository's installed dependencies without the network.
 */
import * as path from 'node:path';

/** The fields of a `package.json` that say what a package needs at run time. */
export interface PackageManifest {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly bundleDependencies?: string[] | boolean;
  readonly bundledDependencies?: string[] | boolean;
}

/** Reads the manifest of the package in a folder, or `undefined` when no package is there. */
export type ManifestReader = (packageDir: string) => PackageManifest | undefined;

/**
 * The top-level package names under `nodeModules` (`aws-cdk-lib`, `@types/node`) that `roots` need:
 * the roots and every dependency they reach, resolved as Node.js does (the package's own
 * `node_modules` first, then each enclosing one). Copying those folders whole also copies the
 * nested `node_modules` that npm did not hoist. Bundled dependencies ship inside their package.
 *
 * @throws Error when a root, or a dependency that is not optional, is not installed
 */
export function packageClosure(nodeModules: string, roots: readonly string[], read: ManifestReader): string[] {
  const topLevel = new Set<string>();
  const visited = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean, requiredBy: string) => {
    const dir = resolvePackage(nodeModules, name, fromDir, read);
    if (dir === undefined) {
      if (optional) return;
      throw new Error(`${name} (needed by ${requiredBy}) is not installed under ${nodeModules}: run npm ci first`);
    }
    if (visited.has(dir)) return;
    visited.add(dir);
    const relative = path.relative(nodeModules, dir).split(path.sep);
    const topName = relative[0].startsWith('@') ? `${relative[0]}/${relative[1]}` : relative[0];
    topLevel.add(topName);
    const manifest = read(dir)!;
    const bundled = new Set(bundledNames(manifest));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (!bundled.has(dep)) visit(dep, dir, dep in (manifest.optionalDependencies ?? {}), name);
    }
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
      if (!bundled.has(dep)) visit(dep, dir, true, name);
    }
  };
  for (const root of roots) visit(root, nodeModules, false, 'the consumer app');
  return [...topLevel].sort();
}

function bundledNames(manifest: PackageManifest): string[] {
  const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies;
  if (bundled === true) return Object.keys(manifest.dependencies ?? {});
  return Array.isArray(bundled) ? bundled : [];
}

/** The folder `require(name)` finds from `fromDir`, looking no higher than `nodeModules`. */
function resolvePackage(nodeModules: string, name: string, fromDir: string, read: ManifestReader): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir === nodeModules ? dir : path.join(dir, 'node_modules'), name);
    if (read(candidate) !== undefined) return candidate;
    if (dir === nodeModules) return undefined;
    const parent = enclosingPackageDir(nodeModules, dir);
    dir = parent ?? nodeModules;
  }
}

/** The package folder that holds `dir` in its `node_modules`, or `undefined` for a top-level package. */
function enclosingPackageDir(nodeModules: string, dir: string): string | undefined {
  const parts = path.relative(nodeModules, dir).split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  return path.join(nodeModules, ...parts.slice(0, at));
}

/** The `packages` of an npm lock file (lockfileVersion 2 or 3): install path → entry. */
export type LockedPackages = Record<string, Record<string, unknown>>;

const DEPENDENCY_FLAGS = new Set(['dev', 'optional', 'peer', 'devOptional']);

/**
 * The entries of `lockPackages` (the repository's `package-lock.json` `packages`) for the top-level
 * folders `names` and everything nested in them, without the dev/optional/peer flags, which npm
 * works out again for the app. With them in the app's lock file, `npm install --offline` trusts the
 * copied folders instead of asking the registry about every package.
 */
export function lockedPackagesOf(lockPackages: LockedPackages, names: readonly string[]): LockedPackages {
  const result: LockedPackages = {};
  for (const [location, entry] of Object.entries(lockPackages)) {
    if (!names.some(name => location === `node_modules/${name}` || location.startsWith(`node_modules/${name}/`))) continue;
    result[location] = Object.fromEntries(Object.entries(entry).filter(([key]) => !DEPENDENCY_FLAGS.has(key)));
  }
  return result;
}
