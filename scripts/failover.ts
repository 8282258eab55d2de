import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { runMigrations } from '../src/database/data-source-options';
import { createTempDataDir, freePort } from '../src/database/embedded-postgres';
import { totpCodeAt } from '../src/two-factor/utils/totp.util';
import { answers, runScript, sleep } from './script-support';

/**
 * `npm run test:failover`: a database failover as the service sees it. A PostgreSQL 15 primary
 * with one synchronous streaming standby (`pg_basebackup -R`, `synchronous_commit = on`), a
 * throwaway HAProxy in TCP mode whose health check passes only on the node that is not in recovery
 * (a small HTTP check per node served by this script, as Patroni's REST API would), and one
 * production instance (dist/src/main.js) whose DATABASE_URL goes through HAProxy. Eight clients
 * sign up, sign in and (half of them) turn 2FA on; every answer that said success is recorded.
 * Mid-load the primary is stopped hard (`pg_ctl stop -m immediate`) and the standby promoted by the
 * script (no automatic failure detection: Patroni or an operator would add its own delay). Then
 * every acknowledged account, 2FA switch and session is looked up on the new primary. Exits 1 if
 * any acknowledged write is lost or anything answered 500 / INTERNAL_SERVER_ERROR. Everything it
 * starts is removed afterwards, also on failure or Ctrl-C.
 */
const ROOT = resolve(__dirname, '..', '..');
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PASSWORD = 'correct horse battery staple';
const CLIENTS = 8;
/** Load before the failover, and after the service answers again. */
const STEADY_MS = 6_000;
const CHECK_INTERVAL_MS = 500;
/** How long the cluster has no primary before the standby is promoted (the script does not detect failure itself). */
const PROMOTE_AFTER_MS = Number(process.env.PROMOTE_AFTER_SECONDS ?? 0) * 1000;
const run = promisify(execFile);

type Cleanup = () => Promise<void> | void;

async function main(): Promise<number> {
  const cleanups: Cleanup[] = [];
  // One run of the cleanups, whoever asks first (Ctrl-C or the end of main): both wait for it.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    })());
  const interrupted = () => void cleanUp().finally(() => process.exit(1));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const dir = createTempDataDir('failover-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [primary, standby] = await startPrimaryAndStandby(dir, cleanups);
    const checks = await Promise.all([primary, standby].map((node) => serveRoleCheck(node)));
    cleanups.push(() => checks.forEach((check) => check.close()));
    const balancer = await startHaproxy(dir, [primary, standby]);
    cleanups.push(() => balancer.stop());
    await balancer.waitUntil(primary.name, 'UP');

    const databaseUrl = `postgres://postgres@127.0.0.1:${balancer.port}/postgres`;
    await runMigrations(databaseUrl);
    const service = await startService(dir, databaseUrl);
    cleanups.push(() => service.kill());

    const load = new Load(service.url, new Outbox(join(dir, 'service', 'outbox')));
    const running = load.run();
    const timeline: Record<string, number> = {};
    const note = (event: string) => {
      timeline[event] = Date.now();
      console.log(`${((Date.now() - load.startedAt) / 1000).toFixed(1).padStart(5)} s  ${event}`);
    };
    try {
      await sleep(STEADY_MS);
      note('primary stopped (immediate)');
      await pgCtl(primary, 'stop', '-m', 'immediate');
      await sleep(PROMOTE_AFTER_MS);
      await pgCtl(standby, 'promote');
      note('standby promoted');
      await balancer.waitUntil(standby.name, 'UP');
      note('HAProxy sends to the new primary');
      await load.untilAnswering();
      note('service answers again');
      await sleep(STEADY_MS);
    } finally {
      load.stop();
      await running;
    }
    if (service.exitCode !== null) throw new Error('The service exited during the failover');
    const lost = await findLostWrites(service.url, standby, load);
    const code = printResults(load, timeline, lost);
    console.log(`Service log lines by level: ${JSON.stringify(service.logLevels())}`);
    for (const line of service.errorLines()) console.log(`  error: ${line.slice(0, 600)}`);
    return code;
  } finally {
    await cleanUp();
  }
}

interface PgNode {
  name: string;
  port: number;
  /** Where this script answers HAProxy's question "is this node the primary?". */
  checkPort: number;
  dataDir: string;
}

