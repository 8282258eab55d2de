import { describe, expect, it } from 'vitest';
import { MailKind, renderMail } from './mail-templates';

describe('mail templates', () => {
  it('puts the verification code in the text and the HTML, never in the subject (lock screens show subjects)', () => {
    const mail = renderMail(MailKind.VERIFICATION_CODE, { code: '123456', minutes: 10 });
    expect(mail.subject).toBe('Your verification code');
    expect(renderMail(MailKind.VERIFICATION_CODE, { code: '123456', minutes: 10 }, 'ko').subject).not.toContain('123456');
    expect(mail.text).toContain('is 123456.');
    expect(mail.text).toContain('valid for 10 minutes');
    expect(mail.html).toContain('<p>Your verification code for setting up 2-step verification is 123456.</p>');
  });

  it('escapes values in HTML so a crafted device name cannot inject markup', () => {
    const mail = renderMail(MailKind.NEW_TRUSTED_DEVICE, { device: '<script>x</script>', when: 'now' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('quotes the names people chose, on one line, so they cannot pass for our own words', () => {
    const organization = 'URGENT: your mailbox will be closed today.\nKeep it at https://evil.example';
    const mail = renderMail(MailKind.ORGANIZATION_INVITATION, { organization, inviter: 'Eve', role: 'MEMBER', link: 'https://real.example/x', expires: 'soon' });
    expect(mail.subject).toBe('You are invited to join “URGENT: your mailbox will be closed today. Keep it at https://evil.example”');
    expect(mail.text).toContain('“Eve” invited you to join “URGENT');
    expect(mail.text).not.toContain('today.\nKeep');
  });

  it('warns about running out only when few recovery codes remain', () => {
    expect(renderMail(MailKind.RECOVERY_CODE_USED, { remaining: 3, low: true, when: 'now' }).text).toContain('running out');
    expect(renderMail(MailKind.RECOVERY_CODE_USED, { remaining: 8, low: false, when: 'now' }).text).not.toContain('running out');
  });
});

describe('the new-sign-in mail', () => {
  const values = { when: 'Mon, 02 Mar 2026 09:00:00 GMT', device: 'Safari on macOS', location: 'Seoul, KR', ipAddress: '211.234.10.10', link: 'https://id.example/sign-in-report?token=sir_x', days: 7 };

  it('says when, which device, where and from which address, with the link and how long it works', () => {
    const mail = renderMail(MailKind.NEW_DEVICE_SIGN_IN, values);
    for (const line of ['When: Mon, 02 Mar 2026 09:00:00 GMT', 'Device: Safari on macOS', 'Place: Seoul, KR (approximate', 'Address: 211.234.10.10', 'https://id.example/sign-in-report?token=sir_x', 'valid for 7 days']) {
      expect(mail.text).toContain(line);
    }
    expect(mail.subject).not.toContain('sir_');
  });

  it('says what it does not know, in words', () => {
    const mail = renderMail(MailKind.NEW_DEVICE_SIGN_IN, { ...values, device: null, location: null, ipAddress: null }, 'ko');
    expect(mail.text).toContain('기기: 알 수 없는 기기');
    expect(mail.text).toContain('위치: 알 수 없음');
    expect(renderMail(MailKind.NEW_DEVICE_SIGN_IN, { ...values, location: null }).text).toContain('Place: unknown');
  });
});

describe('mail in Korean', () => {
  it('writes every kind of mail in Korean as well as English, with the same values', () => {
    for (const kind of Object.values(MailKind)) {
      const values = { code: '654321', minutes: 10, when: 'now', remaining: 2, low: true, until: 'later', device: 'Firefox on Linux' };
      const english = renderMail(kind, values, 'en');
      const korean = renderMail(kind, values, 'ko');
      expect(korean.subject).not.toBe(english.subject);
      expect(korean.text).toMatch(/[\uAC00-\uD7A3]/);
      expect(korean.html).toContain('<html lang="ko">');
      for (const value of ['654321', '10', 'Firefox on Linux']) {
        if (english.text.includes(value)) expect(korean.text).toContain(value);
      }
    }
  });

  it('falls back to English when no language is given', () => {
    expect(renderMail(MailKind.TWO_FACTOR_ENABLED, { when: 'now' }).subject).toBe('2-step verification is on');
  });
});
