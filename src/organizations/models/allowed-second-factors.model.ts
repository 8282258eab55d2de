import { registerEnumType } from '@nestjs/graphql';

export enum AllowedSecondFactors {
  ANY = 'ANY',
  PHISHING_RESISTANT = 'PHISHING_RESISTANT',
}

registerEnumType(AllowedSecondFactors, {
  name: 'AllowedSecondFactors',
  description: "Which second factors satisfy an organization's 2FA requirement.",
  valuesMap: {
    ANY: { description: 'An authenticator-app code, a passkey or a security key.' },
    PHISHING_RESISTANT: {
      description:
        'Only a passkey or a security key (phishing-resistant). Recovery codes still sign a locked-out member in, but leave them in forced setup until they register one.',
    },
  },
});
