import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childPids } from './rss';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * utime + stime of one process (all its threads), or of one thread, in seconds; 0 when it is gone.
 * With `reapedChildren`, the time of its children that have ended is added (cutime + cstime), so a
 * tree's sum does not drop when a child ends (e.g. an autovacuum worker of PostgreSQL).
 */
function processCpuSeconds(pid: number, tid?: number, reapedChildren = false): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17.
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + reaped) / clockTicks();
  } catch {
    return 0;
  }
}

/** The main (JavaScript) threads of a process tree: thread id = process id. */
function treeMainThreadSeconds(root: number): number {
  return treePids(root).reduce((sum, pid) => sum + processCpuSeconds(pid, pid), 0);
}

function treePids(root: number): number[] {
  const pids: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (pids.includes(pid)) continue;
    pids.push(pid);
    stack.push(...childPids(pid));
  }
  return pids;
}

function treeCpuSeconds(root: number): number {
  return treePids(root).reduce((sum, pid) => sum + processCpuSeconds(pid, undefined, true), 0);
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / clockTicks(), total: (busy + idle + iowait) / clockTicks() };
}

/** Named groups of processes: each root with all its descendants, or (`alone`) just the process. */
export type CpuGroups = Record<string, { roots: number[]; alone?: boolean; mainThread?: boolean }>;

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  groups: Record<string, number>;
}

export function cpuSnapshot(groups: CpuGroups): CpuSnapshot {
  const sums: Record<string, number> = {};
  for (const [name, { roots, alone }] of Object.entries(groups)) {
    sums[name] = roots.reduce((sum, pid) => sum + (alone ? processCpuSeconds(pid) : treeCpuSeconds(pid)), 0);
  }
  // Main threads are reported beside their group (a part of it, not added to the machine's sum).
  for (const [name, { roots, mainThread }] of Object.entries(groups)) {
    if (mainThread) sums[`${name} main thread`] = roots.reduce((sum, pid) => sum + treeMainThreadSeconds(pid), 0);
  }
  return { at: performance.now(), machine: machineCpuSeconds(), groups: sums };
}

/** CPU used between two snapshots, in cores (CPU seconds per second); `other` is the rest of the machine. */
export interface CpuUse {
  cores: Record<string, number>;
  machineCores: number;
  otherCores: number;
  availableCores: number;
}

export function cpuUse(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const seconds = (to.at - from.at) / 1000;
  const cores: Record<string, number> = {};
  let ours = 0;
  for (const name of Object.keys(to.groups)) {
    cores[name] = Math.max(0, (to.groups[name] - (from.groups[name] ?? 0)) / seconds);
    if (!name.endsWith(' main thread')) ours += cores[name];
  }
  const machineCores = (to.machine.busy - from.machine.busy) / seconds;
  return {
    cores,
    machineCores,
    otherCores: Math.max(0, machineCores - ours),
    availableCores: (to.machine.total - from.machine.total) / seconds,
  };
}
