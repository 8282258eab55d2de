import { describe, expect, it } from 'vitest';
import { USER_AGENT_NAMES } from '../../test/support/user-agents';
import { deviceName } from './device-name.util';

describe('deviceName', () => {
  it.each(USER_AGENT_NAMES)('names %j as %j', (userAgent, name) => {
    expect(deviceName(userAgent)).toBe(name);
  });

  it('has no name without a user agent', () => {
    expect(deviceName(null)).toBeNull();
    expect(deviceName(undefined)).toBeNull();
  });

  it('keeps an unknown user agent to the 200 characters its column holds', () => {
    expect(deviceName('x'.repeat(300))).toBe('x'.repeat(200));
  });

  it('words "on" as it is asked to', () => {
    const edge = USER_AGENT_NAMES[0][0];
    expect(deviceName(edge, (browser, system) => `${system}: ${browser}`)).toBe('Windows: Edge');
  });
});
