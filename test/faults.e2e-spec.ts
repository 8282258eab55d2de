import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGracefully, inFlightRequestCount } from '../src/app.factory';
import { runMigrations } from '../src/database/data-source-options';
import { createTempDataDir, type EmbeddedDatabase, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { errorCode, login, me, newUser } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

/** A PostgreSQL of this file's own, so it can be stopped without disturbing the other test files. */
let dataDir: string;
let database: EmbeddedDatabase;
let port: number;
let t: TestApp;

beforeAll(async () => {
  dataDir = createTempDataDir('faults-');
  database = await startEmbeddedPostgres({ dataDir, persistent: true });
  port = Number(new URL(database.url).port);
  await runMigrations(database.url);
  t = await startTestApp({ databaseUrl: database.url });
}, 60_000);

afterAll(async () => {
  await t.close();
  await database.stop();
});

async function eventually<T>(attempt: () => Promise<T>, ok: (value: T) => boolean, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await attempt();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PostgreSQL restarted while requests run', () => {
  it('answers SERVICE_UNAVAILABLE while it is down, recovers by itself and loses no committed write', async () => {
    const before = await newUser(t);
    const traffic = Array.from({ length: 20 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 25)).then(() => me(t, before.token)));

    await database.stop();
    const whileDown = await me(t, before.token);
    expect(whileDown.status).toBeLessThan(500);
    expect(whileDown.errors![0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(whileDown.errors![0].message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
    expect((await t.http().get('/health')).status).toBe(503);

    database = await startEmbeddedPostgres({ dataDir, persistent: true, port });
    await Promise.all(traffic);
    const recovered = await eventually(() => me(t, before.token), (r) => !r.errors);
    expect(recovered.data!.me.email).toBe(before.email);
    expect((await t.http().get('/health')).status).toBe(200);
    expect((await login(t, { email: before.email, password: before.password })).errors).toBeUndefined();
    expect((await newUser(t)).token).toMatch(/^ses_/);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('finishes the requests in flight before it stops', async () => {
    // A fresh app on the same database: the pool of the one that lived through the outage above
    // may still hold a connection PostgreSQL ended, and this test is about the drain, not that.
    t = await t.restart();
    const user = await newUser(t);
    const server = await t.app.listen(0, '127.0.0.1');
    const address = server.address() as { port: number };
    const inFlight = Array.from({ length: 10 }, () =>
      fetch(`http://127.0.0.1:${address.port}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($input: LoginInput!) { login(input: $input) { status } }', variables: { input: { email: user.email, password: user.password } } }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: { login?: { status: string } } } })),
    );
    await eventually(async () => inFlightRequestCount(t.app), (count) => count === 10, 5);
    const closing = closeGracefully(t.app);
    const answers = await Promise.all(inFlight);
    await closing;
    expect(answers.filter((a) => a.status !== 200 || a.body.data?.login?.status !== 'AUTHENTICATED')).toEqual([]);
    t = await startTestApp({ databaseUrl: database.url, inbox: t.inbox, clock: t.clock });
    expect(errorCode(await me(t, 'ses_gone'))).toBe('UNAUTHENTICATED');
  });
});
