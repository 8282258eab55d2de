import { Injectable } from '@nestjs/common';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { OrganizationsService } from '../organizations/organizations.service';
import { TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import type { TwoFactorStatus } from './models/two-factor.models';
import { TwoFactorSetupService } from './two-factor-setup.service';

/** What the user's 2FA looks like: on or off, what is left of it, and what organizations require of it by when. */
@Injectable()
export class TwoFactorStatusService {
  constructor(
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeysService,
    private readonly setup: TwoFactorSetupService,
    private readonly organizations: OrganizationsService,
    private readonly requirement: TwoFactorRequirementService,
  ) {}

  async status(session: AuthenticatedSession): Promise<TwoFactorStatus> {
    const enabledAt = session.user.twoFactorEnabledAt;
    const [recoveryCodesRemaining, setupStep, requiringOrganizations, deadlines, passkeyCount, passkeyRule] = await Promise.all([
      enabledAt ? this.recoveryCodes.countRemaining(session.userId) : Promise.resolve(0),
      enabledAt ? Promise.resolve(null) : this.setup.pendingStep(session.userId),
      this.organizations.listRequiringTwoFactor(session.userId),
      this.requirement.statusDeadlines(session.user),
      enabledAt ? this.passkeys.count(session.userId) : Promise.resolve(0),
      this.requirement.passkeyRequirement(session.userId),
    ]);
    return {
      enabled: enabledAt !== null,
      enabledAt,
      recoveryCodesRemaining,
      passkeyCount,
      setupStep,
      requiredByOrganization: requiringOrganizations.length > 0,
      requiringOrganizations,
      setupRequiredBy: deadlines.setupRequiredBy,
      setupRequiredByIfDisabled: deadlines.setupRequiredByIfDisabled,
      phishingResistantRequired: passkeyRule !== null,
      passkeyRequiredBy: passkeyRule && passkeyCount === 0 ? passkeyRule.deadline : null,
    };
  }
}
