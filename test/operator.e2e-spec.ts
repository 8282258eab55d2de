import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, organization } from './support/organizations';
import { DEFAULT_PASSWORD, errorCode, login, me, mySecurityEvents, newUser, signUp, uniqueEmail } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { startSetup, verifySetupEmail } from './support/two-factor';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('logs of client errors', () => {
  it('give each contract error at most one quiet line, never an ERROR or a stack', async () => {
    const user = await newUser(t);
    const before = t.logs.lines.length;
    const codes = [
      errorCode(await login(t, { email: user.email, password: 'wrong password, sorry' })),
      errorCode(await me(t)),
      errorCode(await me(t, 'ses_not-a-session')),
      errorCode(await signUp(t, { email: 'not-an-email', password: DEFAULT_PASSWORD })),
      errorCode(await signUp(t, { email: user.email, password: DEFAULT_PASSWORD })),
      errorCode(await verifySetupEmail(t, user.token, '123456')),
      errorCode(await organization(t, user.token, '00000000-0000-4000-8000-000000000000')),
      errorCode(await createOrganization(t, user.token, '')),
    ];
    expect(new Set(codes)).toEqual(new Set(['INVALID_CREDENTIALS', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'CONFLICT', 'FAILED_PRECONDITION', 'NOT_FOUND']));
    const lines = t.logs.lines.slice(before);
    expect(lines.filter((line) => /^(error|warn)\b/.test(line))).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/\n\s+at |Error: .*\n\s+at /);
    expect(lines.length).toBeLessThanOrEqual(codes.length);
    for (const line of lines) expect(line).toMatch(/^(debug|verbose|log)\b/);
  });
});

describe('a mail server that accepts and never answers', () => {
  let hung: Server;
  const sockets = new Set<Socket>();
  let stuck: TestApp;
  beforeAll(async () => {
    hung = createServer((socket) => {
      sockets.add(socket); // holds the connection open and says nothing, not even the SMTP greeting
      socket.on('error', () => undefined);
    });
    await new Promise<void>((listening) => hung.listen(0, '127.0.0.1', () => listening()));
    const port = (hung.address() as { port: number }).port;
    stuck = await startTestApp({ config: { smtpUrl: `smtp://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await stuck.close();
    for (const socket of sockets) socket.destroy();
    hung.close();
  });

  it('answers startTwoFactorSetup with SERVICE_UNAVAILABLE within about ten seconds', async () => {
    const user = await newUser(stuck);
    const started = Date.now();
    const result = await startSetup(stuck, user.token);
    expect(errorCode(result)).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(10_500);
  }, 20_000);

  it('reports the mail server unreachable in readiness, without failing it', async () => {
    const ready = await stuck.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
    expect(ready.body.info.mail).toMatchObject({ transport: 'smtp', reachable: false });
    expect((await stuck.http().get('/health')).body.mail).toBe('unreachable');
  }, 20_000);
});

describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
  it('a client cannot dodge the per-address limit or forge its address with a left-most X-Forwarded-For', async () => {
    const proxied = await startTestApp({ config: { ipRateLimitPerMinute: 3, trustProxy: 1 } });
    try {
      // The proxy appends the address it saw; everything left of it is what the client wrote.
      const realClient = '198.51.100.77';
      const user = await newUser(proxied);
      const answers = [];
      for (let i = 0; i < 5; i++) {
        const forged = `203.0.113.${i + 1}`;
        answers.push(await login(proxied, { email: user.email, password: DEFAULT_PASSWORD }, { 'X-Forwarded-For': `${forged}, ${realClient}` }));
      }
      expect(answers.map(errorCode), JSON.stringify(answers.map((a) => a.errors))).toEqual([undefined, undefined, undefined, 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
      const events = await mySecurityEvents(proxied, user.token);
      const addresses = events.data!.mySecurityEvents.map((event: { ipAddress: string | null }) => event.ipAddress).filter(Boolean);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.some((address: string) => address.startsWith('203.0.113.'))).toBe(false);
      expect(addresses).toContain(realClient);
    } finally {
      await proxied.close();
    }
  });

  it('counts IPv6 clients per /64, so rotating addresses inside one does not dodge the limit', async () => {
    const proxied = await startTestApp({ config: { ipRateLimitPerMinute: 2, trustProxy: 1 } });
    try {
      const from = (ip: string) => login(proxied, { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'X-Forwarded-For': ip });
      expect(errorCode(await from('2001:db8:5:6::1'))).toBe('INVALID_CREDENTIALS');
      expect(errorCode(await from('2001:db8:5:6::2'))).toBe('INVALID_CREDENTIALS');
      expect(errorCode(await from('2001:db8:5:6:abcd::3'))).toBe('TOO_MANY_ATTEMPTS');
      expect(errorCode(await from('2001:db8:5:7::1'))).toBe('INVALID_CREDENTIALS');
    } finally {
      await proxied.close();
    }
  });
});

describe('production', () => {
  it('does not suggest schema names ("Did you mean …") with introspection off', async () => {
    const production = await startTestApp({ config: { production: true, introspection: false, graphiql: false } });
    try {
      const misspelt = await production.gql('{ mee { id } }');
      expect(misspelt.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(misspelt.errors![0].message).toContain('Cannot query field "mee"');
      expect(misspelt.errors![0].message).not.toMatch(/Did you mean|"me"/);
      const argument = await production.gql('{ mySecurityEvents(frist: 1) { id } }');
      expect(argument.errors![0].message).not.toMatch(/Did you mean|"first"/);
      // Development keeps the help.
      expect((await t.gql('{ mee { id } }')).errors![0].message).toContain('Did you mean "me"?');
    } finally {
      await production.close();
    }
  });
});
