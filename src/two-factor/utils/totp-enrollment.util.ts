import * as QRCode from 'qrcode';
import type { TotpEnrollment } from '../models/two-factor.models';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS, totpUri } from './totp.util';

/** What an authenticator app needs to add the account: the otpauth URI, its QR code and the manual key. */
export async function totpEnrollment(issuer: string, accountName: string, secret: string): Promise<TotpEnrollment> {
  const uri = totpUri(issuer, accountName, secret);
  return {
    otpauthUri: uri,
    qrCodeDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
    manualEntryKey: secret,
    issuer,
    accountName,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  };
}
