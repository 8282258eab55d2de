import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of one process in bytes, or 0 when it is gone. */
export function vmRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of a process (cluster workers of the server's primary). */
export function childPids(pid: number): number[] {
  const children = new Set<number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const child of list.split(/\s+/).filter(Boolean)) children.add(Number(child));
    }
    return [...children];
  } catch {
    // No /proc/<pid>/task/<tid>/children on this kernel: scan /proc for the parent pid.
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.add(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return [...children];
}

/** RSS of the server: the process plus its workers. */
export function treeRss(pid: number): number {
  return vmRss(pid) + childPids(pid).reduce((sum, child) => sum + vmRss(child), 0);
}

/** Samples the server's RSS every `intervalMs` until stopped; reports the peak. */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: () => number | undefined,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.peak = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }

  private sample(): void {
    const pid = this.pid();
    if (pid) this.peak = Math.max(this.peak, treeRss(pid));
  }
}
