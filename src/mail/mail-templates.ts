import Handlebars from 'handlebars';
import { DEFAULT_LANGUAGE, type Language, LANGUAGES } from '../common/language';

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
  PASSKEY_ADDED = 'PASSKEY_ADDED',
  PASSKEY_REMOVED = 'PASSKEY_REMOVED',
  ORGANIZATION_INVITATION = 'ORGANIZATION_INVITATION',
  ORGANIZATION_MEMBER_ADDED = 'ORGANIZATION_MEMBER_ADDED',
  TWO_FACTOR_REQUIRED = 'TWO_FACTOR_REQUIRED',
  TWO_FACTOR_REQUIRED_REMINDER = 'TWO_FACTOR_REQUIRED_REMINDER',
  TWO_FACTOR_RESET_BY_ADMIN = 'TWO_FACTOR_RESET_BY_ADMIN',
  PASSWORD_RESET_LINK = 'PASSWORD_RESET_LINK',
  PASSWORD_RESET = 'PASSWORD_RESET',
  PASSKEY_REQUIRED = 'PASSKEY_REQUIRED',
  RECOVERY_CODES_LOW = 'RECOVERY_CODES_LOW',
  AUTHENTICATOR_REPLACED = 'AUTHENTICATOR_REPLACED',
  NEW_DEVICE_SIGN_IN = 'NEW_DEVICE_SIGN_IN',
}

interface TemplateSource {
  subject: string;
  /** One or more paragraphs; the same text makes the plain part and the HTML part. */
  paragraphs: string[];
}

const SIGNATURE_EN = 'If this was not you, change your password and contact your administrator.';
const SIGNATURE_KO = '본인이 아니라면 비밀번호를 변경하고 관리자에게 문의하세요.';

