import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Organization } from '../../organizations/models/organization.model';

export enum TwoFactorSetupStep {
  EMAIL_VERIFICATION = 'EMAIL_VERIFICATION',
  AUTHENTICATOR_APP = 'AUTHENTICATOR_APP',
  RECOVERY_CODES = 'RECOVERY_CODES',
}

registerEnumType(TwoFactorSetupStep, { name: 'TwoFactorSetupStep' });

@ObjectType()
export class TwoFactorStatus {
  @Field()
  enabled: boolean;

  @Field(() => Date, { nullable: true })
  enabledAt: Date | null;

  @Field(() => Int)
  recoveryCodesRemaining: number;

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
}

@ObjectType()
export class TwoFactorSetup {
  @Field(() => TwoFactorSetupStep)
  step: TwoFactorSetupStep;

  @Field({ description: 'The login email the verification code was sent to.' })
  email: string;

  @Field({ description: 'When the emailed verification code stops working (10 minutes after it was sent).' })
  expiresAt: Date;
}

@ObjectType()
export class TotpEnrollment {
  @Field({ description: 'otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30' })
  otpauthUri: string;

  @Field({ description: 'data:image/png;base64,... of a QR code that encodes otpauthUri.' })
  qrCodeDataUrl: string;

  @Field({ description: 'The base32 secret for manual entry (key type: time based).' })
  manualEntryKey: string;

  @Field()
  issuer: string;

  @Field()
  accountName: string;

  @Field()
  algorithm: string;

  @Field(() => Int)
  digits: number;

  @Field(() => Int)
  period: number;
}

@ObjectType()
export class RecoveryCodes {
  @Field(() => [String], { description: 'Shown once. Each code works once.' })
  codes: string[];

  @Field()
  generatedAt: Date;
}
