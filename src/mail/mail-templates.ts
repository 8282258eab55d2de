import Handlebars from 'handlebars';

/** Every mail the service sends. Values are HTML-escaped by Handlebars in the HTML part. */
export enum MailKind {
  VERIFICATION_CODE = 'VERIFICATION_CODE',
  TWO_FACTOR_ENABLED = 'TWO_FACTOR_ENABLED',
  TWO_FACTOR_DISABLED = 'TWO_FACTOR_DISABLED',
  RECOVERY_CODES_REISSUED = 'RECOVERY_CODES_REISSUED',
  RECOVERY_CODE_USED = 'RECOVERY_CODE_USED',
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  NEW_TRUSTED_DEVICE = 'NEW_TRUSTED_DEVICE',
  TWO_FACTOR_SETUP_PAUSED = 'TWO_FACTOR_SETUP_PAUSED',
}

interface TemplateSource {
  subject: string;
  /** One or more paragraphs; the same text makes the plain part and the HTML part. */
  paragraphs: string[];
}

const SIGNATURE = 'If this was not you, change your password and contact your administrator.';

const sources: Record<MailKind, TemplateSource> = {
  VERIFICATION_CODE: {
    subject: 'Your verification code: {{code}}',
    paragraphs: [
      'Your verification code for setting up 2-step verification is {{code}}.',
      'It is valid for {{minutes}} minutes. Never share it with anyone.',
      'If you did not start setting up 2-step verification, you can ignore this message.',
    ],
  },
  TWO_FACTOR_ENABLED: {
    subject: '2-step verification is on',
    paragraphs: ['2-step verification was turned on for your account at {{when}}.', SIGNATURE],
  },
  TWO_FACTOR_DISABLED: {
    subject: '2-step verification is off',
    paragraphs: ['2-step verification was turned off for your account at {{when}}.', SIGNATURE],
  },
  RECOVERY_CODES_REISSUED: {
    subject: 'New recovery codes were issued',
    paragraphs: ['A new set of recovery codes replaced your old ones at {{when}}. The old codes no longer work.', SIGNATURE],
  },
  RECOVERY_CODE_USED: {
    subject: 'A recovery code was used to sign in',
    paragraphs: [
      'A recovery code was used to sign in to your account at {{when}}. {{remaining}} recovery codes remain.',
      '{{#if low}}You are running out of recovery codes: reissue them from the 2-Step Verification tab.{{/if}}',
      SIGNATURE,
    ],
  },
  ACCOUNT_LOCKED: {
    subject: 'Sign-in to your account is paused',
    paragraphs: [
      'There were too many wrong verification codes for your account. Sign-in with a second factor is paused until {{until}}.',
      SIGNATURE,
    ],
  },
  NEW_TRUSTED_DEVICE: {
    subject: 'A new device will skip 2-step verification',
    paragraphs: ['{{device}} was remembered at {{when}} and will skip 2-step verification for 30 days.', SIGNATURE],
  },
  TWO_FACTOR_SETUP_PAUSED: {
    subject: 'Setting up 2-step verification is paused',
    paragraphs: [
      'There were too many wrong email verification codes while setting up 2-step verification for your account. Setup is paused until {{until}}.',
      'If this was not you, someone may be signed in as you: change your password, which ends every other session.',
    ],
  },
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const compiled = Object.fromEntries(
  Object.entries(sources).map(([kind, source]) => [
    kind,
    {
      subject: Handlebars.compile(source.subject, { noEscape: true }),
      text: Handlebars.compile(source.paragraphs.join('\n\n'), { noEscape: true }),
      html: Handlebars.compile(
        `<!doctype html><html><body style="font-family:sans-serif">${source.paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`,
      ),
    },
  ]),
) as Record<MailKind, { subject: Handlebars.TemplateDelegate; text: Handlebars.TemplateDelegate; html: Handlebars.TemplateDelegate }>;

export function renderMail(kind: MailKind, values: Record<string, unknown>): RenderedMail {
  const templates = compiled[kind];
  return {
    subject: templates.subject(values),
    text: templates.text(values).replace(/\n{3,}/g, '\n\n').trim() + '\n',
    html: templates.html(values),
  };
}
