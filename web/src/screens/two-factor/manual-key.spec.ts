import { describe, expect, it } from 'vitest';
import { groupManualKey } from './manual-key';

describe('groupManualKey', () => {
  it('shows a 32-character base32 key as eight groups of four', () => {
    expect(groupManualKey('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
  });

  it('leaves a shorter last group when the length is not a multiple of four', () => {
    expect(groupManualKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  it('shows an empty key as nothing', () => {
    expect(groupManualKey('')).toBe('');
  });
});
