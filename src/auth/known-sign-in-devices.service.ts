import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { deviceName } from '../common/device-name.util';
import { locationOf } from '../common/ip-location.util';
import { currentRequestContext } from '../common/request-context';
import type { StatementParams } from '../common/statement-params';
import { SignInDeviceEntity } from './entities/sign-in-device.entity';
import type { KnownDeviceOutcome } from './utils/sign-in-alert.util';

/** Where a sign-in comes from: Session.device and Session.location of its request. */
export interface SignInPlace {
  device: string | null;
  location: string | null;
}

/** The columns that recordCtes adds to its statement's final SELECT. */
export interface KnownDeviceColumns {
  had_sign_in_history: boolean;
  previous_seen_at: Date | null;
}

/** The (device, place) pairs each account signed in from: what makes a sign-in new. */
@Injectable()
export class KnownSignInDevicesService {
  constructor(
    @InjectRepository(SignInDeviceEntity) private readonly devices: Repository<SignInDeviceEntity>,
    private readonly clock: Clock,
  ) {}

  /** The device and place of the current request (a disk read for a public address not looked up lately). */
  async ofCurrentRequest(): Promise<SignInPlace> {
    const request = currentRequestContext();
    return { device: deviceName(request?.userAgent), location: await locationOf(request?.ipAddress) };
  }

  /**
   * CTEs to put in a sign-in's statement, written only when `when` (SQL) holds: whether the account
   * had signed in before, and the upsert of this pair. `columns` go in the statement's final SELECT
   * (read back with outcomeOf). Of concurrent sign-ins from one new pair, one inserts and the others
   * update after it, seeing its time as previous_seen_at: only one sees the pair as new.
   */
  recordCtes(params: StatementParams, userId: string, place: SignInPlace, when: string): { ctes: string; columns: string } {
    const user = params.add(userId);
    const now = params.add(this.clock.now());
    const ctes = `known_history AS (SELECT EXISTS (SELECT 1 FROM sign_in_devices WHERE user_id = ${user}::uuid) AS had),
            known_device AS (
              INSERT INTO sign_in_devices (user_id, device, location, first_seen_at, last_seen_at, previous_seen_at)
              SELECT ${user}::uuid, ${params.add(place.device ?? '')}::varchar, ${params.add(place.location ?? '')}::varchar, ${now}::timestamptz, ${now}::timestamptz, NULL
               WHERE ${when}
              ON CONFLICT (user_id, device, location) DO UPDATE SET previous_seen_at = sign_in_devices.last_seen_at, last_seen_at = EXCLUDED.last_seen_at
              RETURNING previous_seen_at)`;
    const columns = `(SELECT had FROM known_history) AS had_sign_in_history, (SELECT previous_seen_at FROM known_device) AS previous_seen_at`;
    return { ctes, columns };
  }

  outcomeOf(row: KnownDeviceColumns): KnownDeviceOutcome {
    return { hadHistory: row.had_sign_in_history, previousSeenAt: row.previous_seen_at };
  }

  /** Forgets a pair (the user said a sign-in from it was not theirs): the next sign-in from it is new again. */
  async forget(userId: string, place: SignInPlace, db: EntityManager = this.devices.manager): Promise<void> {
    await db.delete(SignInDeviceEntity, { userId, device: place.device ?? '', location: place.location ?? '' });
  }
}
