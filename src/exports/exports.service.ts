import { Injectable } from '@nestjs/common';
import { SecurityEventsService } from '../audit/security-events.service';
import { MembershipsService } from '../organizations/memberships.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import { UsersService } from '../users/users.service';
import { csvLine } from './utils/csv.util';

/** Rows read per query: an export of ten thousand members never holds more than a page. */
const PAGE = 500;

export const MEMBERS_REPORT_HEADER = [
  'email',
  'role',
  'two_factor_enabled',
  'factors',
  'has_passkey',
  'recovery_codes_remaining',
  'last_sign_in_at',
  'joined_at',
  'two_factor_deadline',
];

/**
 * Files for an organization's OWNERs and ADMINs, produced page by page as text chunks for a
 * streamed answer: its security events as NDJSON, its members' 2FA report as CSV. Each export is
 * checked once, before its first chunk (NOT_FOUND / FORBIDDEN as for the GraphQL operations).
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly securityEvents: SecurityEventsService,
    private readonly users: UsersService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeysService,
  ) {}

  async securityEventsNdjson(callerId: string, organizationId: string): Promise<AsyncIterable<string>> {
    await this.memberships.managerRole(callerId, organizationId);
    const events = this.securityEvents;
    return (async function* () {
      let after: string | null = null;
      for (;;) {
        const page = await events.pageForOrganization(organizationId, after, PAGE);
        if (page.length === 0) return;
        yield page
          .map((e) =>
            JSON.stringify({ id: e.id, type: e.type, occurredAt: e.occurredAt, organizationId: e.organizationId, userId: e.userId, actorUserId: e.actorUserId, ipAddress: e.ipAddress, userAgent: e.userAgent }),
          )
          .join('\n')
          .concat('\n');
        after = page[page.length - 1].id;
      }
    })();
  }

  async membersTwoFactorCsv(callerId: string, organizationId: string): Promise<AsyncIterable<string>> {
    await this.memberships.managerRole(callerId, organizationId);
    return this.membersReport(organizationId);
  }

  private async *membersReport(organizationId: string): AsyncIterable<string> {
    yield csvLine(MEMBERS_REPORT_HEADER);
    let after: string | null = null;
    for (;;) {
      const members = await this.memberships.memberPage(organizationId, after, PAGE);
      if (members.length === 0) return;
      const ids = members.map((m) => m.userId);
      const [users, codes, passkeys, signIns] = await Promise.all([
        this.users.findByIds(ids),
        this.recoveryCodes.countRemainingByUser(ids),
        this.passkeys.countByUser(ids),
        this.securityEvents.lastSignInByUser(ids),
      ]);
      const byId = new Map(users.map((u) => [u.id, u]));
      let chunk = '';
      for (const member of members) {
        const user = byId.get(member.userId);
        if (!user) continue;
        const enabled = user.twoFactorEnabledAt !== null;
        const hasPasskey = (passkeys.get(user.id) ?? 0) > 0;
        // With 2FA on the authenticator app is always there (passkeys come beside it, never alone).
        const factors = enabled ? ['app', ...(hasPasskey ? ['passkey'] : [])].join(' ') : '';
        chunk += csvLine([
          user.email,
          member.role,
          enabled,
          factors,
          hasPasskey,
          enabled ? codes.get(user.id) ?? 0 : 0,
          signIns.get(user.id) ?? null,
          member.joinedAt,
          enabled ? null : member.setupDeadline,
        ]);
      }
      yield chunk;
      after = members[members.length - 1].userId;
    }
  }
}
