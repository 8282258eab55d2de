import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, me, mySecurityEvents, newUser } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import {
  cancelSetup,
  completeSetup,
  confirmSetup,
  enableTwoFactor,
  startSetup,
  totpCode,
  twoFactorStatus,
  verifyLoginSecondFactor,
  verifySetupEmail,
  wrongCode,
} from './support/two-factor';
import { AppError } from '../src/common/app-error';
import { MailService } from '../src/mail/mail.service';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

function decodeQr(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('mail in the user\'s language', () => {
  it('writes the verification code in Korean for a browser that prefers Korean, and the code works', async () => {
    const user = await newUser(t);
    const started = await t.gql('mutation { startTwoFactorSetup { step } }', {}, user.token, { 'Accept-Language': 'ko-KR,ko;q=0.9,en;q=0.5' });
    expect(started.errors).toBeUndefined();
    const mail = await t.inbox.waitFor(user.email, /인증번호/);
    expect(mail.text).toContain('2단계 인증 설정을 위한 인증번호는');
    const enrollment = await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email));
    expect(enrollment.errors).toBeUndefined();
  });

  it('writes it in English when the browser prefers a language we do not speak', async () => {
    const user = await newUser(t);
    await t.gql('mutation { startTwoFactorSetup { step } }', {}, user.token, { 'Accept-Language': 'fr-FR,fr;q=0.9' });
    const mail = await t.inbox.waitFor(user.email, /verification code/);
    expect(mail.subject).toBe('Your verification code');
    expect(mail.text).toMatch(/is \d{6}\./);
  });
});

describe('the setup journey of the help page', () => {
  it('emails a code, shows the app secret, confirms a code, hands out recovery codes, and turns 2FA on', async () => {
    const user = await newUser(t);
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus).toEqual({
      enabled: false, enabledAt: null, recoveryCodesRemaining: 0, setupStep: null, requiredByOrganization: false, setupRequiredBy: null,
    });

    // "Request email verification": the login email is used, and a code arrives there.
    const started = (await startSetup(t, user.token)).data!.startTwoFactorSetup;
    expect(started).toEqual({ step: 'EMAIL_VERIFICATION', email: user.email, expiresAt: new Date(t.clock.now().getTime() + 10 * 60_000).toISOString() });
    const mail = await t.inbox.waitFor(user.email, /verification code/i);
    expect(mail.html).toContain('verification code');
    const emailCode = await t.inbox.latestVerificationCode(user.email);
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.setupStep).toBe('EMAIL_VERIFICATION');

    // "Scan QR code": the QR encodes exactly the otpauth URI, and the manual key is its secret.
    const enrollment = (await verifySetupEmail(t, user.token, emailCode)).data!.verifyTwoFactorSetupEmail;
    expect(enrollment).toMatchObject({ issuer: 'DFINERY', accountName: user.email, algorithm: 'SHA1', digits: 6, period: 30 });
    expect(enrollment.manualEntryKey).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.otpauthUri).toBe(
      `otpauth://totp/DFINERY:${encodeURIComponent(user.email)}?secret=${enrollment.manualEntryKey}&issuer=DFINERY&algorithm=SHA1&digits=6&period=30`,
    );
    expect(enrollment.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(decodeQr(enrollment.qrCodeDataUrl)).toBe(enrollment.otpauthUri);
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.setupStep).toBe('AUTHENTICATOR_APP');

    // "Enter the authentication number you verified in the app": recovery codes to save.
    const recovery = (await confirmSetup(t, user.token, totpCode(enrollment.manualEntryKey, t.clock))).data!.confirmTwoFactorSetup;
    expect(recovery.codes).toHaveLength(10);
    for (const code of recovery.codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus).toMatchObject({ setupStep: 'RECOVERY_CODES', enabled: false });
    expect((await me(t, user.token)).data!.me.twoFactorEnabled).toBe(false);

    // "Save recovery code (required)", then complete: a new full session, the old token ends.
    const completed = (await completeSetup(t, user.token, true)).data!.completeTwoFactorSetup;
    expect(completed.status).toBe('AUTHENTICATED');
    expect(completed.accessToken).not.toBe(user.token);
    expect(completed.user.twoFactorEnabled).toBe(true);
    expect(errorCode(await me(t, user.token))).toBe('UNAUTHENTICATED');
    const status = (await twoFactorStatus(t, completed.accessToken)).data!.twoFactorStatus;
    expect(status).toMatchObject({ enabled: true, recoveryCodesRemaining: 10, setupStep: null });
    expect(status.enabledAt).toBe(t.clock.now().toISOString());
    await t.inbox.waitFor(user.email, /2-step verification is on/);
    const events = (await mySecurityEvents(t, completed.accessToken)).data!.mySecurityEvents;
    expect(events[0].type).toBe('TWO_FACTOR_ENABLED');

    // From now on, login asks for the second factor.
    t.clock.advanceSeconds(30);
    expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('SECOND_FACTOR_REQUIRED');
  });

  it('uses the configured issuer name', async () => {
    const custom = await startTestApp({ config: { totpIssuer: 'Acme Console' } });
    try {
      const user = await newUser(custom);
      await startSetup(custom, user.token);
      const enrollment = (await verifySetupEmail(custom, user.token, await custom.inbox.latestVerificationCode(user.email))).data!.verifyTwoFactorSetupEmail;
      expect(enrollment.issuer).toBe('Acme Console');
      expect(enrollment.otpauthUri).toMatch(/^otpauth:\/\/totp\/Acme%20Console:.*&issuer=Acme%20Console&/);
    } finally {
      await custom.close();
    }
  });

  it('keeps the TOTP secret encrypted in the database', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT encrypted_secret FROM totp_credentials WHERE user_id = $1', [user.userId]);
      expect(rows[0].encrypted_secret).toMatch(/^v1\./);
      expect(rows[0].encrypted_secret).not.toContain(secret);
    } finally {
      await db.end();
    }
  });
});

