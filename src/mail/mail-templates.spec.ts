import { describe, expect, it } from 'vitest';
import { MailKind, renderMail } from './mail-templates';

describe('mail templates', () => {
  it('puts the verification code in the subject, the text and the HTML', () => {
    const mail = renderMail(MailKind.VERIFICATION_CODE, { code: '123456', minutes: 10 });
    expect(mail.subject).toBe('Your verification code: 123456');
    expect(mail.text).toContain('is 123456.');
    expect(mail.text).toContain('valid for 10 minutes');
    expect(mail.html).toContain('<p>Your verification code for setting up 2-step verification is 123456.</p>');
  });

  it('escapes values in HTML so a crafted device name cannot inject markup', () => {
    const mail = renderMail(MailKind.NEW_TRUSTED_DEVICE, { device: '<script>x</script>', when: 'now' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('warns about running out only when few recovery codes remain', () => {
    expect(renderMail(MailKind.RECOVERY_CODE_USED, { remaining: 3, low: true, when: 'now' }).text).toContain('running out');
    expect(renderMail(MailKind.RECOVERY_CODE_USED, { remaining: 8, low: false, when: 'now' }).text).not.toContain('running out');
  });
});
