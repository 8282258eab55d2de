import { describe, expect, it } from 'vitest';
import { requirementStart } from './two-factor-requirement.util';

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
