import { describe, expect, it } from 'vitest';
import { isUnrecognizedSignIn, signInReportLink } from './sign-in-alert.util';

const now = new Date('2026-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('isUnrecognizedSignIn', () => {
  it('mails nothing for the first sign-in of an account, whatever its device', () => {
    expect(isUnrecognizedSignIn({ hadHistory: false, previousSeenAt: null }, now)).toBe(false);
  });

  it('mails a pair the account never signed in from', () => {
    expect(isUnrecognizedSignIn({ hadHistory: true, previousSeenAt: null }, now)).toBe(true);
  });

  it('mails nothing for a pair seen in the last 90 days', () => {
    expect(isUnrecognizedSignIn({ hadHistory: true, previousSeenAt: daysAgo(0) }, now)).toBe(false);
    expect(isUnrecognizedSignIn({ hadHistory: true, previousSeenAt: daysAgo(90) }, now)).toBe(false);
  });

  it('mails a pair last seen more than 90 days ago', () => {
    expect(isUnrecognizedSignIn({ hadHistory: true, previousSeenAt: daysAgo(91) }, now)).toBe(true);
  });
});

describe('signInReportLink', () => {
  it('opens the console page with the token, escaped', () => {
    expect(signInReportLink('https://id.example', 'sir_a+b')).toBe('https://id.example/sign-in-report?token=sir_a%2Bb');
  });
});