describe('turning 2FA on', () => {
  it('ends the sessions opened before it, which never gave a second factor, but not the one that turned it on', async () => {
    const user = await newUser(t);
    const otherBrowser = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect((await me(t, otherBrowser)).errors).toBeUndefined();
    const { token } = await enableTwoFactor(t, user);
    expect(errorCode(await me(t, otherBrowser))).toBe('UNAUTHENTICATED');
    expect((await me(t, token)).data!.me.twoFactorEnabled).toBe(true);
  });
});

describe('wrong and expired codes during setup', () => {
  it('counts wrong email codes and voids the code after the fifth', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const code = await t.inbox.latestVerificationCode(user.email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 0; left--) {
      const attempt = await verifySetupEmail(t, user.token, wrong);
      expect(errorCode(attempt)).toBe('INVALID_CODE');
      expect(attempt.errors![0].extensions.attemptsRemaining).toBe(left);
    }
    expect(errorCode(await verifySetupEmail(t, user.token, code))).toBe('CODE_EXPIRED');
  });

  it('refuses an email code after 10 minutes', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const code = await t.inbox.latestVerificationCode(user.email);
    t.clock.advanceMinutes(10);
    expect(errorCode(await verifySetupEmail(t, user.token, code))).toBe('CODE_EXPIRED');
  });

  it('sends a new code at most once a minute, and a new code replaces the old one', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const first = await t.inbox.latestVerificationCode(user.email);
    t.clock.advanceSeconds(20);
    const tooSoon = await startSetup(t, user.token);
    expect(errorCode(tooSoon)).toBe('TOO_MANY_ATTEMPTS');
    expect(tooSoon.errors![0].extensions.retryAfterSeconds).toBe(40);
    expect(t.inbox.countTo(user.email, /verification code/i)).toBe(1);
    t.clock.advanceSeconds(40);
    expect((await startSetup(t, user.token)).errors).toBeUndefined();
    await t.inbox.waitFor(user.email, /verification code/i, t.inbox.messages.length - 1);
    const second = await t.inbox.latestVerificationCode(user.email);
    if (first !== second) expect(errorCode(await verifySetupEmail(t, user.token, first))).toBe('INVALID_CODE');
    expect((await verifySetupEmail(t, user.token, second)).errors).toBeUndefined();
  });

  it('refuses a wrong code from the app without moving on', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const enrollment = (await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email))).data!.verifyTwoFactorSetupEmail;
    const right = totpCode(enrollment.manualEntryKey, t.clock);
    const wrong = wrongCode(right);
    for (const bad of [wrong, 'abcdef', '12345', '']) {
      expect(errorCode(await confirmSetup(t, user.token, bad))).toBe('INVALID_CODE');
    }
    expect(errorCode(await confirmSetup(t, user.token, 'x'.repeat(100_000)))).toBe('BAD_USER_INPUT');
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.setupStep).toBe('AUTHENTICATOR_APP');
    expect((await confirmSetup(t, user.token, right)).errors).toBeUndefined();
  });

  it('needs recoveryCodesSaved: true to complete', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const enrollment = (await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email))).data!.verifyTwoFactorSetupEmail;
    await confirmSetup(t, user.token, totpCode(enrollment.manualEntryKey, t.clock));
    const refused = await completeSetup(t, user.token, false);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions.fields[0].field).toBe('recoveryCodesSaved');
    expect((await me(t, user.token)).data!.me.twoFactorEnabled).toBe(false);
  });
});

