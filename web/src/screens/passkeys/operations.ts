import { graphql } from '../../gql';

export const PasskeysDocument = graphql(`
  query Passkeys {
    passkeys { id name createdAt lastUsedAt discoverable }
  }
`);

export const StartPasskeyRegistrationDocument = graphql(`
  mutation StartPasskeyRegistration($password: String!) {
    startPasskeyRegistration(password: $password)
  }
`);

export const FinishPasskeyRegistrationDocument = graphql(`
  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {
    finishPasskeyRegistration(input: $input) { id name }
  }
`);

export const RenamePasskeyDocument = graphql(`
  mutation RenamePasskey($input: RenamePasskeyInput!) {
    renamePasskey(input: $input) { id name }
  }
`);

export const RemovePasskeyDocument = graphql(`
  mutation RemovePasskey($id: ID!, $password: String!) {
    removePasskey(id: $id, password: $password)
  }
`);

export const StartPasskeySecondFactorDocument = graphql(`
  mutation StartPasskeySecondFactor {
    startPasskeySecondFactor
  }
`);

/** Its own operation name, so errors can speak of a passkey rather than of a code. */
export const VerifyLoginSecondFactorWithPasskeyDocument = graphql(`
  mutation VerifyLoginSecondFactorWithPasskey($input: VerifyLoginSecondFactorInput!) {
    verifyLoginSecondFactor(input: $input) {
      accessToken
      status
      trustedDeviceToken
      user { id email name twoFactorEnabled }
    }
  }
`);

export const StartPasskeySignInDocument = graphql(`
  mutation StartPasskeySignIn {
    startPasskeySignIn
  }
`);

export const FinishPasskeySignInDocument = graphql(`
  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {
    finishPasskeySignIn(input: $input) {
      accessToken
      status
      user { id email name twoFactorEnabled }
    }
  }
`);
