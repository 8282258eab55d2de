import { ErrorCode, ServerErrorCode } from './app-error';

export interface ErrorCodeDescription {
  /** When a client gets it, in the client's terms. */
  meaning: string;
  /** What to do about it. */
  clientAction: string;
  /** `extensions` it carries beside `code`, by name. */
  extensions: Readonly<Record<string, string>>;
}

/**
 * Every error code a client can see, described once: docs/errors.md is printed from this map
 * (`npm run docs:errors`) and a test checks that it is fresh. `satisfies` makes a new code without a
 * description a compile error, and the spec makes it a failing test.
 */
export const ERROR_CODE_DESCRIPTIONS = {
  [ErrorCode.UNAUTHENTICATED]: {
    meaning: 'No bearer token, or an unknown, expired or revoked one (signed out, logged out everywhere, password changed, 2FA turned on elsewhere).',
    clientAction: 'Forget the token and show the sign-in screen.',
    extensions: {},
  },
  [ErrorCode.SECOND_FACTOR_REQUIRED]: {
    meaning: 'The session is a pending one (password accepted, second factor still missing) and the operation needs a full session.',
    clientAction: 'Ask for the authenticator code or a recovery code and call verifyLoginSecondFactor.',
    extensions: {},
  },
  [ErrorCode.TWO_FACTOR_SETUP_REQUIRED]: {
    meaning: 'An organization of the user requires 2FA, its grace period is over, and the user has not set 2FA up.',
    clientAction: 'Send the user through setup (startTwoFactorSetup …); me, twoFactorStatus, the setup mutations and logout stay open.',
    extensions: {},
  },
  [ErrorCode.FORBIDDEN]: {
    meaning: "Signed in, but the user's role in the organization does not allow this (e.g. an ADMIN granting OWNER).",
    clientAction: 'Hide or disable the action for this role.',
    extensions: {},
  },
  [ErrorCode.BAD_USER_INPUT]: {
    meaning: 'The input failed validation (a malformed or look-alike email, a password shorter than 10 characters, a value out of range), or the request itself is malformed or too large.',
    clientAction: 'Show each problem beside its field; the message also says it in one sentence.',
    extensions: { fields: 'list of `{ field, message }`: the input field (e.g. `email`) and what is wrong with it. Absent when the request as a whole was refused.' },
  },
  [ErrorCode.INVALID_CREDENTIALS]: {
    meaning: 'Wrong email or password at login (the same answer for an unknown email), or a wrong password in a step-up check (changePassword, reissueRecoveryCodes, disableTwoFactor). Each counts towards TOO_MANY_ATTEMPTS.',
    clientAction: 'Say the email or password is not correct; do not say which.',
    extensions: {},
  },
  [ErrorCode.INVALID_CODE]: {
    meaning: 'A wrong, reused or already-consumed TOTP, email or recovery code.',
    clientAction: 'Ask for the newest code. When attemptsRemaining is 0 the pending sign-in (or the email code) has ended: start again.',
    extensions: { attemptsRemaining: 'tries left on this pending sign-in (verifyLoginSecondFactor) or on this email code (verifyTwoFactorSetupEmail); absent elsewhere.' },
  },
  [ErrorCode.CODE_EXPIRED]: {
    meaning: 'The email code (10 minutes) or the setup it belongs to (30 minutes) has expired.',
    clientAction: 'Offer to send a new code (startTwoFactorSetup).',
    extensions: {},
  },
  [ErrorCode.TOO_MANY_ATTEMPTS]: {
    meaning: 'Throttled or locked: too many wrong passwords for the account (at login or in a step-up check), too many wrong second-factor or email codes, new email codes asked too often, too many mails to one address, or too many requests from one client address. Repeated locks grow longer (15 minutes, 1 hour, 4 hours, 24 hours).',
    clientAction: 'Tell the user how long to wait; retrying earlier is refused, even with the right password or code.',
    extensions: { retryAfterSeconds: 'whole seconds until a new attempt can succeed.' },
  },
  [ErrorCode.CONFLICT]: {
    meaning: 'It already exists or is already in that state: the email is taken, 2FA is already on, the person is already a member.',
    clientAction: 'Refresh what the screen shows; nothing was changed.',
    extensions: {},
  },
  [ErrorCode.NOT_FOUND]: {
    meaning: "No such thing visible to the caller (another user's trusted device and another organization's ids answer the same).",
    clientAction: 'Refresh the list it came from.',
    extensions: {},
  },
  [ErrorCode.FAILED_PRECONDITION]: {
    meaning: 'A step out of order (confirming setup before verifying the email, confirming a reissue that was not started), or a rule not met (an admin without 2FA requiring it, demoting the last OWNER).',
    clientAction: 'Show the message; it names the step or rule.',
    extensions: {},
  },
  [ServerErrorCode.SERVICE_UNAVAILABLE]: {
    meaning: 'Not caused by the client: the mail server did not take the verification code (nothing was changed), or the database cannot be reached for a moment (a failover or restart; a write whose answer was lost may have been saved).',
    clientAction: 'Offer to retry the same request in a moment.',
    extensions: {},
  },
  [ServerErrorCode.INTERNAL_SERVER_ERROR]: {
    meaning: 'Not caused by the client: an unexpected failure, logged on the server; no internals are returned.',
    clientAction: 'Show the message, which quotes the request id for support.',
    extensions: { requestId: 'the id under which the server logged the failure (also the `X-Request-Id` response header).' },
  },
} as const satisfies Record<ErrorCode | ServerErrorCode, ErrorCodeDescription>;

/** docs/errors.md, printed from the map above. */
export function errorCodesMarkdown(): string {
  const row = (code: string, described: ErrorCodeDescription) => {
    const extensions = Object.entries(described.extensions).map(([name, text]) => `\`${name}\`: ${text}`).join('<br>');
    return `| \`${code}\` | ${described.meaning} | ${described.clientAction} | ${extensions || '—'} |`;
  };
  const table = (codes: string[]) => [
    '| code | when | what the client does | extensions |',
    '|---|---|---|---|',
    ...codes.map((code) => row(code, ERROR_CODE_DESCRIPTIONS[code as keyof typeof ERROR_CODE_DESCRIPTIONS])),
  ];
  return [
    '# Error codes',
    '',
    '<!-- Printed from src/common/error-codes.ts by `npm run docs:errors`; a test fails when it is stale. -->',
    '',
    'Every error a client can cause is a GraphQL error whose `extensions.code` is one of the codes below,',
    'with a `message` a person can act on. Switch on the code, never on the message. Each operation\'s',
    'description in the schema (`schema.gql`, GraphiQL) lists the codes it can give.',
    '',
    '## Codes the client causes (the contract\'s)',
    '',
    ...table(Object.values(ErrorCode)),
    '',
    '## Failures the client did not cause',
    '',
    ...table(Object.values(ServerErrorCode)),
    '',
  ].join('\n');
}

/**
 * An operation's schema description: what it does, then the error codes it can give beyond the
 * guard's (UNAUTHENTICATED, SECOND_FACTOR_REQUIRED, TWO_FACTOR_SETUP_REQUIRED), each with the
 * extensions it carries, so the list cannot name a code that does not exist.
 */
export function describeOperation(what: string, errors: ReadonlyArray<ErrorCode | ServerErrorCode>): string {
  const listed = errors.map((code) => {
    const extensions = Object.keys(ERROR_CODE_DESCRIPTIONS[code].extensions);
    return extensions.length ? `${code} (extensions: ${extensions.join(', ')})` : code;
  });
  return errors.length ? `${what}\n\nErrors: ${listed.join(', ')}.` : what;
}