/** `pg_ctl` and friends refuse to run as root: PostgreSQL runs as the postgres system user. */
async function asPostgres(command: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { encoding: 'utf8' });
  return stdout;
}

const pgCtl = (node: PgNode, action: string, ...args: string[]) => asPostgres('pg_ctl', '-D', node.dataDir, '-l', `${node.dataDir}.log`, '-w', action, ...args);

/** TCP on loopback only, no socket file (the temp folder belongs to root). */
const connectionSettings = (port: number) => `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n`;

/**
 * A primary that waits, for every commit, until the standby has flushed it (`synchronous_commit =
 * on` with the standby named in `synchronous_standby_names`): what it acknowledged is on both.
 */
async function startPrimaryAndStandby(dir: string, cleanups: Cleanup[]): Promise<[PgNode, PgNode]> {
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir, { mode: 0o700 });
  const [uid, gid] = await Promise.all(['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout)));
  chownSync(pgDir, uid, gid);
  const node = async (name: string): Promise<PgNode> => ({ name, port: await freePort(), checkPort: await freePort(), dataDir: join(pgDir, name) });
  const primary = await node('a');
  const standby = await node('b');

  await asPostgres('initdb', '-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync');
  appendFileSync(join(primary.dataDir, 'postgresql.conf'), `${connectionSettings(primary.port)}synchronous_standby_names = 'standby'\nsynchronous_commit = on\n`);
  await pgCtl(primary, 'start');
  cleanups.push(() => pgCtl(primary, 'stop', '-m', 'immediate').then(() => undefined));

  await asPostgres('pg_basebackup', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standby.dataDir, '-R', '-X', 'stream', '-c', 'fast');
  // cluster_name is the application name the standby's WAL receiver gives; once promoted it is
  // alone, so it must not wait for a standby of its own (it runs unreplicated until one is added).
  appendFileSync(join(standby.dataDir, 'postgresql.conf'), `${connectionSettings(standby.port)}cluster_name = 'standby'\nsynchronous_standby_names = ''\n`);
  await pgCtl(standby, 'start');
  cleanups.push(() => pgCtl(standby, 'stop', '-m', 'immediate').then(() => undefined));

  // It becomes the synchronous standby once it has caught up and streams.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const states = await query(primary, 'SELECT application_name, state, sync_state FROM pg_stat_replication');
    if (states.some((row) => row.application_name === 'standby' && row.sync_state === 'sync')) return [primary, standby];
    if (Date.now() > deadline) throw new Error(`The standby did not become a synchronous standby: ${JSON.stringify(states)}`);
    await sleep(100);
  }
}

