import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../common/app-error';
import { addSeconds, Clock } from '../common/clock';
import { deviceName } from '../common/device-name.util';
import { currentRequestContext } from '../common/request-context';
import type { StatementPiece } from '../database/statement';
import type { TrustedDevice } from './models/trusted-device.model';
import { insertTrustedDevice, TrustedDevicesRepository } from './trusted-devices.repository';
import { DEVICE_TOKEN_PREFIX, generateOpaqueToken, hashOpaqueToken, looksLikeOpaqueToken } from './utils/opaque-token.util';

export const TRUSTED_DEVICE_DAYS = 30;

/** Browsers a user chose to remember: their token lets a login skip the second factor. */
@Injectable()
export class TrustedDevicesService {
  constructor(
    private readonly devices: TrustedDevicesRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Remembers the requesting browser: the insert, as a piece of the sign-in's statement, and
   * `token`, the only copy of the device's token.
   */
  newDevice(userId: string): { insert: StatementPiece; token: string } {
    const token = generateOpaqueToken(DEVICE_TOKEN_PREFIX);
    const now = this.clock.now();
    const userAgent = currentRequestContext()?.userAgent ?? null;
    // TrustedDevice.name: a browser bowser cannot name keeps its user agent, so the user still has something to recognise.
    const name = deviceName(userAgent) ?? userAgent?.slice(0, 200) ?? null;
    const insert = insertTrustedDevice({ userId, tokenHash: hashOpaqueToken(token), name, createdAt: now, expiresAt: addSeconds(now, TRUSTED_DEVICE_DAYS * 86400) });
    return { insert, token };
  }

  /** True when the token is a live trusted device of this user; marks it used. */
  async use(userId: string, token: string | null | undefined): Promise<boolean> {
    if (!token || !looksLikeOpaqueToken(token, DEVICE_TOKEN_PREFIX)) return false;
    return this.devices.markUsed(userId, hashOpaqueToken(token), this.clock.now());
  }

  list(userId: string): Promise<TrustedDevice[]> {
    return this.devices.findLive(userId, this.clock.now());
  }

  async revoke(userId: string, deviceId: string): Promise<void> {
    if (!(await this.devices.revokeLive(userId, deviceId, this.clock.now()))) throw AppError.notFound('The trusted device');
  }

  async revokeAll(userId: string, db: EntityManager): Promise<void> {
    await this.devices.revokeAllOf(userId, this.clock.now(), db);
  }
}
