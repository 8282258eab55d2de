import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { addSeconds, Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import type { StatementParams } from '../common/statement-params';
import { TrustedDeviceEntity } from './entities/trusted-device.entity';
import type { TrustedDevice } from './models/trusted-device.model';
import { deviceName } from '../common/device-name.util';
import { DEVICE_TOKEN_PREFIX, generateOpaqueToken, hashOpaqueToken, looksLikeOpaqueToken } from './utils/opaque-token.util';

export const TRUSTED_DEVICE_DAYS = 30;

/** Browsers a user chose to remember: their token lets a login skip the second factor. */
@Injectable()
export class TrustedDevicesService {
  constructor(
    @InjectRepository(TrustedDeviceEntity) private readonly devices: Repository<TrustedDeviceEntity>,
    private readonly clock: Clock,
  ) {}

  /**
   * Remembers the requesting browser: an INSERT to put in a larger statement, inserted only when
   * `when` (SQL) holds; `token` is the only copy of the device's token.
   */
  insertSql(params: StatementParams, userId: string, when: string): { sql: string; token: string } {
    const token = generateOpaqueToken(DEVICE_TOKEN_PREFIX);
    const now = this.clock.now();
    const userAgent = currentRequestContext()?.userAgent ?? null;
    // TrustedDevice.name: a browser bowser cannot name keeps its user agent, so the user still has something to recognise.
    const name = deviceName(userAgent) ?? userAgent?.slice(0, 200) ?? null;
    const sql = `INSERT INTO trusted_devices (user_id, token_hash, name, created_at, last_used_at, expires_at, revoked_at)
      SELECT ${params.add(userId)}::uuid, ${params.add(hashOpaqueToken(token))}::bytea, ${params.add(name)}::varchar,
             ${params.add(now)}::timestamptz, NULL, ${params.add(addSeconds(now, TRUSTED_DEVICE_DAYS * 86400))}::timestamptz, NULL
       WHERE ${when}`;
    return { sql, token };
  }

  /** True when the token is a live trusted device of this user; marks it used. */
  async use(userId: string, token: string | null | undefined): Promise<boolean> {
    if (!token || !looksLikeOpaqueToken(token, DEVICE_TOKEN_PREFIX)) return false;
    const now = this.clock.now();
    const result = await this.devices.update(
      { userId, tokenHash: hashOpaqueToken(token), revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { lastUsedAt: now },
    );
    return (result.affected ?? 0) > 0;
  }

  async list(userId: string): Promise<TrustedDevice[]> {
    return this.devices.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { createdAt: 'DESC' },
    });
  }

  async revoke(userId: string, deviceId: string): Promise<void> {
    const result = await this.devices.update(
      { id: deviceId, userId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      { revokedAt: this.clock.now() },
    );
    if (!result.affected) throw AppError.notFound('The trusted device');
  }

  async revokeAll(userId: string, db: EntityManager): Promise<void> {
    await db.update(TrustedDeviceEntity, { userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }
}
