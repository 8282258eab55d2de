import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  files: number;
  /** Sampled time that was not idle, in ms. */
  busyMs: number;
  idleMs: number;
  /** Self time by where the code lives (a package, node internals, GC, the app). */
  byArea: Array<{ area: string; ms: number; share: number }>;
  /** Functions with the most self time. */
  topFunctions: Array<{ fn: string; where: string; ms: number; share: number }>;
}

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not attributed)';
    return `native ${functionName}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/src/')) return 'app (dist/src)';
  return url;
}

function shortWhere(frame: ProfileNode['callFrame']): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const inPkg = /node_modules\/(.*)$/.exec(url);
  const path = inPkg ? inPkg[1] : url.replace(/^.*\/dist\//, 'dist/');
  return path ? `${path}:${frame.lineNumber + 1}` : '';
}

/** Sums the .cpuprofile files in a folder (one per server process) by self time. */
export function summariseProfiles(dir: string, top = 15): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { fn: string; where: string; ms: number }>();
  let idleUs = 0;
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      const node = nodes.get(id);
      if (!node) return;
      totalUs += delta;
      const area = areaOf(node.callFrame);
      if (area === '(idle)') {
        idleUs += delta;
        return;
      }
      byArea.set(area, (byArea.get(area) ?? 0) + delta);
      const fn = node.callFrame.functionName || '(anonymous)';
      const where = shortWhere(node.callFrame);
      const key = `${fn}@${where}`;
      const entry = byFunction.get(key) ?? { fn, where, ms: 0 };
      entry.ms += delta;
      byFunction.set(key, entry);
    });
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    files: files.length,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    byArea: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) })),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, where: f.where, ms: f.ms / 1000, share: share(f.ms) })),
  };
}
