import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, me, newUser } from './support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from './support/organizations';
import { FakeClock } from './support/fake-clock';
import { addPasskey, pendingWithOptions, signInWithPasskey } from './support/passkeys';
import { SmtpInbox } from './support/smtp-inbox';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app';
import { enableTwoFactor, startSetup, totpCode, verifyLoginSecondFactor, verifySetupEmail } from './support/two-factor';

/**
 * Two instances of the service on one database, as behind a load balancer: each has its own
 * connection pool, guard and limiters; everything they must agree on lives in PostgreSQL.
 */
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  const inbox = await SmtpInbox.start();
  const clock = new FakeClock();
  a = await startTestApp({ databaseUrl, inbox, clock });
  b = await startTestApp({ databaseUrl, inbox, clock });
});
afterAll(async () => {
  await a.app.close();
  await b.close();
});

describe('two instances on one database', () => {
  it('accept each other\'s sessions, and a logout on one ends it on the other', async () => {
    const user = await newUser(a);
    expect((await me(b, user.token)).data!.me.email).toBe(user.email);
    await a.gql('mutation { logout }', {}, user.token);
    expect(errorCode(await me(b, user.token))).toBe('UNAUTHENTICATED');
  });

  it('refuse on one a TOTP code already used on the other', async () => {
    const user = await newUser(a);
    const { secret } = await enableTwoFactor(a, user);
    const code = totpCode(secret, a.clock);
    const onA = await verifyLoginSecondFactor(a, (await login(a, { email: user.email, password: user.password })).data!.login.accessToken, { code });
    expect(onA.errors).toBeUndefined();
    const onB = await verifyLoginSecondFactor(b, (await login(b, { email: user.email, password: user.password })).data!.login.accessToken, { code });
    expect(errorCode(onB)).toBe('INVALID_CODE');
  });

  it('let one code through exactly once when both are sent it at the same moment', async () => {
    const user = await newUser(a);
    const { secret } = await enableTwoFactor(a, user);
    const pending = await Promise.all(Array.from({ length: 8 }, (_, i) => login(i % 2 ? a : b, { email: user.email, password: user.password })));
    const code = totpCode(secret, a.clock);
    const results = await Promise.all(pending.map((p, i) => verifyLoginSecondFactor(i % 2 ? a : b, p.data!.login.accessToken, { code })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
  });

  it('let one emailed setup code through exactly once, across both', async () => {
    const user = await newUser(a);
    await startSetup(a, user.token);
    const code = await a.inbox.latestVerificationCode(user.email);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => verifySetupEmail(i % 2 ? a : b, user.token, code)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
  });

  it('finish on one a passkey ceremony begun on the other, and let one answer through once across both', async () => {
    const user = await newUser(a);
    const { token } = await enableTwoFactor(a, user);
    const { authenticator } = await addPasskey(b, user, token);
    const begunOnA = await pendingWithOptions(a, user);
    expect((await signInWithPasskey(b, begunOnA.pending, authenticator.authenticate(begunOnA.options))).errors).toBeUndefined();

    const { pending, options } = await pendingWithOptions(b, user);
    const answer = authenticator.authenticate(options);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => signInWithPasskey(i % 2 ? a : b, pending, answer)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
  });

  it('count failed passwords together', async () => {
    const user = await newUser(a);
    for (let i = 0; i < 10; i++) {
      expect(errorCode(await login(i % 2 ? a : b, { email: user.email, password: `wrong guess ${i}` }))).toBe('INVALID_CREDENTIALS');
    }
    expect(errorCode(await login(a, { email: user.email, password: user.password }))).toBe('TOO_MANY_ATTEMPTS');
    expect(errorCode(await login(b, { email: user.email, password: user.password }))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('enforce on one an organization requirement set on the other, on the next request', async () => {
    const owner = await newUser(a);
    const ownerToken = (await enableTwoFactor(a, owner)).token;
    const member = await newUser(b);
    const organizationId = await newOrganization(a, ownerToken);
    await addMember(a, ownerToken, organizationId, member.email);
    expect((await b.gql('{ trustedDevices { id } }', {}, member.token)).errors).toBeUndefined();
    await updateOrganizationSecuritySettings(a, ownerToken, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    expect(errorCode(await b.gql('{ trustedDevices { id } }', {}, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });
});
