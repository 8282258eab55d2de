import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from './support/server-process';
import { SmtpInbox } from './support/smtp-inbox';
import { createTestDatabase } from './support/test-app';

/** The real server as operators run it: built, started as a process, stopped with a signal. */
const ROOT = resolve(__dirname, '..');
const KEY = randomBytes(32).toString('base64');
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { status accessToken } }';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const runningAsRoot = process.getuid?.() === 0;

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);

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

  it('answers every request in flight, including one waiting on a slow mail server, then exits 0', async () => {
    const password = 'correct horse battery staple';
    // Two accounts, ten sign-ins each: within the per-account limit, which reserves a try per request.
    const emails = [`drain-a-${Date.now()}@example.com`, `drain-b-${Date.now()}@example.com`];
    const tokens: string[] = [];
    for (const email of emails) tokens.push((await server.gql(SIGN_UP, { input: { email, password } })).body.data!.signUp.accessToken as string);
    const token = tokens[0]!;
    inbox.delayMs = 1_500;
    const receivingBefore = inbox.receiving;
    const setup = server.gql('mutation { startTwoFactorSetup { step } }', {}, { Authorization: `Bearer ${token}` });
    while (inbox.receiving === receivingBefore) await new Promise((tick) => setTimeout(tick, 10));
    const logins = Array.from({ length: 20 }, (_, i) => server.gql(LOGIN, { input: { email: emails[i % 2], password } }).catch((error: Error) => ({ status: 0, body: { error: error.message } })));
    await new Promise((received) => setTimeout(received, 150));

    server.child.kill('SIGTERM');
    const answers = await Promise.all(logins);
    const setupAnswer = await setup;
    const exit = await server.exited;

    expect(answers.filter((a) => a.status !== 200 || (a.body as any).data?.login?.status !== 'AUTHENTICATED'), server.text().slice(-3000)).toEqual([]);
    expect(setupAnswer.body.errors).toBeUndefined();
    expect(setupAnswer.body.data!.startTwoFactorSetup.step).toBe('EMAIL_VERIFICATION');
    expect(exit).toEqual({ code: 0, signal: null });
  }, 30_000);
});
