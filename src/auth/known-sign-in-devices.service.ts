import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { deviceName } from '../common/device-name.util';
import { locationOf } from '../common/ip-location.util';
import { currentRequestContext } from '../common/request-context';
import type { StatementPiece } from '../database/statement';
import { recordSignInDevice, type SignInDeviceColumns, type SignInDeviceRow, SignInDevicesRepository, type SignInPlace } from './sign-in-devices.repository';
import type { KnownDeviceOutcome } from './utils/sign-in-alert.util';

export type { SignInPlace } from './sign-in-devices.repository';

/** The (device, place) pairs each account signed in from: what makes a sign-in new. */
@Injectable()
export class KnownSignInDevicesService {
  constructor(
    private readonly devices: SignInDevicesRepository,
    private readonly clock: Clock,
  ) {}

  /** The device and place of the current request (a disk read for a public address not looked up lately). */
  async ofCurrentRequest(): Promise<SignInPlace> {
    const request = currentRequestContext();
    return { device: deviceName(request?.userAgent), location: await locationOf(request?.ipAddress) };
  }

  /** The record of this sign-in's pair, as a piece of its statement; read what it saw with outcomeOf. */
  recordPiece(userId: string, place: SignInPlace): StatementPiece<SignInDeviceColumns> {
    return recordSignInDevice(userId, place, this.clock.now());
  }

  outcomeOf(row: SignInDeviceRow): KnownDeviceOutcome {
    return { hadHistory: row.had_sign_in_history, previousSeenAt: row.previous_seen_at };
  }

  /** Forgets a pair (the user said a sign-in from it was not theirs): the next sign-in from it is new again. */
  async forget(userId: string, place: SignInPlace, db?: EntityManager): Promise<void> {
    await this.devices.delete(userId, place, db);
  }
}
