import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Organization } from '../../organizations/models/organization.model';

export enum TwoFactorSetupStep {
  EMAIL_VERIFICATION = 'EMAIL_VERIFICATION',
  AUTHENTICATOR_APP = 'AUTHENTICATOR_APP',
  RECOVERY_CODES = 'RECOVERY_CODES',
}

registerEnumType(TwoFactorSetupStep, {
  name: 'TwoFactorSetupStep',
  description: 'Where an unfinished 2FA setup waits.',
  valuesMap: {
    EMAIL_VERIFICATION: { description: 'A code was emailed: next is verifyTwoFactorSetupEmail.' },
    AUTHENTICATOR_APP: { description: 'The email is verified and the app secret shown: next is confirmTwoFactorSetup with a code from the app.' },
    RECOVERY_CODES: { description: 'The app is confirmed and recovery codes shown: next is completeTwoFactorSetup.' },
  },
});

@ObjectType({ description: "The user's two-step verification." })
export class TwoFactorStatus {
  @Field({ description: 'True once setup is completed.' })
  enabled: boolean;

  @Field(() => Date, { nullable: true, description: 'When 2FA was turned on; null while off.' })
  enabledAt: Date | null;

  @Field(() => Int, { description: 'Unused recovery codes (0 while off). At 3 or fewer, suggest reissueRecoveryCodes.' })
  recoveryCodesRemaining: number;

  @Field(() => Int, { description: 'How many passkeys the user has registered.' })
  passkeyCount: number;

  @Field(() => TwoFactorSetupStep, { nullable: true, description: 'The step an unfinished setup waits at; null when none is in progress.' })
  setupStep: TwoFactorSetupStep | null;

  @Field({ description: 'True when an organization the user belongs to requires 2FA.' })
  requiredByOrganization: boolean;

  @Field(() => [Organization], {
    description:
      'The organizations of the user that require 2FA, so the user can see who set the requirement (and leave one with removeOrganizationMember on themselves). Empty when none does.',
  })
  requiringOrganizations: Organization[];

  @Field(() => Date, {
    nullable: true,
    description: 'When required and not enabled: the end of the grace period, after which only setup is open.',
  })
  setupRequiredBy: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When 2FA is on, an organization requires it and its grace period still runs: the end of that period, by which the user would have to set 2FA up again after turning it off. Null when nothing requires it, when 2FA is off (see setupRequiredBy), or when the period is over: turning 2FA off then leaves only setup open at once.',
  })
  setupRequiredByIfDisabled: Date | null;

  @Field({ description: 'True when an organization of the user accepts only phishing-resistant factors for their role.' })
  phishingResistantRequired: boolean;

  @Field(() => Date, {
    nullable: true,
    description:
      'When phishingResistantRequired and the user has no passkey: the end of the grace period (from the rule or from joining, as for 2FA), after which only passkey registration, me, twoFactorStatus, myOrganizations, leaving and logout are open (TWO_FACTOR_SETUP_REQUIRED).',
  })
  passkeyRequiredBy: Date | null;
}

@ObjectType({ description: 'A setup just started by startTwoFactorSetup.' })
export class TwoFactorSetup {
  @Field(() => TwoFactorSetupStep, { description: 'EMAIL_VERIFICATION: the code is on its way.' })
  step: TwoFactorSetupStep;

  @Field({ description: 'The login email the verification code was sent to.' })
  email: string;

  @Field({ description: 'When the emailed verification code stops working (10 minutes after it was sent).' })
  expiresAt: Date;
}

@ObjectType({ description: 'What the authenticator app needs: scan qrCodeDataUrl or type manualEntryKey.' })
export class TotpEnrollment {
  @Field({ description: 'otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30' })
  otpauthUri: string;

  @Field({ description: 'data:image/png;base64,... of a QR code that encodes otpauthUri.' })
  qrCodeDataUrl: string;

  @Field({ description: 'The base32 secret for manual entry (key type: time based).' })
  manualEntryKey: string;

  @Field({ description: 'The name the app shows for the service (TOTP_ISSUER, default DFINERY).' })
  issuer: string;

  @Field({ description: 'The login email, as the app shows it under the issuer.' })
  accountName: string;

  @Field({ description: 'SHA1.' })
  algorithm: string;

  @Field(() => Int, { description: '6.' })
  digits: number;

  @Field(() => Int, { description: 'Seconds per code: 30.' })
  period: number;
}

@ObjectType({ description: '10 one-time codes (xxxxx-xxxxx) that stand in for the authenticator app.' })
export class RecoveryCodes {
  @Field(() => [String], { description: 'Shown once. Each code works once.' })
  codes: string[];

  @Field({ description: 'When this set was made.' })
  generatedAt: Date;
}
