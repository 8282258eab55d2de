import { Injectable } from '@nestjs/common';

/**
 * Whether a user has a passkey, for the modules below the passkeys module (the organizations' rule,
 * the access guard) that cannot import it without a cycle. The passkeys module answers it
 * (PasskeysService registers its lookup when it is created); nothing else reads the passkeys table.
 */
@Injectable()
export class PasskeyPresence {
  private lookup: ((userId: string) => Promise<boolean>) | null = null;

  answerWith(lookup: (userId: string) => Promise<boolean>): void {
    this.lookup = lookup;
  }

  has(userId: string): Promise<boolean> {
    if (!this.lookup) throw new Error('PasskeyPresence: the passkeys module has not registered its lookup');
    return this.lookup(userId);
  }
}
