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

  it('names the browser alone when the system is unknown', () => {
    expect(deviceName('Mozilla/5.0 (compact; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox');
  });

  it('keeps a name to the 200 characters its column holds', () => {
    expect(deviceName(`Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 ${'x'.repeat(300)}`)!.length).toBeLessThanOrEqual(200);
  });

  it('words it in Korean for a Korean mail', () => {
    expect(deviceName(USER_AGENT_NAMES[0][0], 'ko')).toBe('Windows의 Microsoft Edge');
  });
});
