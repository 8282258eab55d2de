import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import type { StatementPiece } from '../database/statement';
import { TrustedDeviceEntity } from './entities/trusted-device.entity';

/** A remembered browser's row as written (never used yet, not revoked). */
export interface NewTrustedDevice {
  userId: string;
  tokenHash: Buffer;
  name: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** The INSERT of a trusted device as a piece: inserted only when its gate holds. */
export function insertTrustedDevice(device: NewTrustedDevice): StatementPiece {
  return (statement, when) =>
    statement.with(
      'device',
      `INSERT INTO trusted_devices (user_id, token_hash, name, created_at, last_used_at, expires_at, revoked_at)
       SELECT ${statement.value(device.userId)}::uuid, ${statement.value(device.tokenHash)}::bytea, ${statement.value(device.name)}::varchar,
              ${statement.value(device.createdAt)}::timestamptz, NULL, ${statement.value(device.expiresAt)}::timestamptz, NULL
        WHERE ${when.sql}
       RETURNING id`,
    );
}

/** The trusted_devices table. */
@Injectable()
export class TrustedDevicesRepository {
  constructor(@InjectRepository(TrustedDeviceEntity) private readonly devices: Repository<TrustedDeviceEntity>) {}

  /** Marks the user's live device with this token hash used; false when there is none. */
  async markUsed(userId: string, tokenHash: Buffer, now: Date): Promise<boolean> {
    const result = await this.devices.update({ userId, tokenHash, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { lastUsedAt: now });
    return (result.affected ?? 0) > 0;
  }

  findLive(userId: string, now: Date): Promise<TrustedDeviceEntity[]> {
    return this.devices.find({ where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, order: { createdAt: 'DESC' } });
  }

  /** Revokes one live device of the user; false when it is not one (someone else's, revoked, expired). */
  async revokeLive(userId: string, deviceId: string, now: Date): Promise<boolean> {
    const result = await this.devices.update({ id: deviceId, userId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now });
    return Boolean(result.affected);
  }

  async revokeAllOf(userId: string, now: Date, db: EntityManager = this.devices.manager): Promise<void> {
    await db.update(TrustedDeviceEntity, { userId, revokedAt: IsNull() }, { revokedAt: now });
  }
}
