import { describe, expect, it } from 'vitest';
import { normaliseEmail } from './normalise-email.util';

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
