import { deviceName as nameDevice } from '../../../../src/common/device-name.util';
import type { Dictionary } from '../../i18n/en';

/** The server's rule (one file for both), worded in the reader's language; 'Unknown device' without a user agent. */
export function deviceName(userAgent: string | null | undefined, t: Dictionary): string {
  return nameDevice(userAgent, t.sessions.deviceOn) ?? t.sessions.unknownDevice;
}
