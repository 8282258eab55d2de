import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runMigrations } from '../src/database/data-source-options';
import { createTempDataDir, freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { answers, runScript, sleep } from './script-support';

/**
 * `npm run test:rolling`: a rolling restart as a load balancer sees it. Two production instances
 * (dist/src/main.js) share one database (DATABASE_URL, else an embedded PostgreSQL of its own) behind
 * a throwaway HAProxy that checks readiness and never retries. Sixteen clients keep asking (12 `me`
 * with a session token, 4 `login`); instance a gets SIGTERM, is started again, is back in the
 * balancer, then the same for b. Every request must be answered 200 without an error: it prints
 * what was sent and lost, and exits 1 if anything was lost. Everything it starts is removed
 * afterwards, also on failure or Ctrl-C.
 */
const ROOT = resolve(__dirname, '..', '..');
const PASSWORD = 'correct horse battery staple';
const ME_CLIENTS = 12;
const LOGIN_CLIENTS = 4;
/** Load before the first restart and after the last one. */
const STEADY_MS = 4_000;
const CHECK_INTERVAL_MS = 500;

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

type Outcome = 'ok' | string;

async function main(): Promise<number> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  const interrupted = () => void cleanUp().finally(() => process.exit(1));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const dir = createTempDataDir('rolling-restart-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const database = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
      cleanups.push(() => database.stop());
      databaseUrl = database.url;
    }
    await runMigrations(databaseUrl);

    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MAIL_OUTBOX_IN_PRODUCTION: 'true',
      IP_RATE_LIMIT_PER_MINUTE: '0',
      SHUTDOWN_DELAY_SECONDS: process.env.SHUTDOWN_DELAY_SECONDS ?? '5',
    };
    const instances = new Map<string, Instance>();
    const ports = { a: await freePort(), b: await freePort() };
    const start = async (name: 'a' | 'b') => {
      const instance = await startInstance(name, ports[name], env, dir);
      instances.set(name, instance);
      return instance;
    };
    cleanups.push(async () => {
      for (const instance of instances.values()) await stopInstance(instance, 'SIGKILL');
    });
    await Promise.all([start('a'), start('b')]);

    const balancer = await startHaproxy(dir, ports);
    cleanups.push(() => balancer.stop());
    await balancer.waitUntil('a', 'UP');
    await balancer.waitUntil('b', 'UP');

    const users = await Promise.all(Array.from({ length: ME_CLIENTS + LOGIN_CLIENTS }, (_, i) => signUp(balancer.url, `rolling-${i}-${Date.now()}@example.com`)));
    const load = new Load(balancer.url, users);
    const running = load.run();
    const note = (event: string) => console.log(`${((Date.now() - load.startedAt) / 1000).toFixed(1).padStart(5)} s  ${event}`);
    try {
      await sleep(STEADY_MS);
      for (const name of ['a', 'b'] as const) {
        note(`SIGTERM ${name}`);
        const code = await stopInstance(instances.get(name)!, 'SIGTERM');
        note(`${name} exited (${code})`);
        await start(name);
        note(`${name} started again`);
        await balancer.waitUntil(name, 'UP');
        note(`${name} back in the balancer`);
      }
      await sleep(STEADY_MS);
    } finally {
      load.stop();
      await running;
    }
    const served = await balancer.servedByServer();
    printResults(load, served);
    return load.lost() === 0 ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

async function startInstance(name: string, port: number, env: Record<string, string>, dir: string): Promise<Instance> {
  const dataDir = join(dir, `instance-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const log = createWriteStream(join(dir, `instance-${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const instance = { name, port, child, exited };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Instance ${name} exited at start:\n${readFileSync(join(dir, `instance-${name}.log`), 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`Instance ${name} was not ready in 60 s`);
    if (await answers(`http://127.0.0.1:${port}/health/ready`)) return instance;
    await sleep(200);
  }
}

async function stopInstance(instance: Instance, signal: NodeJS.Signals): Promise<number | null> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal);
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 30_000);
  const code = await instance.exited;
  clearTimeout(timer);
  return code;
}

/**
 * HAProxy as a deployment runs it: keep-alive on both sides (its default), a readiness check every
 * 500 ms taking a server out at the first failure and back after two passes, and `retries 0` with
 * no redispatch, so a request sent to an instance that refuses or resets it is lost, as behind
 * kube-proxy.
 */
