import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganizationInvitationEntity } from '../src/invitations/entities/organization-invitation.entity';
import { InvitationsRepository } from '../src/invitations/invitations.repository';
import { hashInvitationToken } from '../src/invitations/utils/invitation-token.util';
import { OrganizationMembershipEntity } from '../src/organizations/entities/organization-membership.entity';
import { OrganizationEntity } from '../src/organizations/entities/organization.entity';
import { OrganizationRole } from '../src/organizations/models/organization-role.model';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/** InvitationsRepository on PostgreSQL: its conditional writes spend, revoke and delete only what their conditions allow. */
const HOUR = 3_600_000;
let m: MediumServices;
let invitations: InvitationsRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [InvitationsRepository],
    entities: [UserEntity, OrganizationEntity, OrganizationMembershipEntity, OrganizationInvitationEntity],
  });
  invitations = m.get(InvitationsRepository);
});
afterAll(async () => {
  await m?.close();
});

const at = (offsetHours: number) => new Date(m.clock.now().getTime() + offsetHours * HOUR);
let tokens = 0;

/** A pending invitation of `email` (into a new organization unless `from` says whose), expiring in `expiresInHours`, with its token's hash. */
async function pendingInvitation(email: string, expiresInHours = 24, from?: { organization: { id: string }; inviter: { id: string } }) {
  const organization = from?.organization ?? (await m.fixtures.organization());
  const inviter = from?.inviter ?? (await m.fixtures.user());
  const tokenHash = hashInvitationToken(`token-${(tokens += 1)}-${Math.random()}`);
  const invitation = await invitations.insert({
    organizationId: organization.id,
    email,
    role: OrganizationRole.MEMBER,
    status: 'PENDING',
    tokenHash,
    invitedBy: inviter.id,
    createdAt: m.clock.now(),
    expiresAt: at(expiresInHours),
    acceptedBy: null,
    closedAt: null,
  });
  return { invitation, tokenHash, organization, inviter };
}

describe('InvitationsRepository.acceptIfUsable', () => {
  it('spends a pending invitation once, however many accept it at once', async () => {
    const user = await m.fixtures.user();
    const { tokenHash, organization, inviter } = await pendingInvitation(user.email);
    const results = await Promise.all([1, 2, 3].map(() => invitations.acceptIfUsable(tokenHash, user.email, user.id, m.clock.now())));
    expect(results.filter((accepted) => accepted !== null)).toEqual([{ organizationId: organization.id, role: OrganizationRole.MEMBER, invitedBy: inviter.id }]);
    expect(await invitations.findPending(tokenHash, user.email)).toBeNull();
  });

  it('spends nothing for another address, nor once expired', async () => {
    const [user, other] = [await m.fixtures.user(), await m.fixtures.user()];
    const { tokenHash } = await pendingInvitation(user.email, 1);
    expect(await invitations.acceptIfUsable(tokenHash, other.email, other.id, m.clock.now())).toBeNull();
    expect(await invitations.acceptIfUsable(tokenHash, user.email, user.id, at(1))).toBeNull();
    expect(await invitations.findPending(tokenHash, user.email)).not.toBeNull();
  });
});

describe('InvitationsRepository.findPending and pendingTo', () => {
  it('leave out an invitation once expired, and another address’s', async () => {
    const email = `invitee-${Math.random()}@example.com`;
    const { tokenHash, invitation } = await pendingInvitation(email, 2);
    expect((await invitations.findPending(tokenHash, email, at(1)))?.id).toBe(invitation.id);
    expect(await invitations.findPending(tokenHash, email, at(2))).toBeNull();
    expect(await invitations.findPending(tokenHash, 'someone-else@example.com')).toBeNull();
    expect((await invitations.pendingTo(email, at(1), 10)).map((row) => row.id)).toEqual([invitation.id]);
    expect(await invitations.pendingTo(email, at(2), 10)).toEqual([]);
  });
});

describe('InvitationsRepository.revokeIfPending', () => {
  it('revokes a pending invitation, and changes nothing once it was accepted', async () => {
    const user = await m.fixtures.user();
    const pending = await pendingInvitation('revoke-me@example.com');
    expect(await invitations.revokeIfPending(pending.invitation.id, m.clock.now())).toBe(true);
    expect(await invitations.revokeIfPending(pending.invitation.id, m.clock.now())).toBe(false);

    const accepted = await pendingInvitation(user.email);
    await invitations.acceptIfUsable(accepted.tokenHash, user.email, user.id, m.clock.now());
    expect(await invitations.revokeIfPending(accepted.invitation.id, m.clock.now())).toBe(false);
    expect((await invitations.findById(accepted.invitation.id))?.status).toBe('ACCEPTED');
  });
});

describe('InvitationsRepository.pendingSentBy and revokeAllIfPending', () => {
  it('find the inviter’s pending invitations in the one organization, and revoke only those still pending', async () => {
    const { organization, inviter, invitation: first } = await pendingInvitation('first@example.com');
    const { invitation: second } = await pendingInvitation('second@example.com', 24, { organization, inviter });
    await pendingInvitation('elsewhere@example.com'); // another organization, another inviter
    const sent = await invitations.pendingSentBy(organization.id, inviter.id);
    expect(sent.map((row) => row.id).sort()).toEqual([first.id, second.id].sort());

    await invitations.revokeIfPending(first.id, at(-1));
    await invitations.revokeAllIfPending([first.id, second.id], m.clock.now());
    expect((await invitations.findById(first.id))?.closedAt).toEqual(at(-1)); // already revoked: left as it was
    expect((await invitations.findById(second.id))?.status).toBe('REVOKED');
    expect(await invitations.pendingSentBy(organization.id, inviter.id)).toEqual([]);
  });
});

describe('InvitationsRepository.deletePending and deletePendingTo', () => {
  it('delete only a pending invitation of the address', async () => {
    const user = await m.fixtures.user();
    const { tokenHash, organization, invitation } = await pendingInvitation(user.email);
    expect(await invitations.deletePending(tokenHash, 'someone-else@example.com')).toBe(false);
    await invitations.deletePendingTo(organization.id, 'someone-else@example.com');
    expect(await invitations.findById(invitation.id)).not.toBeNull();
    expect(await invitations.deletePending(tokenHash, user.email)).toBe(true);
    expect(await invitations.deletePending(tokenHash, user.email)).toBe(false);
  });
});

describe('InvitationsRepository.deleteExpiredBefore', () => {
  it('deletes invitations expired before the cutoff, up to the batch size, and keeps the rest', async () => {
    m.clock.set(new Date(m.clock.now().getTime() - 10_000 * HOUR)); // older than everything else in this file
    const old = await Promise.all([1, 2, 3].map(() => pendingInvitation(`old-${Math.random()}@example.com`, 1)));
    const kept = await pendingInvitation(`kept-${Math.random()}@example.com`, 5);
    const cutoff = at(2);
    expect(await invitations.deleteExpiredBefore(cutoff, 2)).toBe(2);
    expect(await invitations.deleteExpiredBefore(cutoff, 2)).toBe(1);
    expect(await invitations.deleteExpiredBefore(cutoff, 2)).toBe(0);
    for (const { invitation } of old) expect(await invitations.findById(invitation.id)).toBeNull();
    expect(await invitations.findById(kept.invitation.id)).not.toBeNull();
  });
});
