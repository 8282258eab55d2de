import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argon2Ceiling } from './argon2-ceiling';
import type { ProfileSummary } from './cpu-profile';
import type { ScenarioResult } from './load';
import type { PruningPass } from '../../src/maintenance/data-pruning.service';
import type { ExplainedStatement, QueryCount } from './query-count';
import type { SeedSummary, TableSize } from './seed';
import type { SoakResult } from './soak';

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
  /** EXPLAIN (ANALYZE, BUFFERS) of each statement counted in queryCounts. */
  plans?: ExplainedStatement[];
  /** The same scenarios again after seeding `users` accounts in bulk (`--users N`). */
  scale?: ScaleReport;
  /** The server's scenarios again with `workers` worker processes (BENCH_COMPARE_CONCURRENCY), same database and users. */
  concurrency?: { workers: number; scenarios: ScenarioResult[] };
}

export interface ScaleReport {
  users: number;
  seed: SeedSummary;
  scenarios: ScenarioResult[];
  queryCounts: QueryCount[];
  plans: ExplainedStatement[];
  /** One batch of each pruner's DELETE, explained (rolled back) before the pass. */
  prunePlans: ExplainedStatement[];
  sizesBefore: TableSize[];
  sizesAfter: TableSize[];
  prune: PruningPass;
}

/** better-auth 1.7.25 with its twoFactor plugin on PostgreSQL 15, measured on this 2-core machine (issue 23's run). */
export const BETTER_AUTH = {
  sessionCheck: { reqPerSec: 694, p99: 94 },
  totpVerify: { reqPerSec: 214, p99: 214 },
  passwordSignIn: { reqPerSec: 19.1 },
};
/** How many times better-auth's req/s each scenario must reach. */
const ME_TIMES_PEER = 2;
const VERIFY_TIMES_PEER = 3;
const RSS_LIMIT_MIB = 256;
const ME_SHARE_OF_FLOOR = 0.5;
/** At a million users each scenario keeps at least this share of its small-run req/s. */
const SCALE_KEEPS = 0.9;
const SOAK_RSS_GROWTH = 0.1;
const SEQ_SCAN_OK_BELOW_ROWS = 10_000;
const LOGIN_SHARE_OF_CEILING = 0.8;

const MIB = 1024 * 1024;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number) => x.toFixed(1);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

function scenarioKey(result: ScenarioResult): 'me' | 'floor' | 'login' | 'verify' | undefined {
  if (result.name.startsWith('floor')) return 'floor';
  if (result.name.startsWith('me')) return 'me';
  if (result.name.startsWith('login')) return 'login';
  if (result.name.startsWith('verify')) return 'verify';
  return undefined;
}

