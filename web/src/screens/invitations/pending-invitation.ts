/**
 * The token of an invitation link opened while signed out, kept for the tab (sessionStorage) so
 * that signing in or up, and a second step if any, comes back to the invitation.
 */
const PENDING_INVITATION_KEY = 'console.pendingInvitation';

export const pendingInvitation = {
  remember: (token: string) => sessionStorage.setItem(PENDING_INVITATION_KEY, token),
  forget: () => sessionStorage.removeItem(PENDING_INVITATION_KEY),
  /** The accept screen's path for the remembered invitation, or null. */
  path(): string | null {
    const token = sessionStorage.getItem(PENDING_INVITATION_KEY);
    return token ? `/invitations/accept?token=${encodeURIComponent(token)}` : null;
  },
};