async function query(node: PgNode, sql: string, params: unknown[] = []): Promise<Array<Record<string, any>>> {
  const client = new Client({ host: '127.0.0.1', port: node.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1_000 });
  // A node stopped hard resets the socket: without a listener that 'error' event would end the script
  // (seen once in CI). The failed query or connect already rejects, which is how the caller learns it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** HTTP 200 only from the node that is not in recovery: HAProxy's check of who is primary. */
async function serveRoleCheck(node: PgNode): Promise<Server> {
  const server = createServer((_request, response) => {
    query(node, 'SELECT pg_is_in_recovery() AS standby').then(
      ([{ standby }]) => response.writeHead(standby ? 503 : 200).end(standby ? 'standby' : 'primary'),
      () => response.writeHead(503).end('unreachable'),
    );
  });
  await new Promise<void>((listening) => server.listen(node.checkPort, '127.0.0.1', listening));
  return server;
}

/**
 * TCP passthrough to whichever node passes the role check (every 500 ms, down at the first failure,
 * up at the first pass); sessions to a node marked down are cut, so no connection lingers on it.
 */
async function startHaproxy(dir: string, nodes: PgNode[]) {
  const port = await freePort();
  const statsPort = await freePort();
  const config = join(dir, 'haproxy.cfg');
  const servers = nodes.map((node) => `  server ${node.name} 127.0.0.1:${node.port} check port ${node.checkPort}`).join('\n');
  writeFileSync(
    config,
    `global
  maxconn 500

defaults
  mode tcp
  timeout connect 1s
  retries 1
  option redispatch 1
  timeout client 10m
  timeout server 10m

frontend postgres
  bind 127.0.0.1:${port}
  default_backend primary

backend primary
  option httpchk GET /primary
  http-check expect status 200
  default-server inter ${CHECK_INTERVAL_MS}ms fall 1 rise 1 on-marked-down shutdown-sessions
${servers}

listen stats
  mode http
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
`,
  );
  const child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('error', (error) => (output += `${error.message}\n`));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const status = async (server: string): Promise<string | undefined> => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    const row = csv.split('\n').find((line) => line.startsWith(`primary,${server},`));
    return row?.split(',')[17];
  };
  const deadline = Date.now() + 10_000;
  while (!(await answers(`http://127.0.0.1:${statsPort}/stats`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`HAProxy did not start (is Debian's haproxy installed?):\n${output}`);
    }
    await sleep(100);
  }
  return {
    port,
    async waitUntil(server: string, wanted: 'UP') {
      const until = Date.now() + 30_000;
      while ((await status(server)) !== wanted) {
        if (Date.now() > until) throw new Error(`HAProxy did not see ${server} ${wanted} in 30 s`);
        await sleep(50);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function startService(dir: string, databaseUrl: string) {
  const port = await freePort();
  const dataDir = join(dir, 'service');
  mkdirSync(dataDir);
  const logFile = join(dir, 'service.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MAIL_OUTBOX_IN_PRODUCTION: 'true',
      IP_RATE_LIMIT_PER_MINUTE: '0',
      SHUTDOWN_DELAY_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await answers(`${url}/health/ready`))) {
    if (child.exitCode !== null) throw new Error(`The service exited at start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) throw new Error('The service was not ready in 60 s');
    await sleep(200);
  }
  return {
    url,
    get exitCode() {
      return child.exitCode;
    },
    kill: () => void child.kill('SIGKILL'),
    /** The service's error-level log lines: an error answered during the failover should say what it was. */
    errorLines(): string[] {
      return readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"level":"error"'));
    },
    /** How many JSON log lines of each level the service wrote, e.g. { info: 12, warn: 3 }. */
    logLevels(): Record<string, number> {
      const levels: Record<string, number> = {};
      for (const match of readFileSync(logFile, 'utf8').matchAll(/"level":"(\w+)"/g)) levels[match[1]] = (levels[match[1]] ?? 0) + 1;
      return levels;
    },
  };
}

/** Verification codes from the service's outbox folder (DATA_DIR/outbox, one .eml per mail). */
class Outbox {
  private readonly codes = new Map<string, string>();
  private readonly read = new Set<string>();

  constructor(private readonly dir: string) {}

  async codeFor(email: string, timeoutMs = 5_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.codes.has(email) && Date.now() < deadline) {
      await this.readNew();
      if (!this.codes.has(email)) await sleep(50);
    }
    return this.codes.get(email);
  }

  private async readNew(): Promise<void> {
    let files: string[] = [];
    try {
      files = readdirSync(this.dir).filter((file) => file.includes('-verification_code-') && !this.read.has(file));
    } catch {
      return; // no mail yet
    }
    for (const file of files) {
      this.read.add(file);
      const mail = await simpleParser(await readFile(join(this.dir, file)));
      const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
      const code = /is (\d{6})/.exec(mail.text ?? '')?.[1];
      if (to && code) this.codes.set(to, code);
    }
  }
}

/** What the service acknowledged for one account; `uncertain` when a write may have landed unanswered. */
interface AcknowledgedUser {
  email: string;
  tokens: string[];
  twoFactorEnabled: boolean;
  uncertain: boolean;
}

interface Answer {
  operation: string;
  startedAt: number;
  endedAt: number;
  /** 'ok', an error code, `HTTP <status>` or `connection <code>`. */
  outcome: string;
  data?: any;
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { status accessToken } }';
const START_SETUP = 'mutation { startTwoFactorSetup { step } }';
const VERIFY_EMAIL = 'mutation($code: String!) { verifyTwoFactorSetupEmail(code: $code) { manualEntryKey } }';
const CONFIRM_SETUP = 'mutation($code: String!) { confirmTwoFactorSetup(code: $code) { codes } }';
const COMPLETE_SETUP = 'mutation { completeTwoFactorSetup(recoveryCodesSaved: true) { accessToken } }';
const ME = '{ me { email twoFactorEnabled } }';

async function graphql(url: string, operation: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer> {
  const startedAt = Date.now();
  const answer = (outcome: string, data?: any) => ({ operation, startedAt, endedAt: Date.now(), outcome, data });
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if (response.status !== 200) return answer(`HTTP ${response.status}`);
    const body = JSON.parse(text);
    if (body.errors) return answer(body.errors[0]?.extensions?.code ?? 'no code');
    return answer('ok', body.data);
  } catch (error) {
    const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
    return answer(`connection ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

/** Eight clients, each: sign up, sign in, and every other one turns 2FA on; one request at a time. */
class Load {
  readonly startedAt = Date.now();
  readonly answers: Answer[] = [];
  readonly users: AcknowledgedUser[] = [];
  private stopped = false;
  private readonly runId = randomBytes(3).toString('hex');

  constructor(
    private readonly url: string,
    private readonly outbox: Outbox,
  ) {}

  run(): Promise<void> {
    return Promise.all(Array.from({ length: CLIENTS }, (_, i) => this.client(i))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves once a request sent from now on succeeds. */
  async untilAnswering(): Promise<void> {
    const from = Date.now();
    while (!this.answers.some((answer) => answer.startedAt >= from && answer.outcome === 'ok')) await sleep(20);
  }

  private async send(operation: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer> {
    const answer = await graphql(this.url, operation, query, variables, token);
    this.answers.push(answer);
    // A client backs off a little after an error instead of spinning on it.
    if (answer.outcome !== 'ok') await sleep(50);
    return answer;
  }

  private async client(i: number): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const email = `failover-${this.runId}-${i}-${n}@example.com`;
      const signedUp = await this.send('signUp', SIGN_UP, { input: { email, password: PASSWORD } });
      if (signedUp.outcome !== 'ok') continue;
      const user: AcknowledgedUser = { email, tokens: [signedUp.data.signUp.accessToken], twoFactorEnabled: false, uncertain: false };
      this.users.push(user);
      const loggedIn = await this.send('login', LOGIN, { input: { email, password: PASSWORD } });
      if (loggedIn.outcome === 'ok') user.tokens.push(loggedIn.data.login.accessToken);
      if (i % 2 === 0 && !this.stopped) await this.enrollTwoFactor(user);
    }
  }

  /** The four setup steps; a step that fails abandons the setup (nothing is saved before the last). */
  private async enrollTwoFactor(user: AcknowledgedUser): Promise<void> {
    const token = user.tokens[0];
    if ((await this.send('startTwoFactorSetup', START_SETUP, {}, token)).outcome !== 'ok') return;
    const emailCode = await this.outbox.codeFor(user.email);
    if (!emailCode) return;
    const verified = await this.send('verifyTwoFactorSetupEmail', VERIFY_EMAIL, { code: emailCode }, token);
    if (verified.outcome !== 'ok') return;
    const secret = verified.data.verifyTwoFactorSetupEmail.manualEntryKey as string;
    const code = totpCodeAt(secret, Math.floor(Date.now() / 1000));
    if ((await this.send('confirmTwoFactorSetup', CONFIRM_SETUP, { code }, token)).outcome !== 'ok') return;
    const completed = await this.send('completeTwoFactorSetup', COMPLETE_SETUP, {}, token);
    if (completed.outcome === 'ok') {
      // Completing ends every other session of the user: only the new token should work now.
      user.tokens = [completed.data.completeTwoFactorSetup.accessToken];
      user.twoFactorEnabled = true;
    } else {
      // It may have been saved without an answer, ending the older sessions: their fate is unknown.
      user.uncertain = true;
    }
  }
}

interface LostWrites {
  accounts: string[];
  twoFactor: string[];
  sessions: string[];
  sessionsChecked: number;
}

/** Every acknowledged account and 2FA switch on the new primary, every acknowledged session through the service. */
async function findLostWrites(url: string, newPrimary: PgNode, load: Load): Promise<LostWrites> {
  const emails = load.users.map((user) => user.email);
  const rows = await query(newPrimary, 'SELECT email, two_factor_enabled_at IS NOT NULL AS two_factor FROM users WHERE email = ANY($1)', [emails]);
  const stored = new Map(rows.map((row) => [row.email as string, row.two_factor as boolean]));
  const lost: LostWrites = { accounts: [], twoFactor: [], sessions: [], sessionsChecked: 0 };
  for (const user of load.users) {
    if (!stored.has(user.email)) lost.accounts.push(user.email);
    else if (user.twoFactorEnabled && !stored.get(user.email)) lost.twoFactor.push(user.email);
  }
  const sessions = load.users.filter((user) => !user.uncertain).flatMap((user) => user.tokens.map((token) => ({ user, token })));
  lost.sessionsChecked = sessions.length;
  const checkNext = async (): Promise<void> => {
    for (let next = sessions.pop(); next; next = sessions.pop()) {
      const answer = await graphql(url, 'me', ME, {}, next.token);
      if (answer.outcome !== 'ok' || answer.data.me.email !== next.user.email) lost.sessions.push(`${next.user.email} (${answer.outcome})`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, checkNext));
  return lost;
}

/** Prints the table; 1 if an acknowledged write was lost or anything answered as a server fault. */
function printResults(load: Load, timeline: Record<string, number>, lost: LostWrites): number {
  const stoppedAt = timeline['primary stopped (immediate)'];
  const backAfter = (timeline['service answers again'] - stoppedAt) / 1000;
  const failed = load.answers.filter((answer) => answer.outcome !== 'ok');
  const faults = failed.filter((answer) => answer.outcome === 'INTERNAL_SERVER_ERROR' || answer.outcome.startsWith('HTTP 5'));
  const duringFailover = failed.filter((answer) => answer.endedAt >= stoppedAt);
  const errorSeconds = duringFailover.length === 0 ? 0 : (Math.max(...duringFailover.map((a) => a.endedAt)) - Math.min(...duringFailover.map((a) => a.startedAt))) / 1000;
  const byOutcome = new Map<string, number>();
  for (const answer of failed) byOutcome.set(answer.outcome, (byOutcome.get(answer.outcome) ?? 0) + 1);
  const ops = new Map<string, number>();
  for (const answer of load.answers) ops.set(answer.operation, (ops.get(answer.operation) ?? 0) + 1);
  const twoFactorOn = load.users.filter((user) => user.twoFactorEnabled).length;
  const lostTotal = lost.accounts.length + lost.twoFactor.length + lost.sessions.length;
  const seconds = ((Date.now() - load.startedAt) / 1000).toFixed(0);

  console.log(`\nFailover of a synchronous PostgreSQL 15 pair behind HAProxy, promoted ${PROMOTE_AFTER_MS / 1000} s after the stop, ${CLIENTS} clients, ${seconds} s:\n`);
  console.log('| requests | errors (after the stop) | seconds of errors | answering again after | answered as | 500 / INTERNAL_SERVER_ERROR | acknowledged writes | lost |');
  console.log('|---|---|---|---|---|---|---|---|');
  const how = [...byOutcome].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || '—';
  const writes = `${load.users.length} sign-ups, ${twoFactorOn} 2FA enrollments, ${lost.sessionsChecked} sessions`;
  console.log(`| ${load.answers.length} | ${failed.length} (${duringFailover.length}) | ${errorSeconds.toFixed(1)} | ${backAfter.toFixed(1)} s | ${how} | ${faults.length} | ${writes} | ${lostTotal} |`);
  console.log(`\nRequests by operation: ${[...ops].map(([operation, n]) => `${operation} ${n}`).join(', ')}`);
  if (duringFailover.length > 0) {
    const since = (at: number) => ((at - stoppedAt) / 1000).toFixed(1);
    console.log(`Errors answered from ${since(Math.min(...duringFailover.map((a) => a.endedAt)))} s to ${since(Math.max(...duringFailover.map((a) => a.endedAt)))} s after the stop`);
  }
  const uncertain = load.users.filter((user) => user.uncertain).length;
  if (uncertain > 0) console.log(`Sessions not checked: ${uncertain} users whose completeTwoFactorSetup went unanswered (it may have ended them)`);
  for (const [what, list] of [['accounts', lost.accounts], ['2FA switches', lost.twoFactor], ['sessions', lost.sessions]] as const) {
    if (list.length > 0) console.log(`Lost ${what}: ${list.slice(0, 10).join(', ')}${list.length > 10 ? ', …' : ''}`);
  }
  console.log(`lost acknowledged writes: ${lostTotal}`);
  return lostTotal === 0 && faults.length === 0 ? 0 : 1;
}

runScript(main);