function sqlFor(report: { queryCounts: QueryCount[] }, key: string | undefined): string {
  const name = { me: 'me', floor: 'me', login: 'login (2FA on)', verify: 'verifyLoginSecondFactor (TOTP)' }[key ?? ''] ?? '';
  const count = report.queryCounts.find((c) => c.operation === name);
  if (key === 'floor') return '1';
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
    const goalRps = ME_TIMES_PEER * BETTER_AUTH.sessionCheck.reqPerSec;
    const goalP99 = BETTER_AUTH.sessionCheck.p99 / 2;
    rows.push({ target: `\`me\` req/s ≥ ${ME_TIMES_PEER}× better-auth session check`, measured: n0(me.reqPerSec), goal: `≥ ${n0(goalRps)}`, ...ratio(me.reqPerSec, goalRps, true) });
    rows.push({ target: '`me` p99 ≤ ½ better-auth', measured: `${ms(me.p99)} ms`, goal: `≤ ${goalP99} ms`, ...ratio(me.p99, goalP99, false) });
  }
  const verify = find('verify');
  if (verify) {
    const goalRps = VERIFY_TIMES_PEER * BETTER_AUTH.totpVerify.reqPerSec;
    const goalP99 = BETTER_AUTH.totpVerify.p99 / 2;
    rows.push({ target: `\`verifyLoginSecondFactor\` req/s ≥ ${VERIFY_TIMES_PEER}× better-auth TOTP verify`, measured: n0(verify.reqPerSec), goal: `≥ ${n0(goalRps)}`, ...ratio(verify.reqPerSec, goalRps, true) });
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
  const floorShare = (scenarios: ScenarioResult[], label: string) => {
    const ofMe = scenarios.find((r) => scenarioKey(r) === 'me');
    const floor = scenarios.find((r) => scenarioKey(r) === 'floor');
    if (!ofMe || !floor || floor.reqPerSec === 0) return;
    const share = ofMe.reqPerSec / floor.reqPerSec;
    rows.push({
      target: `\`me\` ≥ 50% of the floor (bare node:http + pg, same lookup)${label}`,
      measured: `${n0(ofMe.reqPerSec)} = ${(share * 100).toFixed(0)}% of ${n0(floor.reqPerSec)}`,
      goal: `≥ ${n0(floor.reqPerSec * ME_SHARE_OF_FLOOR)}`,
      ...ratio(share, ME_SHARE_OF_FLOOR, true),
    });
  };
  floorShare(report.scenarios, '');
  const scale = report.scale;
  if (scale) {
    floorShare(scale.scenarios, ` at ${n0(scale.users)} users`);
    const loginLarge = scale.scenarios.find((r) => scenarioKey(r) === 'login');
    if (loginLarge) {
      const share = loginLarge.reqPerSec / report.ceiling.perSecond;
      rows.push({ target: `\`login\` ≥ 80% of the argon2 ceiling at ${n0(scale.users)} users`, measured: `${n1(loginLarge.reqPerSec)}/s = ${(share * 100).toFixed(0)}%`, goal: `≥ ${n1(report.ceiling.perSecond * LOGIN_SHARE_OF_CEILING)}/s`, ...ratio(share, LOGIN_SHARE_OF_CEILING, true) });
    }
    for (const large of scale.scenarios) {
      const small = report.scenarios.find((r) => r.name === large.name);
      if (!small || small.reqPerSec === 0) continue;
      const kept = large.reqPerSec / small.reqPerSec;
      rows.push({
        target: `${large.name.replace(/ \(.*$/, '')} at ${n0(scale.users)} users within 10% of the small run`,
        measured: `${n0(large.reqPerSec)} vs ${n0(small.reqPerSec)} req/s (${((kept - 1) * 100).toFixed(0)}%)`,
        goal: `≥ ${n0(small.reqPerSec * SCALE_KEEPS)}`,
        ...ratio(kept, SCALE_KEEPS, true),
      });
    }
    // A table of a few pages is rightly read whole by the planner; the target is about the big ones.
    const big = (table: string) => (scale.sizesBefore.find((t) => t.table === table)?.rows ?? Infinity) >= SEQ_SCAN_OK_BELOW_ROWS;
    const seqScans = [...scale.plans, ...scale.prunePlans].filter((p) => p.seqScans.some(big));
    rows.push({
      target: `hot queries and prune batches at ${n0(scale.users)} users use index scans only (tables of ${n0(SEQ_SCAN_OK_BELOW_ROWS)}+ rows)`,
      measured: seqScans.length === 0 ? 'index scans only' : `sequential scan in ${seqScans.length}: ${[...new Set(seqScans.flatMap((p) => p.seqScans.filter(big)))].join(', ')}`,
      goal: 'no Seq Scan',
      met: seqScans.length === 0,
      by: '',
    });
  }
  const servers = [...report.scenarios, ...(scale?.scenarios ?? [])].filter((r) => scenarioKey(r) !== 'floor');
  if (servers.length > 0) {
    const peak = Math.max(...servers.map((s) => s.peakRssBytes));
    rows.push({ target: `server peak RSS under load (all scenarios${scale ? ', both sizes' : ''})`, measured: mib(peak), goal: `≤ ${RSS_LIMIT_MIB} MiB`, ...ratio(peak / MIB, RSS_LIMIT_MIB, false) });
  }
  const everyRun = [...report.scenarios, ...(scale?.scenarios ?? []), ...(report.concurrency?.scenarios ?? [])];
  const errors = everyRun.reduce((sum, r) => sum + r.errors, 0);
  rows.push({ target: `errors in every scenario${report.concurrency ? `, with ${report.concurrency.workers} workers too` : ''}`, measured: n0(errors), goal: '0', met: errors === 0, by: '' });
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
  if (report.scale) lines.push('', ...renderScale(report, report.scale));
  if (report.concurrency) lines.push('', ...renderConcurrency(report, report.concurrency));
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
  const plans = report.scale?.plans ?? report.plans;
  if (plans && plans.length > 0) lines.push('', ...renderPlans(`Plans of the hot queries${report.scale ? ` at ${n0(report.scale.users)} users` : ''}`, plans));
  if (report.scale) lines.push('', ...renderPlans('Plans of one pruning batch per table (before the pass; rolled back)', report.scale.prunePlans));
  const errored = [...report.scenarios, ...(report.scale?.scenarios ?? [])].filter((r) => r.errorSamples.length > 0 || r.warmup.errorSamples.length > 0);
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

const gib = (bytes: number) => (bytes >= 1024 * MIB ? `${(bytes / 1024 / MIB).toFixed(2)} GiB` : mib(bytes));

/** Cores used by anything but the server, PostgreSQL and the bench: a run disturbed by other work shows here. */
function otherLoad(result: ScenarioResult | undefined): string {
  return result?.cpu ? `${result.cpu.otherCores.toFixed(2)} cores` : '–';
}

/** req/s of each server scenario with one worker process and with more, side by side. */
function renderConcurrency(report: BenchReport, concurrency: NonNullable<BenchReport['concurrency']>): string[] {
  const one = report.settings.webConcurrency;
  const many = concurrency.workers;
  const lines = [
    `## WEB_CONCURRENCY=${one} and WEB_CONCURRENCY=${many} side by side`,
    '',
    `The same users and database, the server restarted with ${many} worker processes (Node's cluster, one port) after the run above. ` +
      `Load generator, PostgreSQL and the workers share the machine's ${cpus().length} cores.`,
    '',
    `| scenario | req/s (${one}) | req/s (${many}) | change | p99 (${one}) | p99 (${many}) | errors (${many}) | peak RSS, all workers (${many}) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of concurrency.scenarios) {
    const before = report.scenarios.find((s) => scenarioKey(s) === scenarioKey(r));
    if (!before) continue;
    const change = before.reqPerSec > 0 ? `${r.reqPerSec >= before.reqPerSec ? '+' : ''}${(((r.reqPerSec - before.reqPerSec) / before.reqPerSec) * 100).toFixed(0)}%` : '–';
    lines.push(`| ${before.name} | ${n0(before.reqPerSec)} | ${n0(r.reqPerSec)} | ${change} | ${ms(before.p99)} ms | ${ms(r.p99)} ms | ${n0(r.errors)} / ${n0(r.completed)} | ${mib(r.peakRssBytes)} |`);
  }
  return lines;
}

function renderScale(report: BenchReport, scale: ScaleReport): string[] {
  const lines: string[] = [];
  const large = `${n0(scale.users)} users`;
  lines.push(`## Small and ${large} side by side`, '');
  lines.push(
    `Small: the ${report.setupNotes[0]?.match(/^\d+/)?.[0] ?? 'few thousand'} accounts created through the API, nearly empty tables. ` +
      `${large}: the same accounts and scenarios (server restarted) after seeding in bulk ${Object.entries(scale.seed.rows).map(([t, n]) => `${n0(n)} ${t}`).join(', ')} ` +
      `in ${n0(scale.seed.seconds)} s (${Object.entries(scale.seed.bySeconds).map(([t, sec]) => `${t} ${n0(sec)} s`).join(', ')}).`,
    '',
  );
  lines.push(
    `| scenario | req/s small | req/s ${large} | change | p99 small | p99 ${large} | SQL / op small | SQL / op ${large} | other load small | other load ${large} |`,
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const big of scale.scenarios) {
    const small = report.scenarios.find((r) => r.name === big.name);
    const change = small && small.reqPerSec > 0 ? `${((big.reqPerSec / small.reqPerSec - 1) * 100).toFixed(0)}%` : '–';
    lines.push(
      `| ${big.name} | ${small ? n0(small.reqPerSec) : '–'} | ${n0(big.reqPerSec)} | ${change} | ${small ? `${ms(small.p99)} ms` : '–'} | ${ms(big.p99)} ms | ${sqlFor(report, scenarioKey(big))} | ${sqlFor(scale, scenarioKey(big))} | ${otherLoad(small)} | ${otherLoad(big)} |`,
    );
  }
  lines.push('', `### Table and index sizes at ${large}, before and after one pruning pass`, '');
  const p = scale.prune;
  lines.push(
    `One pass of the pruning job (DataPruningService.runOnce in an app instance beside the idle server, batches of the default size): ` +
      `${p.ran ? `${Object.entries(p.deleted).map(([what, n]) => `${n0(n)} ${what}`).join(', ')} deleted in ${n0(p.batches)} batches, ${n1(p.milliseconds / 1000)} s` : 'did not run (lock held elsewhere)'}. ` +
      'DELETE frees the space for reuse (after autovacuum) without shrinking the files, so the sizes stay; the rows are what the pass removes.',
    '',
  );
  lines.push('| table | rows before | rows after | table before | table after | indexes before | indexes after |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const before of scale.sizesBefore) {
    const after = scale.sizesAfter.find((a) => a.table === before.table);
    lines.push(
      `| ${before.table} | ${n0(before.rows)} | ${after ? n0(after.rows) : '–'} | ${gib(before.tableBytes)} | ${after ? gib(after.tableBytes) : '–'} | ${gib(before.indexBytes)} | ${after ? gib(after.indexBytes) : '–'} |`,
    );
  }
  return lines;
}

function renderPlans(title: string, plans: ExplainedStatement[]): string[] {
  const lines = [`## ${title}`, '', 'EXPLAIN (ANALYZE, BUFFERS) of each statement with the parameters it was sent with, in a transaction rolled back afterwards.', ''];
  lines.push('| operation | statement | scans | execution |', '|---|---|---|---:|');
  for (const p of plans) {
    const scans = p.error ? `error: ${p.error}` : p.seqScans.length > 0 ? `**Seq Scan on ${p.seqScans.join(', ')}**` : [...new Set([...p.plan.matchAll(/(Index Only Scan|Index Scan|Bitmap Index Scan|Tid Scan)(?: using (\w+))?/g)].map((m) => `${m[1]}${m[2] ? ` ${m[2]}` : ''}`))].join(', ') || 'no table read';
    const time = /Execution Time: ([\d.]+) ms/.exec(p.plan)?.[1];
    lines.push(`| ${p.operation} | \`${p.sql.length > 90 ? `${p.sql.slice(0, 87)}…` : p.sql}\` | ${scans} | ${time ? `${time} ms` : '–'} |`);
  }
  lines.push('', '<details><summary>The plans</summary>', '');
  for (const p of plans) lines.push(`**${p.operation}**: \`${p.sql.slice(0, 200)}\``, '', '```', p.error ? `error: ${p.error}` : p.plan, '```', '');
  lines.push('</details>');
  return lines;
}

export function renderSoak(report: { startedAt: string; git: string; machine: string; settings: BenchReport['settings']; setupNotes: string[]; soak: SoakResult }): string {
  const s = report.soak;
  const unit = s.bucketSeconds === 60 ? 'minute' : `${s.bucketSeconds} s`;
  const lines: string[] = [];
  lines.push(`# Soak ${report.startedAt}: ${n0(s.seconds)} s of 70% \`me\`, 15% \`login\`, 15% \`verifyLoginSecondFactor\``, '');
  lines.push(
    `Commit ${report.git}; ${report.machine}; ${s.connections} connections; server \`${report.settings.serverCommand}\` (WEB_CONCURRENCY=${report.settings.webConcurrency}). ` +
      'Logins feed the verifications with pending sessions; a verification with no valid code to send is sent as a `me` (never a replay). ' +
      `RSS is the server's (workers included), sampled every second; reported per ${unit}.`,
    '',
  );
  lines.push(`${n0(s.requests)} requests (${Object.entries(s.byKind).map(([k, n]) => `${k} ${n0(n)}`).join(', ')}), ${n0(s.reqPerSec)} req/s, p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms, **${n0(s.errors)} errors**.`, '');
  lines.push(`| ${unit} | requests | errors | me | login | verify | RSS at end | peak RSS |`, '|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const i of s.intervals) {
    lines.push(`| ${i.index} | ${n0(i.requests)} | ${n0(i.errors)} | ${n0(i.byKind.me ?? 0)} | ${n0(i.byKind.login ?? 0)} | ${n0(i.byKind.verify ?? 0)} | ${mib(i.rssEndBytes)} | ${mib(i.rssPeakBytes)} |`);
  }
  const growth = s.rssGrowthAfterSecond;
  lines.push('', '## Targets', '', '| target | measured | |', '|---|---:|---|');
  lines.push(`| errors | ${n0(s.errors)} | ${s.errors === 0 ? 'met' : '**missed**'} |`);
  lines.push(
    `| RSS after ${unit} 2 grows at most 10% | ${growth === null ? 'too short to say' : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (highest end-of-${unit} RSS after ${unit} 2 vs the end of ${unit} 2)`} | ${growth === null ? '–' : growth <= SOAK_RSS_GROWTH ? 'met' : '**missed**'} |`,
  );
  if (s.errorSamples.length > 0) lines.push('', '## Error samples', '', ...s.errorSamples.map((e) => `- \`${e.replace(/`/g, "'")}\``));
  lines.push('', '## Setup', '', ...report.setupNotes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** bench/results/soak.md and soak.json (older runs are in git history). */
export function writeSoakReport(report: Parameters<typeof renderSoak>[0], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'soak.md'), join(dir, 'soak.json')];
  writeFileSync(files[0], renderSoak(report));
  writeFileSync(files[1], `${JSON.stringify(report, null, 2)}\n`);
  return files;
}

export function printReport(report: BenchReport): void {
  console.log(`\n${renderMarkdown(report)}`);
}

/** bench/results/latest.md and latest.json (older runs are in git history). */
export function writeReport(report: BenchReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'latest.md'), join(dir, 'latest.json')];
  writeFileSync(files[0], renderMarkdown(report));
  writeFileSync(files[1], `${JSON.stringify({ ...report, targets: targets(report) }, null, 2)}\n`);
  return files;
}
