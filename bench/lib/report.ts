import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argon2Ceiling } from './argon2-ceiling';
import type { ProfileSummary } from './cpu-profile';
import type { ScenarioResult } from './load';
import type { QueryCount } from './query-count';

export interface BenchReport {
  startedAt: string;
  totalSeconds: number;
  git: string;
  machine: string;
  database: string;
  settings: {
    webConcurrency: number;
    connections: number;
    seconds: number;
    warmupSeconds: number;
    verifyWarmupSeconds: number;
    argon2: Record<string, unknown>;
    cpuProfile: boolean;
    serverCommand: string;
  };
  ceiling: Argon2Ceiling;
  scenarios: ScenarioResult[];
  queryCounts: QueryCount[];
  setupNotes: string[];
  phases: Record<string, number>;
  profiles: Record<string, ProfileSummary>;
}

/** better-auth 1.x with its twoFactor plugin, measured on this 2-core machine (issue 6). */
export const BETTER_AUTH = {
  sessionCheck: { reqPerSec: 668, p99: 85 },
  totpVerify: { reqPerSec: 207, p99: 230 },
  passwordSignIn: { reqPerSec: 17.7 },
};
const RSS_LIMIT_MIB = 200;
const LOGIN_SHARE_OF_CEILING = 0.8;

const MIB = 1024 * 1024;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number) => x.toFixed(1);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

function scenarioKey(result: ScenarioResult): 'me' | 'login' | 'verify' | undefined {
  if (result.name.startsWith('me')) return 'me';
  if (result.name.startsWith('login')) return 'login';
  if (result.name.startsWith('verify')) return 'verify';
  return undefined;
}

function sqlFor(report: BenchReport, key: string | undefined): string {
  const name = { me: 'me', login: 'login (2FA on)', verify: 'verifyLoginSecondFactor (TOTP)' }[key ?? ''] ?? '';
  const count = report.queryCounts.find((c) => c.operation === name);
  return count ? String(count.queries) : 'n/a';
}

interface TargetRow {
  target: string;
  measured: string;
  goal: string;
  met: boolean;
  by: string;
}

export function targets(report: BenchReport): TargetRow[] {
  const rows: TargetRow[] = [];
  const find = (key: string) => report.scenarios.find((s) => scenarioKey(s) === key);
  const ratio = (measured: number, goal: number, higherIsBetter: boolean) => {
    const met = higherIsBetter ? measured >= goal : measured <= goal;
    const pct = ((measured - goal) / goal) * 100;
    return { met, by: `${pct >= 0 ? '+' : ''}${pct.toFixed(0)}% vs goal` };
  };
  const me = find('me');
  if (me) {
    const goalRps = 2 * BETTER_AUTH.sessionCheck.reqPerSec;
    const goalP99 = BETTER_AUTH.sessionCheck.p99 / 2;
    rows.push({ target: '`me` req/s ≥ 2× better-auth session check', measured: n0(me.reqPerSec), goal: `≥ ${n0(goalRps)}`, ...ratio(me.reqPerSec, goalRps, true) });
    rows.push({ target: '`me` p99 ≤ ½ better-auth', measured: `${ms(me.p99)} ms`, goal: `≤ ${goalP99} ms`, ...ratio(me.p99, goalP99, false) });
  }
  const verify = find('verify');
  if (verify) {
    const goalRps = 2 * BETTER_AUTH.totpVerify.reqPerSec;
    const goalP99 = BETTER_AUTH.totpVerify.p99 / 2;
    rows.push({ target: '`verifyLoginSecondFactor` req/s ≥ 2× better-auth TOTP verify', measured: n0(verify.reqPerSec), goal: `≥ ${n0(goalRps)}`, ...ratio(verify.reqPerSec, goalRps, true) });
    rows.push({ target: '`verifyLoginSecondFactor` p99 ≤ ½ better-auth', measured: `${ms(verify.p99)} ms`, goal: `≤ ${goalP99} ms`, ...ratio(verify.p99, goalP99, false) });
    rows.push({ target: '`verifyLoginSecondFactor` errors (no replay, no failure)', measured: n0(verify.errors), goal: '0', met: verify.errors === 0, by: '' });
  }
  const login = find('login');
  if (login) {
    const share = login.reqPerSec / report.ceiling.perSecond;
    rows.push({
      target: '`login` ≥ 80% of the argon2 ceiling of this run',
      measured: `${n1(login.reqPerSec)}/s = ${(share * 100).toFixed(0)}% of ${n1(report.ceiling.perSecond)}/s`,
      goal: `≥ ${n1(report.ceiling.perSecond * LOGIN_SHARE_OF_CEILING)}/s`,
      ...ratio(share, LOGIN_SHARE_OF_CEILING, true),
    });
  }
  if (report.scenarios.length > 0) {
    const peak = Math.max(...report.scenarios.map((s) => s.peakRssBytes));
    rows.push({ target: 'server peak RSS under load (all scenarios)', measured: mib(peak), goal: `≤ ${RSS_LIMIT_MIB} MiB`, ...ratio(peak / MIB, RSS_LIMIT_MIB, false) });
  }
  return rows;
}

