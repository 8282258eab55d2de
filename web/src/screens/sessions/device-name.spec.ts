import { describe, expect, it } from 'vitest';
import { deviceName as serverDeviceName } from '../../../../src/common/device-name.util';
import { USER_AGENT_NAMES } from '../../../../test/support/user-agents';
import { en } from '../../i18n/en';
import { ko } from '../../i18n/ko';
import { deviceName } from './device-name';

describe('the sessions list names a device as the server does', () => {
  it.each(USER_AGENT_NAMES)('names %j as %j', (userAgent, name) => {
    expect(deviceName(userAgent, en)).toBe(name ?? en.sessions.unknownDevice);
    expect(serverDeviceName(userAgent)).toBe(name);
  });

  it('says "Unknown device" without a user agent, in the reader\'s language', () => {
    expect(deviceName(null, en)).toBe('Unknown device');
    expect(deviceName(undefined, ko)).toBe(ko.sessions.unknownDevice);
  });

  it('words the name in Korean for a Korean reader', () => {
    expect(deviceName(USER_AGENT_NAMES[0][0], ko)).toBe('Windows의 Edge');
  });
});
