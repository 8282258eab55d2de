import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { StatementPiece } from '../database/statement';
import { SignInDeviceEntity } from './entities/sign-in-device.entity';

/** Where a sign-in comes from: Session.device and Session.location of its request. */
export interface SignInPlace {
  device: string | null;
  location: string | null;
}

/** The columns recordSignInDevice adds to its statement's final SELECT. */
export interface SignInDeviceColumns {
  columns: string[];
}

/** The values of those columns in the statement's result row. */
export interface SignInDeviceRow {
  had_sign_in_history: boolean;
  previous_seen_at: Date | null;
}

/**
 * The record of a sign-in's (device, place) pair as a piece, written only when its gate holds:
 * whether the account had signed in before, and the upsert of the pair. Of concurrent sign-ins
 * from one new pair, one inserts and the others update after it, seeing its time as
 * previous_seen_at: only one sees the pair as new.
 */
export function recordSignInDevice(userId: string, place: SignInPlace, now: Date): StatementPiece<SignInDeviceColumns> {
  return (statement, when) => {
    const user = statement.value(userId);
    const at = statement.value(now);
    const history = statement.with('known_history', `SELECT EXISTS (SELECT 1 FROM sign_in_devices WHERE user_id = ${user}::uuid) AS had`);
    const device = statement.with(
      'known_device',
      `INSERT INTO sign_in_devices (user_id, device, location, first_seen_at, last_seen_at, previous_seen_at)
       SELECT ${user}::uuid, ${statement.value(place.device ?? '')}::varchar, ${statement.value(place.location ?? '')}::varchar, ${at}::timestamptz, ${at}::timestamptz, NULL
        WHERE ${when.sql}
       ON CONFLICT (user_id, device, location) DO UPDATE SET previous_seen_at = sign_in_devices.last_seen_at, last_seen_at = EXCLUDED.last_seen_at
       RETURNING previous_seen_at`,
    );
    return {
      columns: [`(SELECT had FROM ${history.name}) AS had_sign_in_history`, `(SELECT previous_seen_at FROM ${device.name}) AS previous_seen_at`],
    };
  };
}

/** The sign_in_devices table: the (device, place) pairs each account signed in from. */
@Injectable()
export class SignInDevicesRepository {
  constructor(@InjectRepository(SignInDeviceEntity) private readonly devices: Repository<SignInDeviceEntity>) {}

  async delete(userId: string, place: SignInPlace, db: EntityManager = this.devices.manager): Promise<void> {
    await db.delete(SignInDeviceEntity, { userId, device: place.device ?? '', location: place.location ?? '' });
  }
}