export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  const lines: string[] = [];
  lines.push(`# Benchmark ${report.startedAt} — WEB_CONCURRENCY=${s.webConcurrency}`);
  lines.push('');
  lines.push(
    `Commit ${report.git}; ${report.machine}; PostgreSQL: ${report.database}. Load: autocannon 8 on loopback from the bench process, ` +
      `${s.connections} connections, ${s.seconds} s per scenario after a ${s.warmupSeconds} s warm-up (verify: ${s.verifyWarmupSeconds} s); ` +
      `server \`${s.serverCommand}\` with NODE_ENV=production, IP_RATE_LIMIT_PER_MINUTE=0${s.cpuProfile ? ', **--cpu-prof (slower; restarted per scenario)**' : ''}. ` +
      'An error is a response that is not HTTP 200, has `errors` in its body or not the expected result, or a socket error/timeout. ' +
      `Whole run: ${n0(report.totalSeconds)} s.`,
  );
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p99 ms | errors | server peak RSS | SQL statements / request |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of report.scenarios) {
    const ran = r.endedEarly ? ` (ran ${n1(r.seconds)} s)` : '';
    lines.push(
      `| ${r.name}${ran} | ${n0(r.reqPerSec)} | ${ms(r.p50)} | ${ms(r.p99)} | ${n0(r.errors)} / ${n0(r.completed)} | ${mib(r.peakRssBytes)} | ${sqlFor(report, scenarioKey(r))} |`,
    );
  }
  const c = report.ceiling;
  lines.push(
    `| argon2id verify() alone: ${c.concurrency} concurrent calls in the bench process, server idle (login's ceiling) | ${n1(c.perSecond)} | ${ms(c.p50)} | ${ms(c.p99)} | 0 / ${n0(c.completed)} | – | – |`,
  );
  lines.push('');
  lines.push(
    `argon2id: m=${String(s.argon2.memoryCost)} KiB, t=${String(s.argon2.timeCost)}, p=${String(s.argon2.parallelism)} (@node-rs/argon2, the server's ARGON2_OPTIONS), ` +
      `on libuv's pool of ${c.threadpoolSize} threads, ${n1(c.seconds)} s after a 2 s warm-up.`,
  );
  const withCpu = report.scenarios.filter((r) => r.cpu);
  if (withCpu.length > 0) {
    const groups = [...new Set(withCpu.flatMap((r) => Object.keys(r.cpu!.cores)))];
    const perRequestGroups = groups.filter((g) => !g.startsWith('bench'));
    lines.push('');
    lines.push(
      `Where the machine's ${n1(withCpu[0].cpu!.availableCores)} cores went during each measured phase (CPU seconds per second, from /proc; ` +
        '"server main thread" is the JavaScript thread, the rest of "server" is libuv\'s pool (argon2) and V8\'s helpers; ' +
        '"other" is everything else on the machine, e.g. other test runs, and interrupt work). Then CPU milliseconds per request:',
    );
    lines.push('');
    lines.push(`| scenario | ${groups.join(' | ')} | other | ${perRequestGroups.map((g) => `${g} ms/req`).join(' | ')} |`);
    lines.push(`|---|${[...groups, 'other', ...perRequestGroups].map(() => '---:').join('|')}|`);
    for (const r of withCpu) {
      const c = r.cpu!;
      const perRequest = (cores: number | undefined) => (r.reqPerSec > 0 && cores !== undefined ? ((cores / r.reqPerSec) * 1000).toFixed(2) : '–');
      lines.push(
        `| ${r.name.replace(/ \(.*$/, '')} | ${groups.map((g) => (c.cores[g] !== undefined ? c.cores[g].toFixed(2) : '–')).join(' | ')} | ${c.otherCores.toFixed(2)} | ${perRequestGroups.map((g) => perRequest(c.cores[g])).join(' | ')} |`,
      );
    }
  }
  lines.push('');
  lines.push(`## Targets (better-auth + twoFactor here: session check ${BETTER_AUTH.sessionCheck.reqPerSec} req/s p99 ${BETTER_AUTH.sessionCheck.p99} ms; TOTP verify ${BETTER_AUTH.totpVerify.reqPerSec} req/s p99 ${BETTER_AUTH.totpVerify.p99} ms; password sign-in ${BETTER_AUTH.passwordSignIn.reqPerSec} req/s)`);
  lines.push('');
  lines.push('| target | measured | goal | |');
  lines.push('|---|---:|---:|---|');
  for (const t of targets(report)) lines.push(`| ${t.target} | ${t.measured} | ${t.goal} | ${t.met ? 'met' : '**missed**'}${t.by ? ` (${t.by})` : ''} |`);
  const login = report.scenarios.find((r) => scenarioKey(r) === 'login');
  if (login) lines.push('', `For reference, \`login\` is ${(login.reqPerSec / BETTER_AUTH.passwordSignIn.reqPerSec).toFixed(1)}× better-auth's password sign-in (whose hashing differs).`);
  if (report.queryCounts.length > 0) {
    lines.push('', '## SQL statements per operation', '', 'Counted from PostgreSQL\'s own log (log_statement = all) for one call of each, after the load; `START TRANSACTION`/`COMMIT` count as statements.', '');
    for (const q of report.queryCounts) {
      lines.push(`- **${q.operation}: ${q.queries}**`);
      for (const sql of q.statements) lines.push(`  - \`${sql.length > 160 ? `${sql.slice(0, 157)}…` : sql}\``);
    }
  }
  const errored = report.scenarios.filter((r) => r.errorSamples.length > 0 || r.warmup.errorSamples.length > 0);
  if (errored.length > 0) {
    lines.push('', '## Error samples', '');
    for (const r of errored) for (const e of [...r.warmup.errorSamples.map((x) => `warm-up: ${x}`), ...r.errorSamples]) lines.push(`- ${r.name}: \`${e.replace(/`/g, "'")}\``);
  }
  lines.push('', '## Setup', '');
  for (const note of report.setupNotes) lines.push(`- ${note}`);
  lines.push(`- time by phase: ${Object.entries(report.phases).map(([k, v]) => `${k} ${n0(v)} s`).join(', ')}`);
  for (const [name, p] of Object.entries(report.profiles)) {
    lines.push('', `## CPU profile: ${name}`, '', `${p.files} profile file(s); ${n0(p.busyMs)} ms busy, ${n0(p.idleMs)} ms idle on the server's main thread(s). Self time:`, '');
    lines.push('| where | ms | share of busy |', '|---|---:|---:|');
    for (const a of p.byArea) lines.push(`| ${a.area} | ${n0(a.ms)} | ${(a.share * 100).toFixed(1)}% |`);
    lines.push('', '| function | where | ms | share |', '|---|---|---:|---:|');
    for (const f of p.topFunctions) lines.push(`| ${f.fn} | ${f.where} | ${n0(f.ms)} | ${(f.share * 100).toFixed(1)}% |`);
  }
  return `${lines.join('\n')}\n`;
}

export function printReport(report: BenchReport): void {
  console.log(`\n${renderMarkdown(report)}`);
}

/** bench/results/<stem>.md and .json, and latest.md / latest.json. */
export function writeReport(report: BenchReport, dir: string, stem: string): string[] {
  mkdirSync(dir, { recursive: true });
  const markdown = renderMarkdown(report);
  const json = `${JSON.stringify({ ...report, targets: targets(report) }, null, 2)}\n`;
  const files = [join(dir, `${stem}.md`), join(dir, `${stem}.json`), join(dir, 'latest.md'), join(dir, 'latest.json')];
  writeFileSync(files[0], markdown);
  writeFileSync(files[1], json);
  writeFileSync(files[2], markdown);
  writeFileSync(files[3], json);
  return files;
}