describe('email-code attacks from a session of a user without 2FA', () => {
  const codeMailed = async (email: string, before: number) => /is (\d{6})\./.exec((await t.inbox.waitFor(email, /verification code/i, before)).text)![1];
  const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');

  it('cannot reset the limits by cancelling: 5 codes an hour, and 10 wrong codes across codes pause setup with a notice', async () => {
    const user = await newUser(t);
    const starts: string[] = [];
    const guesses: Array<{ code?: string; retryAfterSeconds?: number }> = [];
    for (let round = 0; round < 8; round++) {
      await cancelSetup(t, user.token);
      const before = t.inbox.messages.length;
      const started = await startSetup(t, user.token);
      starts.push(errorCode(started) ?? 'SENT');
      if (started.errors) continue;
      const code = await codeMailed(user.email, before);
      for (let i = 0; i < 5; i++) {
        const answer = await verifySetupEmail(t, user.token, otherThan(code));
        guesses.push({ code: errorCode(answer), retryAfterSeconds: answer.errors?.[0].extensions.retryAfterSeconds });
      }
    }
    expect(starts).toEqual(['SENT', 'SENT', 'SENT', 'SENT', 'SENT', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
    expect(guesses.filter((g) => g.code === 'INVALID_CODE')).toHaveLength(9);
    const locked = guesses.slice(9);
    expect(locked.every((g) => g.code === 'TOO_MANY_ATTEMPTS' && g.retryAfterSeconds! > 0 && g.retryAfterSeconds! <= 900)).toBe(true);
    await t.inbox.waitFor(user.email, /setting up 2-step verification is paused/i);
  });

  it('compares at most 5 of 40 concurrent guesses at one code', async () => {
    const user = await newUser(t);
    const before = t.inbox.messages.length;
    await startSetup(t, user.token);
    const code = await codeMailed(user.email, before);
    const guesses = [...Array(5).fill(otherThan(code)), code, ...Array(34).fill(otherThan(code))];
    const answers = await Promise.all(guesses.map((guess) => verifySetupEmail(t, user.token, guess)));
    // INVALID_CODE means "compared, and wrong"; the rest were refused before any comparison.
    const compared = answers.filter((a) => !a.errors || errorCode(a) === 'INVALID_CODE');
    expect(compared.length).toBeLessThanOrEqual(5);
    const refusedUncompared = answers.filter((a) => a.errors && errorCode(a) !== 'INVALID_CODE').map(errorCode);
    expect(refusedUncompared.every((code) => ['CODE_EXPIRED', 'TOO_MANY_ATTEMPTS', 'FAILED_PRECONDITION'].includes(code!))).toBe(true);
  });
});

describe('mail flooding', () => {
  it('limits mail with a code per address, whatever sends it, and says when to retry', async () => {
    const mail = t.app.get(MailService);
    const address = `flood-${Date.now()}@example.com`;
    for (let i = 0; i < 10; i++) await mail.sendVerificationCode(address, '123456', 10);
    const refused = await mail.sendVerificationCode(address, '123456', 10).catch((error: AppError) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).extensions).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect((refused as AppError).extensions.retryAfterSeconds).toBeGreaterThan(3000);
    expect(t.inbox.countTo(address)).toBe(10);
  });

  it('drops security notices past 20 an hour to one address, without blocking the action', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    for (let i = 0; i < 25; i++) {
      const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
      const signedIn = await verifyLoginSecondFactor(t, pending, { code: totpCode(secret, t.clock), rememberDevice: true });
      expect(signedIn.errors).toBeUndefined();
      t.clock.advanceSeconds(30);
    }
    // With the "2-step verification is on" notice of enrolment, 19 device notices make 20.
    const deadline = Date.now() + 5_000;
    while (t.inbox.countTo(user.email, /new device/i) < 19 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(t.inbox.countTo(user.email, /new device/i)).toBe(19);
  });
});

describe('steps out of order', () => {
  it('refuses every step before its turn with FAILED_PRECONDITION', async () => {
    const user = await newUser(t);
    expect(errorCode(await verifySetupEmail(t, user.token, '123456'))).toBe('FAILED_PRECONDITION');
    expect(errorCode(await confirmSetup(t, user.token, '123456'))).toBe('FAILED_PRECONDITION');
    expect(errorCode(await completeSetup(t, user.token))).toBe('FAILED_PRECONDITION');
    await startSetup(t, user.token);
    expect(errorCode(await confirmSetup(t, user.token, '123456'))).toBe('FAILED_PRECONDITION');
    expect(errorCode(await completeSetup(t, user.token))).toBe('FAILED_PRECONDITION');
    const code = await t.inbox.latestVerificationCode(user.email);
    await verifySetupEmail(t, user.token, code);
    expect(errorCode(await verifySetupEmail(t, user.token, code))).toBe('FAILED_PRECONDITION');
    expect(errorCode(await completeSetup(t, user.token))).toBe('FAILED_PRECONDITION');
  });

  it('answers CONFLICT to setup steps once 2FA is on', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    expect(errorCode(await startSetup(t, token))).toBe('CONFLICT');
    expect(errorCode(await verifySetupEmail(t, token, '123456'))).toBe('CONFLICT');
  });
});

