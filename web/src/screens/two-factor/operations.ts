import { graphql } from '../../gql';

export const TwoFactorStatusDocument = graphql(`
  query TwoFactorStatus {
    twoFactorStatus {
      enabled enabledAt recoveryCodesRemaining requiredByOrganization setupRequiredBy setupRequiredByIfDisabled setupStep passkeyCount phishingResistantRequired passkeyRequiredBy
      requiringOrganizations { id name }
    }
  }
`);

export const StartTwoFactorSetupDocument = graphql(`
  mutation StartTwoFactorSetup {
    startTwoFactorSetup { email expiresAt step }
  }
`);

export const VerifyTwoFactorSetupEmailDocument = graphql(`
  mutation VerifyTwoFactorSetupEmail($code: String!) {
    verifyTwoFactorSetupEmail(code: $code) { accountName issuer manualEntryKey qrCodeDataUrl otpauthUri algorithm digits period }
  }
`);

export const ConfirmTwoFactorSetupDocument = graphql(`
  mutation ConfirmTwoFactorSetup($code: String!) {
    confirmTwoFactorSetup(code: $code) { codes generatedAt }
  }
`);

export const CompleteTwoFactorSetupDocument = graphql(`
  mutation CompleteTwoFactorSetup {
    completeTwoFactorSetup(recoveryCodesSaved: true) {
      accessToken
      status
      user { id email name twoFactorEnabled }
    }
  }
`);

export const CancelTwoFactorSetupDocument = graphql(`
  mutation CancelTwoFactorSetup {
    cancelTwoFactorSetup
  }
`);

export const ReissueRecoveryCodesDocument = graphql(`
  mutation ReissueRecoveryCodes($password: String!) {
    reissueRecoveryCodes(password: $password) { codes generatedAt }
  }
`);

export const ConfirmRecoveryCodesReissueDocument = graphql(`
  mutation ConfirmRecoveryCodesReissue {
    confirmRecoveryCodesReissue(recoveryCodesSaved: true) { enabled recoveryCodesRemaining }
  }
`);

export const DisableTwoFactorDocument = graphql(`
  mutation DisableTwoFactor($input: DisableTwoFactorInput!) {
    disableTwoFactor(input: $input) { enabled }
  }
`);

export const StartAuthenticatorReplacementDocument = graphql(`
  mutation StartAuthenticatorReplacement($input: StartAuthenticatorReplacementInput!) {
    startAuthenticatorReplacement(input: $input) { accountName issuer manualEntryKey qrCodeDataUrl }
  }
`);

export const ConfirmAuthenticatorReplacementDocument = graphql(`
  mutation ConfirmAuthenticatorReplacement($code: String!) {
    confirmAuthenticatorReplacement(code: $code) { enabled }
  }
`);
