import { describe, expect, it } from 'vitest';
import { exactlyOneFactor } from './second-factor-input.util';

describe('exactlyOneFactor', () => {
  it('takes the app code or the recovery code', () => {
    expect(exactlyOneFactor('123456', null)).toEqual({ kind: 'totp', code: '123456' });
    expect(exactlyOneFactor(undefined, 'abcd-efgh')).toEqual({ kind: 'recovery', code: 'abcd-efgh' });
    expect(exactlyOneFactor('', 'abcd-efgh')).toEqual({ kind: 'recovery', code: 'abcd-efgh' });
  });

  it('refuses both, and neither, naming both fields', () => {
    for (const [code, recoveryCode] of [['123456', 'abcd-efgh'], [null, undefined], ['', '']] as const) {
      let thrown: unknown;
      try {
        exactlyOneFactor(code, recoveryCode);
      } catch (error) {
        thrown = error;
      }
      expect((thrown as { extensions: Record<string, unknown> }).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'code' }, { field: 'recoveryCode' }],
      });
    }
  });
});