async function startHaproxy(dir: string, ports: { a: number; b: number }) {
  const port = await freePort();
  const statsPort = await freePort();
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `global
  maxconn 2000

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 0

frontend api
  bind 127.0.0.1:${port}
  default_backend instances

backend instances
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server check inter ${CHECK_INTERVAL_MS}ms fall 1 rise 2
  server a 127.0.0.1:${ports.a}
  server b 127.0.0.1:${ports.b}

listen stats
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
  const stats = async (): Promise<Array<Record<string, string>>> => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    const [header, ...rows] = csv.trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i], value])));
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
    url: `http://127.0.0.1:${port}`,
    async waitUntil(server: string, status: 'UP') {
      const until = Date.now() + 30_000;
      while ((await stats()).find((row) => row.pxname === 'instances' && row.svname === server)?.status !== status) {
        if (Date.now() > until) throw new Error(`HAProxy did not see ${server} ${status} in 30 s`);
        await sleep(100);
      }
    },
    async servedByServer(): Promise<Record<string, number>> {
      const rows = (await stats()).filter((row) => row.pxname === 'instances' && (row.svname === 'a' || row.svname === 'b'));
      return Object.fromEntries(rows.map((row) => [row.svname, Number(row.stot)]));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

interface User {
  email: string;
  token: string;
}

async function signUp(url: string, email: string): Promise<User> {
  const { outcome, body } = await graphql(url, 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', { input: { email, password: PASSWORD } });
  if (outcome !== 'ok') throw new Error(`signUp failed: ${outcome}`);
  return { email, token: body.data.signUp.accessToken };
}

async function graphql(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<{ outcome: Outcome; body?: any }> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if (response.status !== 200) return { outcome: `HTTP ${response.status}` };
    const body = JSON.parse(text);
    if (body.errors) return { outcome: `error ${body.errors[0]?.extensions?.code ?? body.errors[0]?.message}` };
    return { outcome: 'ok', body };
  } catch (error) {
    const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
    return { outcome: `connection ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}

/** 12 clients asking `me`, 4 signing in, one request at a time each, until stopped. */
class Load {
  readonly startedAt = Date.now();
  private stopped = false;
  readonly counts = new Map<string, Map<Outcome, number>>();

  constructor(
    private readonly url: string,
    private readonly users: User[],
  ) {}

  run(): Promise<void> {
    const clients = this.users.map((user, i) =>
      i < ME_CLIENTS
        ? this.loop('me', () => graphql(this.url, '{ me { email } }', {}, user.token))
        : this.loop('login', () => graphql(this.url, 'mutation($input: LoginInput!) { login(input: $input) { status } }', { input: { email: user.email, password: PASSWORD } })),
    );
    return Promise.all(clients).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  lost(): number {
    let lost = 0;
    for (const outcomes of this.counts.values()) for (const [outcome, n] of outcomes) if (outcome !== 'ok') lost += n;
    return lost;
  }

  private async loop(operation: string, send: () => Promise<{ outcome: Outcome }>): Promise<void> {
    const outcomes = this.counts.get(operation) ?? new Map<Outcome, number>();
    this.counts.set(operation, outcomes);
    while (!this.stopped) {
      const { outcome } = await send();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }
}

function printResults(load: Load, served: Record<string, number>): void {
  const seconds = ((Date.now() - load.startedAt) / 1000).toFixed(0);
  console.log(`\nRolling restart of a and b behind HAProxy (retries 0), ${ME_CLIENTS + LOGIN_CLIENTS} clients, ${seconds} s:\n`);
  console.log('| operation | sent | answered 200 | lost | how lost |');
  console.log('|---|---|---|---|---|');
  let sent = 0;
  let lost = 0;
  for (const [operation, outcomes] of load.counts) {
    const total = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
    const ok = outcomes.get('ok') ?? 0;
    const how = [...outcomes].filter(([outcome]) => outcome !== 'ok').map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    console.log(`| \`${operation}\` | ${total} | ${ok} | ${total - ok} | ${how || '—'} |`);
    sent += total;
    lost += total - ok;
  }
  console.log(`| all | ${sent} | ${sent - lost} | ${lost} | |`);
  console.log(`\nSessions HAProxy opened to each instance (health checks aside): ${Object.entries(served).map(([name, n]) => `${name} ${n}`).join(', ')}`);
}

runScript(main);
