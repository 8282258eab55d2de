import { describe, expect, it } from 'vitest';
import { AmbiguousEmailError, normaliseEmail } from './normalise-email.util';

describe('normaliseEmail', () => {
  it('drops surrounding spaces and lower-cases, so one address has one form', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it('leaves an already normal address unchanged', () => {
    expect(normaliseEmail('ada@example.com')).toBe('ada@example.com');
  });

  it('keeps inner characters as they are', () => {
    expect(normaliseEmail('a+tag@sub.example.org')).toBe('a+tag@sub.example.org');
  });
});

describe('normaliseEmail against look-alike addresses', () => {
  const composed = 'jos\u00e9@example.com';
  const decomposed = 'jose\u0301@example.com';

  it('gives both Unicode forms of an accented letter one stored form (NFC)', () => {
    expect(decomposed).not.toBe(composed);
    expect(normaliseEmail(decomposed)).toBe(composed);
    expect(normaliseEmail(composed)).toBe(composed);
  });

  it.each([
    ['a zero-width space', 'jos\u200be@example.com'],
    ['a zero-width joiner', 'jose@exam\u200dple.com'],
    ['a soft hyphen', 'jo\u00adse@example.com'],
    ['a right-to-left override', 'jose\u202e@example.com'],
  ])('refuses %s', (_, email) => {
    expect(() => normaliseEmail(email)).toThrow(AmbiguousEmailError);
    expect(() => normaliseEmail(email)).toThrow(/invisible/);
  });

  it.each([
    ['a Cyrillic о among Latin letters', 'jos\u043e@example.com'],
    ['a Greek ο in the domain', 'jose@ex\u03bfample.com'],
    ['a Cyrillic а in the top-level domain', 'jose@example.c\u0430m'],
  ])('refuses %s', (_, email) => {
    expect(() => normaliseEmail(email)).toThrow(/different alphabets/);
  });

  it.each([
    ['all Cyrillic', 'иван@пример.рф'],
    ['Korean', '홍길동@example.com'],
    ['Japanese with Latin digits', 'やまだ太郎2@example.jp'],
    ['Greek', 'γιώργος@example.gr'],
    ['digits and punctuation', 'a.b-c_1+tag@sub.example.org'],
  ])('accepts an address written in one system: %s', (_, email) => {
    expect(normaliseEmail(email)).toBe(email.normalize('NFC').toLowerCase());
  });
});

describe('normaliseEmail and addresses carrying markup', () => {
  it.each([
    ['a quoted local part with markup', '"<img src=x onerror=alert(1)>"@example.com'],
    ['a quoted local part', '"john doe"@example.com'],
    ['angle brackets', 'john<b>@example.com'],
    ['a comment', 'john(boss)@example.com'],
    ['a domain literal', 'john@[127.0.0.1]'],
  ])('refuses %s', (_, email) => {
    expect(() => normaliseEmail(email)).toThrow(/plain address/);
  });
});
