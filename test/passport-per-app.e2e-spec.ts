import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerTokenStrategy } from '../src/auth/guards/bearer-token.strategy';
import { errorCode, me, newUser } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Passport keeps strategies in one registry per process. Apps started side by side here each have
 * their own database, so a token is good in the app that issued it only: if they shared a strategy
 * name, the last app started would answer for all of them, and the first to close would take the
 * strategy away from the others.
 */
interface RunningApp {
  t: TestApp;
  email: string;
  token: string;
}

async function startWithUser(): Promise<RunningApp> {
  const t = await startTestApp();
  const { email, token } = await newUser(t);
  return { t, email, token };
}

const REFUSED = 'Sign in to continue: the access token is missing, unknown, expired or revoked.';

async function expectAccepts(app: RunningApp, token: string, email: string) {
  const result = await me(app.t, token);
  expect(result.errors).toBeUndefined();
  expect(result.data!.me.email).toBe(email);
}

async function expectRefuses(app: RunningApp, token: string | undefined) {
  const result = await me(app.t, token);
  expect(errorCode(result)).toBe('UNAUTHENTICATED');
  expect(result.errors![0].message).toBe(REFUSED);
}

/** Each app accepts its own user's token and refuses every other app's. */
async function expectKeptApart(apps: RunningApp[]) {
  for (const app of apps) {
    await expectAccepts(app, app.token, app.email);
    for (const other of apps.filter((candidate) => candidate !== app)) await expectRefuses(app, other.token);
  }
}

describe('one passport strategy per app instance in one process', () => {
  const running: RunningApp[] = [];
  beforeAll(async () => {
    running.push(await startWithUser(), await startWithUser());
  });
  afterAll(async () => {
    for (const app of running) await app.t.close();
  });

  it('gives each app a strategy name of its own', () => {
    const names = running.map((app) => app.t.app.get(BearerTokenStrategy).name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('two apps each accept their own tokens and refuse the other’s, and no token as before', async () => {
    await expectKeptApart(running);
    for (const app of running) await expectRefuses(app, undefined);
  });

  it('a third app started beside them keeps all three apart', async () => {
    running.push(await startWithUser());
    await expectKeptApart(running);
  });

  it('closing one app leaves the others accepting their own tokens and refusing the rest', async () => {
    const [closed] = running.splice(1, 1);
    await closed.t.close();
    await expectKeptApart(running);
    for (const app of running) await expectRefuses(app, closed.token);
  });

  it('an app started after one closed keeps apart from the ones still running', async () => {
    running.push(await startWithUser());
    await expectKeptApart(running);
  });
});
