import { registerEnumType } from '@nestjs/graphql';

export enum OrganizationRole {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}

registerEnumType(OrganizationRole, {
  name: 'OrganizationRole',
  description: "A member's role in one organization.",
  valuesMap: {
    OWNER: { description: 'Everything an ADMIN can, plus granting, taking and removing OWNER. An organization always keeps at least one.' },
    ADMIN: { description: 'Manages members (not OWNERs), sees their 2FA status and the security events, sets the 2FA requirement.' },
    MEMBER: { description: 'Belongs to the organization and follows its 2FA requirement.' },
  },
});