const english: Record<MailKind, TemplateSource> = {
  VERIFICATION_CODE: {
    subject: 'Your verification code',
    paragraphs: [
      'Your verification code for setting up 2-step verification is {{code}}.',
      'It is valid for {{minutes}} minutes. Never share it with anyone.',
      'If you did not start setting up 2-step verification, you can ignore this message.',
    ],
  },
  TWO_FACTOR_ENABLED: {
    subject: '2-step verification is on',
    paragraphs: ['2-step verification was turned on for your account at {{when}}.', SIGNATURE_EN],
  },
  TWO_FACTOR_DISABLED: {
    subject: '2-step verification is off',
    paragraphs: ['2-step verification was turned off for your account at {{when}}.', SIGNATURE_EN],
  },
  RECOVERY_CODES_REISSUED: {
    subject: 'New recovery codes were issued',
    paragraphs: ['A new set of recovery codes replaced your old ones at {{when}}. The old codes no longer work.', SIGNATURE_EN],
  },
  RECOVERY_CODE_USED: {
    subject: 'A recovery code was used to sign in',
    paragraphs: [
      'A recovery code was used to sign in to your account at {{when}}. {{remaining}} recovery codes remain.',
      '{{#if low}}You are running out of recovery codes: reissue them from the 2-Step Verification tab.{{/if}}',
      SIGNATURE_EN,
    ],
  },
  ACCOUNT_LOCKED: {
    subject: 'Sign-in to your account is paused',
    paragraphs: [
      'There were too many wrong verification codes for your account. Sign-in with a second factor is paused until {{until}}.',
      SIGNATURE_EN,
    ],
  },
  NEW_TRUSTED_DEVICE: {
    subject: 'A new device will skip 2-step verification',
    paragraphs: ['{{device}} was remembered at {{when}} and will skip 2-step verification for 30 days.', SIGNATURE_EN],
  },
  TWO_FACTOR_SETUP_PAUSED: {
    subject: 'Setting up 2-step verification is paused',
    paragraphs: [
      'There were too many wrong email verification codes while setting up 2-step verification for your account. Setup is paused until {{until}}.',
      'If this was not you, someone may be signed in as you: change your password, which ends every other session.',
    ],
  },
  PASSKEY_ADDED: {
    subject: 'A passkey was added to your account',
    paragraphs: ['The passkey "{{name}}" was added to your account at {{when}}. It can now be used instead of a code at sign-in.', SIGNATURE_EN],
  },
  PASSKEY_REMOVED: {
    subject: 'A passkey was removed from your account',
    paragraphs: ['The passkey "{{name}}" was removed from your account at {{when}}.', SIGNATURE_EN],
  },
  PASSWORD_RESET_LINK: {
    subject: 'Reset your password',
    paragraphs: [
      'Someone asked to reset the password of your account. Open this link to choose a new one: {{link}}',
      'The link works once and is valid for {{minutes}} minutes. A newer request replaces it. Never share it with anyone.',
      'If you did not ask for this, you can ignore this message: your password stays as it is.',
    ],
  },
  PASSWORD_RESET: {
    subject: 'Your password was reset',
    paragraphs: [
      'The password of your account was reset at {{when}}. Every session and every trusted device was signed out; 2-step verification stays as it was.',
      SIGNATURE_EN,
    ],
  },
  ORGANIZATION_INVITATION: {
    subject: 'You are invited to join {{organization}}',
    paragraphs: [
      '{{inviter}} invited you to join {{organization}} as {{role}}.',
      'Open this link to accept or decline: {{link}}',
      'If you have no account yet, sign up with this email address first, then open the link again. The invitation is valid until {{expires}} and works once.',
      '{{#if requiresTwoFactor}}{{organization}} requires 2-step verification: once you join, set it up within {{graceHours}} hours.{{/if}}',
      'If you did not expect this invitation, you can ignore this message.',
    ],
  },
  ORGANIZATION_MEMBER_ADDED: {
    subject: 'You were added to {{organization}}',
    paragraphs: [
      '{{actor}} added you to {{organization}} as {{role}} at {{when}}.',
      '{{#if requiresTwoFactor}}{{organization}} requires 2-step verification: set it up by {{deadline}}.{{/if}}',
      SIGNATURE_EN,
    ],
  },
  TWO_FACTOR_REQUIRED: {
    subject: '{{organization}} now requires 2-step verification',
    paragraphs: [
      '{{organization}} requires 2-step verification from its members. Set it up by {{deadline}}; after that you can only sign in to set it up.',
      'Open the 2-Step Verification tab of your account to start.',
    ],
  },
  PASSKEY_REQUIRED: {
    subject: '{{organization}} now accepts only passkeys and security keys for your role',
    paragraphs: [
      '{{organization}} no longer accepts codes from an authenticator app for your role: only a passkey or a security key, which a fake site cannot trick out of you.',
      'Add one by {{deadline}} from the 2-Step Verification tab, then sign in with it. After that, a sign-in with a code or a recovery code can only add a passkey.',
    ],
  },
  TWO_FACTOR_REQUIRED_REMINDER: {
    subject: 'Reminder: set up 2-step verification by {{deadline}}',
    paragraphs: [
      '{{organization}} requires 2-step verification, and your account does not have it yet. Set it up by {{deadline}}; after that you can only sign in to set it up.',
      'Open the 2-Step Verification tab of your account to start.',
    ],
  },
  RECOVERY_CODES_LOW: {
    subject: 'Only {{remaining}} recovery codes are left',
    paragraphs: [
      'A recovery code was used at {{when}}, and only {{remaining}} unused recovery codes of your set are left. When they run out, losing your phone can lock you out of your account.',
      'Open the 2-Step Verification tab of your account and choose Reissue recovery codes to get a new set of 10. The old codes keep working until you confirm you saved the new ones.',
      SIGNATURE_EN,
    ],
  },
  AUTHENTICATOR_REPLACED: {
    subject: 'Your authenticator app moved to a new phone',
    paragraphs: [
      'The authenticator app of your account was replaced at {{when}}: only codes from the new app work now, and the old app no longer signs you in.',
      'Your recovery codes, passkeys and remembered devices are unchanged.',
      SIGNATURE_EN,
    ],
  },
  NEW_DEVICE_SIGN_IN: {
    subject: 'New sign-in to your account',
    paragraphs: [
      'Your account was signed in to from a device or place it has not used in the last 90 days.',
      'When: {{when}}',
      'Device: {{#if device}}{{device}}{{else}}an unknown device{{/if}}',
      'Place: {{#if location}}{{location}} (approximate, from the address){{else}}unknown{{/if}}',
      'Address: {{#if ipAddress}}{{ipAddress}}{{else}}unknown{{/if}}',
      'If this was you, you can ignore this message.',
      "If this wasn't you, open this link: it signs that device out, forgets every remembered device, and mails you a link to choose a new password: {{link}}",
      'The link works once and is valid for {{days}} days.',
    ],
  },
  TWO_FACTOR_RESET_BY_ADMIN: {
    subject: 'An administrator turned off 2-step verification for your account',
    paragraphs: [
      '{{actor}}, an administrator of {{organization}}, reset 2-step verification for your account at {{when}}. Your authenticator app, recovery codes, passkeys and remembered devices no longer work, and you were signed out everywhere.',
      'What to do next: sign in with your password and set up 2-step verification again from the 2-Step Verification tab.{{#if requiresTwoFactor}} An organization you belong to requires it, so you will be asked to set it up right after signing in.{{/if}}',
      'If you did not ask for this, contact {{actor}} or another administrator of {{organization}} at once, and change your password.',
    ],
  },
};

