import { Injectable } from '@nestjs/common';

@Injectable()
export class OrganizationsService {
  /** The earliest deadline by which an organization of the user requires 2FA, or null when none does. */
  async twoFactorSetupDeadline(_userId: string): Promise<Date | null> {
    return null;
  }
}
