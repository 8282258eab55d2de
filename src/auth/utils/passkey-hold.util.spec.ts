import { describe, expect, it, vi } from 'vitest';
import { isHeldForPasskey } from './passkey-hold.util';

const now = new Date('2026-12-03T10:00:00Z');
const later = { deadline: new Date('2026-12-04T10:00:00Z') };
const passed = { deadline: new Date('2026-12-03T09:00:00Z') };

describe('isHeldForPasskey', () => {
  it('never holds without a rule, nor a session whose second factor was a passkey', async () => {
    const hasPasskey = vi.fn(async () => true);
    expect(await isHeldForPasskey(null, { passkeyVerified: false }, now, hasPasskey)).toBe(false);
    expect(await isHeldForPasskey(passed, { passkeyVerified: true }, now, hasPasskey)).toBe(false);
    expect(hasPasskey).not.toHaveBeenCalled();
  });

  it('holds every code-made session once the grace period is over, passkey or not', async () => {
    expect(await isHeldForPasskey(passed, { passkeyVerified: false }, now, async () => false)).toBe(true);
    expect(await isHeldForPasskey({ deadline: now }, { passkeyVerified: false }, now, async () => false)).toBe(true);
  });

  it('within the grace period holds only a user who already has a passkey', async () => {
    expect(await isHeldForPasskey(later, { passkeyVerified: false }, now, async () => true)).toBe(true);
    expect(await isHeldForPasskey(later, { passkeyVerified: false }, now, async () => false)).toBe(false);
  });
});
