import { describe, expect, it } from 'vitest';
import { organizationsDemandingPasskeys } from './passkey-rule';

const organization = (name: string, myRole: 'OWNER' | 'ADMIN' | 'MEMBER', requireTwoFactor: boolean, admin: 'ANY' | 'PHISHING_RESISTANT', member: 'ANY' | 'PHISHING_RESISTANT') => ({
  id: name,
  name,
  myRole,
  securitySettings: { requireTwoFactor, adminSecondFactors: admin, memberSecondFactors: member },
});

describe('organizationsDemandingPasskeys', () => {
  it("names the organizations whose rule for the user's role is passkeys-only, with 2FA required", () => {
    expect(
      organizationsDemandingPasskeys([
        organization('Admins only', 'ADMIN', true, 'PHISHING_RESISTANT', 'ANY'),
        organization('Owner too', 'OWNER', true, 'PHISHING_RESISTANT', 'ANY'),
        organization('Members', 'MEMBER', true, 'ANY', 'PHISHING_RESISTANT'),
      ]),
    ).toEqual(['Admins only', 'Owner too', 'Members']);
  });

  it("leaves out a rule for another role, and one without the 2FA requirement on", () => {
    expect(
      organizationsDemandingPasskeys([organization('Admins only', 'MEMBER', true, 'PHISHING_RESISTANT', 'ANY'), organization('Off', 'ADMIN', false, 'PHISHING_RESISTANT', 'ANY')]),
    ).toEqual([]);
  });
});
