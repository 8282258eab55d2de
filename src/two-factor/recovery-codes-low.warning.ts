import { Injectable, Logger } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';

/** At or below this many unused recovery codes, status and the mails warn the user. */
export const LOW_RECOVERY_CODES = 3;

/**
 * What follows the use of a recovery code: the mail that says so (with how many are left) and the
 * warning before they run out, one mail and one RECOVERY_CODES_LOW event per set.
 */
@Injectable()
export class RecoveryCodesLowWarning {
  private readonly logger = new Logger(RecoveryCodesLowWarning.name);

  constructor(
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
  ) {}

  /**
   * After a code was used (remaining: what is left of the set, or null when none was used). Never
   * throws: the action that used the code is done, and a missed warning must not undo its answer.
   */
  async afterUse(user: { id: string; email: string }, remaining: number | null): Promise<void> {
    if (remaining === null) return;
    this.mail.sendNotice(user.email, MailKind.RECOVERY_CODE_USED, { remaining, low: remaining <= LOW_RECOVERY_CODES });
    if (remaining > LOW_RECOVERY_CODES) return;
    try {
      if (!(await this.recoveryCodes.claimLowWarning(user.id))) return;
      await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODES_LOW, userId: user.id });
      this.mail.sendNotice(user.email, MailKind.RECOVERY_CODES_LOW, { remaining });
    } catch (error) {
      this.logger.error(`Low recovery codes warning not recorded: ${(error as Error).message}`);
    }
  }
}
