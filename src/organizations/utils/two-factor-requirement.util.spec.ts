import { describe, expect, it } from 'vitest';
import { isPastSetupDeadline, memberSetupDeadline, requirementStart } from './two-factor-requirement.util';

const earlier = new Date('2026-03-01T00:00:00Z');
const now = new Date('2026-03-02T09:00:00Z');

describe('requirementStart', () => {
  it('starts now when the requirement is turned on', () => {
    expect(requirementStart(null, true, now)).toEqual(now);
  });

  it('keeps the original moment when the requirement stays on', () => {
    expect(requirementStart(earlier, true, now)).toEqual(earlier);
  });

  it('is null when the requirement is off', () => {
    expect(requirementStart(earlier, false, now)).toBeNull();
    expect(requirementStart(null, false, now)).toBeNull();
  });
});

describe('memberSetupDeadline', () => {
  it('counts the grace period from the requirement for a member who was already in', () => {
    expect(memberSetupDeadline(now, earlier, 48)).toEqual(new Date('2026-03-04T09:00:00Z'));
  });

  it('counts it from the joining for a member who joins after the requirement began', () => {
    const joined = new Date('2026-03-05T09:00:00Z');
    expect(memberSetupDeadline(now, joined, 48)).toEqual(new Date('2026-03-07T09:00:00Z'));
  });

  it('is the later moment itself with no grace period', () => {
    expect(memberSetupDeadline(earlier, now, 0)).toEqual(now);
  });
});

describe('isPastSetupDeadline', () => {
  it('is true from the deadline on, false before it and without one', () => {
    expect(isPastSetupDeadline(now, now)).toBe(true);
    expect(isPastSetupDeadline(earlier, now)).toBe(true);
    expect(isPastSetupDeadline(new Date(now.getTime() + 1), now)).toBe(false);
    expect(isPastSetupDeadline(null, now)).toBe(false);
  });
});