const korean: Record<MailKind, TemplateSource> = {
  VERIFICATION_CODE: {
    subject: '인증번호 안내',
    paragraphs: [
      '2단계 인증 설정을 위한 인증번호는 {{code}}입니다.',
      '{{minutes}}분 동안 유효합니다. 누구에게도 알려주지 마세요.',
      '2단계 인증 설정을 시작하지 않았다면 이 메일은 무시하셔도 됩니다.',
    ],
  },
  TWO_FACTOR_ENABLED: {
    subject: '2단계 인증이 활성화되었습니다',
    paragraphs: ['{{when}}에 계정의 2단계 인증이 활성화되었습니다.', SIGNATURE_KO],
  },
  TWO_FACTOR_DISABLED: {
    subject: '2단계 인증이 비활성화되었습니다',
    paragraphs: ['{{when}}에 계정의 2단계 인증이 비활성화되었습니다.', SIGNATURE_KO],
  },
  RECOVERY_CODES_REISSUED: {
    subject: '복구 코드가 재발급되었습니다',
    paragraphs: ['{{when}}에 새 복구 코드가 발급되어 이전 코드를 대체했습니다. 이전 코드는 더 이상 사용할 수 없습니다.', SIGNATURE_KO],
  },
  RECOVERY_CODE_USED: {
    subject: '복구 코드로 로그인했습니다',
    paragraphs: [
      '{{when}}에 복구 코드로 계정에 로그인했습니다. 남은 복구 코드는 {{remaining}}개입니다.',
      '{{#if low}}복구 코드가 얼마 남지 않았습니다. 2단계 인증 탭에서 복구 코드를 재발급하세요.{{/if}}',
      SIGNATURE_KO,
    ],
  },
  ACCOUNT_LOCKED: {
    subject: '계정 로그인이 일시 중지되었습니다',
    paragraphs: [
      '잘못된 인증 코드가 너무 많이 입력되었습니다. {{until}}까지 2단계 인증 로그인이 중지됩니다.',
      SIGNATURE_KO,
    ],
  },
  NEW_TRUSTED_DEVICE: {
    subject: '새 기기에서 2단계 인증을 건너뜁니다',
    paragraphs: ['{{when}}에 {{device}} 기기가 등록되어 30일 동안 2단계 인증을 건너뜁니다.', SIGNATURE_KO],
  },
  TWO_FACTOR_SETUP_PAUSED: {
    subject: '2단계 인증 설정이 일시 중지되었습니다',
    paragraphs: [
      '2단계 인증 설정 중 잘못된 이메일 인증번호가 너무 많이 입력되었습니다. {{until}}까지 설정이 중지됩니다.',
      '본인이 아니라면 누군가 내 계정으로 로그인했을 수 있습니다. 비밀번호를 변경하면 다른 모든 세션이 종료됩니다.',
    ],
  },
  PASSKEY_ADDED: {
    subject: '패스키가 추가되었습니다',
    paragraphs: ['{{when}}에 계정에 패스키 "{{name}}"이(가) 추가되었습니다. 이제 로그인할 때 인증 코드 대신 사용할 수 있습니다.', SIGNATURE_KO],
  },
  PASSKEY_REMOVED: {
    subject: '패스키가 삭제되었습니다',
    paragraphs: ['{{when}}에 계정에서 패스키 "{{name}}"이(가) 삭제되었습니다.', SIGNATURE_KO],
  },
  PASSWORD_RESET_LINK: {
    subject: '비밀번호 재설정',
    paragraphs: [
      '계정의 비밀번호 재설정이 요청되었습니다. 새 비밀번호를 정하려면 다음 링크를 여세요: {{link}}',
      '이 링크는 한 번만 사용할 수 있으며 {{minutes}}분 동안 유효합니다. 새로 요청하면 이 링크는 무효가 됩니다. 누구와도 공유하지 마세요.',
      '요청하지 않았다면 이 메일은 무시하셔도 됩니다. 비밀번호는 바뀌지 않습니다.',
    ],
  },
  PASSWORD_RESET: {
    subject: '비밀번호가 재설정되었습니다',
    paragraphs: [
      '{{when}}에 계정의 비밀번호가 재설정되었습니다. 모든 세션과 신뢰할 수 있는 기기에서 로그아웃되었으며, 2단계 인증은 그대로 유지됩니다.',
      SIGNATURE_KO,
    ],
  },
  ORGANIZATION_INVITATION: {
    subject: '{{organization}}에 초대되었습니다',
    paragraphs: [
      '{{inviter}}님이 {{organization}}에 {{role}} 권한으로 초대했습니다.',
      '수락하거나 거절하려면 다음 링크를 여세요: {{link}}',
      '아직 계정이 없다면 이 이메일 주소로 먼저 가입한 뒤 링크를 다시 여세요. 초대는 {{expires}}까지 유효하며 한 번만 사용할 수 있습니다.',
      '{{#if requiresTwoFactor}}{{organization}}은(는) 2단계 인증을 요구합니다. 가입 후 {{graceHours}}시간 안에 설정하세요.{{/if}}',
      '예상하지 못한 초대라면 이 메일은 무시하셔도 됩니다.',
    ],
  },
  ORGANIZATION_MEMBER_ADDED: {
    subject: '{{organization}}에 추가되었습니다',
    paragraphs: [
      '{{when}}에 {{actor}}님이 회원님을 {{organization}}에 {{role}} 권한으로 추가했습니다.',
      '{{#if requiresTwoFactor}}{{organization}}은(는) 2단계 인증을 요구합니다. {{deadline}}까지 설정하세요.{{/if}}',
      SIGNATURE_KO,
    ],
  },
  TWO_FACTOR_REQUIRED: {
    subject: '{{organization}}에서 2단계 인증을 요구합니다',
    paragraphs: [
      '{{organization}}은(는) 구성원에게 2단계 인증을 요구합니다. {{deadline}}까지 설정하세요. 이후에는 로그인 후 2단계 인증 설정만 할 수 있습니다.',
      '계정의 2단계 인증 탭에서 설정을 시작하세요.',
    ],
  },
  PASSKEY_REQUIRED: {
    subject: '{{organization}}에서 회원님의 역할에 패스키와 보안 키만 허용합니다',
    paragraphs: [
      '{{organization}}은(는) 회원님의 역할에 더 이상 인증 앱 코드를 허용하지 않고, 가짜 사이트에 속아 넘겨줄 수 없는 패스키나 보안 키만 허용합니다.',
      '{{deadline}}까지 2단계 인증 탭에서 패스키를 추가한 뒤 그 패스키로 로그인하세요. 그 후에는 코드나 복구 코드로 로그인하면 패스키 추가만 할 수 있습니다.',
    ],
  },
  TWO_FACTOR_REQUIRED_REMINDER: {
    subject: '알림: {{deadline}}까지 2단계 인증을 설정하세요',
    paragraphs: [
      '{{organization}}은(는) 2단계 인증을 요구하지만 회원님의 계정에는 아직 설정되어 있지 않습니다. {{deadline}}까지 설정하세요. 이후에는 로그인 후 2단계 인증 설정만 할 수 있습니다.',
      '계정의 2단계 인증 탭에서 설정을 시작하세요.',
    ],
  },
  RECOVERY_CODES_LOW: {
    subject: '복구 코드가 {{remaining}}개만 남았습니다',
    paragraphs: [
      '{{when}}에 복구 코드가 사용되어 사용하지 않은 복구 코드가 {{remaining}}개만 남았습니다. 모두 사용하면 휴대폰을 잃어버렸을 때 계정에 로그인하지 못할 수 있습니다.',
      '계정의 2단계 인증 탭에서 복구 코드 재발급을 선택해 새 코드 10개를 받으세요. 새 코드를 저장했다고 확인할 때까지 이전 코드는 계속 사용할 수 있습니다.',
      SIGNATURE_KO,
    ],
  },
  AUTHENTICATOR_REPLACED: {
    subject: '인증 앱을 새 휴대폰으로 옮겼습니다',
    paragraphs: [
      '{{when}}에 계정의 인증 앱이 교체되었습니다. 이제 새 앱의 코드만 사용할 수 있으며 이전 앱으로는 로그인할 수 없습니다.',
      '복구 코드, 패스키와 기억된 기기는 그대로입니다.',
      SIGNATURE_KO,
    ],
  },
  NEW_DEVICE_SIGN_IN: {
    subject: '계정에 새로운 로그인이 있습니다',
    paragraphs: [
      '최근 90일 동안 사용하지 않은 기기나 위치에서 계정에 로그인했습니다.',
      '일시: {{when}}',
      '기기: {{#if device}}{{device}}{{else}}알 수 없는 기기{{/if}}',
      '위치: {{#if location}}{{location}} (주소로 추정한 대략적인 위치){{else}}알 수 없음{{/if}}',
      '주소: {{#if ipAddress}}{{ipAddress}}{{else}}알 수 없음{{/if}}',
      '본인이 로그인했다면 이 메일은 무시하셔도 됩니다.',
      '본인이 아니라면 다음 링크를 여세요. 그 기기를 로그아웃시키고 기억된 기기를 모두 해제하며, 새 비밀번호를 정할 수 있는 링크를 메일로 보내드립니다: {{link}}',
      '이 링크는 한 번만 사용할 수 있으며 {{days}}일 동안 유효합니다.',
    ],
  },
  TWO_FACTOR_RESET_BY_ADMIN: {
    subject: '관리자가 회원님 계정의 2단계 인증을 해제했습니다',
    paragraphs: [
      '{{when}}에 {{organization}}의 관리자 {{actor}}님이 회원님 계정의 2단계 인증을 초기화했습니다. 인증 앱, 복구 코드, 패스키와 기억된 기기는 더 이상 사용할 수 없으며, 모든 기기에서 로그아웃되었습니다.',
      '다음 단계: 비밀번호로 로그인한 뒤 2단계 인증 탭에서 2단계 인증을 다시 설정하세요.{{#if requiresTwoFactor}} 소속 조직에서 2단계 인증을 요구하므로 로그인 직후 설정 화면으로 이동합니다.{{/if}}',
      '직접 요청하지 않았다면 즉시 {{actor}}님이나 {{organization}}의 다른 관리자에게 문의하고 비밀번호를 변경하세요.',
    ],
  },
};

