import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, newUser } from './support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { newUserWithTwoFactor } from './support/two-factor';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const download = (path: string, token?: string) => {
  const call = t.http().get(path).buffer(true).parse((response, done) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => done(null, text));
  });
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
};

describe('exports', () => {
  it("the members' 2FA report: one CSV row per member with role, factors, codes left, last sign-in, joined and deadline", async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    expect((await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 })).errors).toBeUndefined();
    const requiredAt = t.clock.now();
    t.clock.advanceMinutes(5);
    const signedInAt = t.clock.now();
    await login(t, { email: member.email, password: member.password });

    const response = await download(`/exports/organizations/${organizationId}/members-two-factor.csv`, admin.token);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="members-two-factor-.*\.csv"$/);
    const [header, ...rows] = (response.body as string).trimEnd().split('\r\n');
    expect(header).toBe('email,role,two_factor_enabled,factors,has_passkey,recovery_codes_remaining,last_sign_in_at,joined_at,two_factor_deadline');
    const byEmail = new Map(rows.map((row) => [row.split(',')[0], row.split(',')]));
    expect(byEmail.size).toBe(3);
    expect(byEmail.get(owner.email)).toEqual([owner.email, 'OWNER', 'true', 'app', 'false', '10', '', expect.any(String), '']);
    const deadline = new Date(requiredAt.getTime() + 48 * 3_600_000).toISOString();
    expect(byEmail.get(admin.email)).toEqual([admin.email, 'ADMIN', 'false', '', 'false', '0', '', expect.any(String), deadline]);
    expect(byEmail.get(member.email)).toEqual([member.email, 'MEMBER', 'false', '', 'false', '0', signedInAt.toISOString(), expect.any(String), deadline]);
    for (const row of byEmail.values()) expect(new Date(row[7]).getTime()).toBeLessThanOrEqual(requiredAt.getTime());
  });

  it("the organization's security events as NDJSON, oldest first, the same events the console lists", async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationId = await newOrganization(t, owner.token);
    for (let n = 0; n < 3; n++) await addMember(t, owner.token, organizationId, (await newUser(t)).email);
    const response = await download(`/exports/organizations/${organizationId}/security-events.ndjson`, owner.token);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
    const listed = (
      await t.gql(
        'query($id: ID!) { organizationSecurityEvents(organizationId: $id, first: 200) { id type occurredAt ipAddress userAgent user { id } actor { id } } }',
        { id: organizationId },
        owner.token,
      )
    ).data!.organizationSecurityEvents.reverse();
    expect(lines.length).toBe(listed.length);
    lines.forEach((line, n) => {
      expect(line).toEqual({
        id: listed[n].id,
        type: listed[n].type,
        occurredAt: listed[n].occurredAt,
        organizationId,
        userId: listed[n].user?.id ?? null,
        actorUserId: listed[n].actor?.id ?? null,
        ipAddress: listed[n].ipAddress,
        userAgent: listed[n].userAgent,
      });
    });
    expect(lines.map((line) => line.type)).toEqual(expect.arrayContaining(['ORGANIZATION_INVITATION_SENT', 'ORGANIZATION_INVITATION_ACCEPTED']));
  });

  it('is for OWNERs and ADMINs under the global guard: no token 401, a MEMBER 403, a stranger 404', async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    const stranger = await newUser(t);
    for (const file of ['members-two-factor.csv', 'security-events.ndjson']) {
      const path = `/exports/organizations/${organizationId}/${file}`;
      const anonymous = await download(path);
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await download(path, member.token)).status).toBe(403);
      expect((await download(path, stranger.token)).status).toBe(404);
      expect((await download(`/exports/organizations/not-an-id/${file}`, owner.token)).status).toBe(404);
    }
  });
});