describe('leaving during setup saves nothing', () => {
  it('cancel discards the setup at any step', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const enrollment = (await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email))).data!.verifyTwoFactorSetupEmail;
    await confirmSetup(t, user.token, totpCode(enrollment.manualEntryKey, t.clock));
    expect((await cancelSetup(t, user.token)).data!.cancelTwoFactorSetup).toBe(true);
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus).toMatchObject({ enabled: false, setupStep: null, recoveryCodesRemaining: 0 });
    expect(errorCode(await completeSetup(t, user.token))).toBe('FAILED_PRECONDITION');
    t.clock.advanceSeconds(60);
    expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('AUTHENTICATED');
  });

  it('an abandoned setup expires after 30 minutes', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const enrollment = (await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email))).data!.verifyTwoFactorSetupEmail;
    t.clock.advanceMinutes(30);
    expect(errorCode(await confirmSetup(t, user.token, totpCode(enrollment.manualEntryKey, t.clock)))).toBe('CODE_EXPIRED');
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.setupStep).toBeNull();
    expect((await me(t, user.token)).data!.me.twoFactorEnabled).toBe(false);
    expect((await startSetup(t, user.token)).errors).toBeUndefined();
  });

  it('nothing is half-saved when the mail server refuses the code', async () => {
    const user = await newUser(t);
    t.inbox.refusing = true;
    try {
      const failed = await startSetup(t, user.token);
      expect(failed.errors![0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(failed.errors![0].message).toMatch(/try again/i);
    } finally {
      t.inbox.refusing = false;
    }
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.setupStep).toBeNull();
    expect((await startSetup(t, user.token)).errors).toBeUndefined();
  });
});

describe('protection', () => {
  it.each([
    ['twoFactorStatus', (token?: string) => twoFactorStatus(t, token)],
    ['startTwoFactorSetup', (token?: string) => startSetup(t, token)],
    ['verifyTwoFactorSetupEmail', (token?: string) => verifySetupEmail(t, token, '123456')],
    ['confirmTwoFactorSetup', (token?: string) => confirmSetup(t, token, '123456')],
    ['completeTwoFactorSetup', (token?: string) => completeSetup(t, token)],
    ['cancelTwoFactorSetup', (token?: string) => cancelSetup(t, token)],
  ])('%s needs a session', async (_name, call) => {
    expect(errorCode(await call(undefined))).toBe('UNAUTHENTICATED');
  });

  it('setup is not open to a session still waiting for its second factor', async () => {
    const user = await newUser(t);
    await enableTwoFactor(t, user);
    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect(errorCode(await startSetup(t, pending))).toBe('SECOND_FACTOR_REQUIRED');
    expect(errorCode(await twoFactorStatus(t, pending))).toBe('SECOND_FACTOR_REQUIRED');
  });
});