const sources: Record<Language, Record<MailKind, TemplateSource>> = { en: english, ko: korean };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type CompiledMail = { subject: Handlebars.TemplateDelegate; text: Handlebars.TemplateDelegate; html: Handlebars.TemplateDelegate };

function compile(language: Language, source: TemplateSource): CompiledMail {
  return {
    subject: Handlebars.compile(source.subject, { noEscape: true }),
    text: Handlebars.compile(source.paragraphs.join('\n\n'), { noEscape: true }),
    html: Handlebars.compile(
      `<!doctype html><html lang="${language}"><body style="font-family:sans-serif">${source.paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`,
    ),
  };
}

const compiled = Object.fromEntries(
  LANGUAGES.map((language) => [
    language,
    Object.fromEntries(Object.entries(sources[language]).map(([kind, source]) => [kind, compile(language, source)])),
  ]),
) as Record<Language, Record<MailKind, CompiledMail>>;

/**
 * Values that are names someone chose (an organization, an inviter, an admin): quoted, and on one
 * line, so a name like "URGENT: your mailbox closes today. Keep it at https://…" reads as the name
 * of something, never as a sentence of ours.
 */
const CHOSEN_NAMES = ['organization', 'inviter', 'actor'] as const;

export function quoteChosenName(name: string): string {
  return `“${name.replace(/[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]+/gu, ' ').trim()}”`;
}

export function renderMail(kind: MailKind, raw: Record<string, unknown>, language: Language = DEFAULT_LANGUAGE): RenderedMail {
  const templates = compiled[language][kind];
  const values = { ...raw };
  for (const key of CHOSEN_NAMES) if (typeof values[key] === 'string') values[key] = quoteChosenName(values[key]);
  return {
    subject: templates.subject(values),
    text: templates.text(values).replace(/\n{3,}/g, '\n\n').trim() + '\n',
    html: templates.html(values),
  };
}
