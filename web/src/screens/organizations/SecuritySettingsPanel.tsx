import { useState } from 'react';
import { request } from '../../api/client';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { Checkbox, ErrorText, Field, Form, Notice, Select, useAction } from '../../components/forms';
import type { AllowedSecondFactors } from '../../gql/graphql';
import { type Organization, UpdateOrganizationSecuritySettingsDocument } from './operations';

/**
 * 'Organization Management > Security Settings'. The console does not pre-judge who may save: the
 * API refuses an admin without 2FA, and its reason is what the person reads; a hint says so beforehand.
 */
export function SecuritySettingsPanel({ organization, reload }: { organization: Organization; reload: () => void }) {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const settings = organization.securitySettings;
  const [requireTwoFactor, setRequireTwoFactor] = useState(settings.requireTwoFactor);
  const [graceHours, setGraceHours] = useState(String(settings.twoFactorGracePeriodHours));
  const [adminSecondFactors, setAdminSecondFactors] = useState<AllowedSecondFactors>(settings.adminSecondFactors);
  const [memberSecondFactors, setMemberSecondFactors] = useState<AllowedSecondFactors>(settings.memberSecondFactors);
  const factorOptions = [
    { value: 'ANY', label: t.organizations.factorsAny },
    { value: 'PHISHING_RESISTANT', label: t.organizations.factorsPhishingResistant },
  ];
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    setSaved(false);
    await request(UpdateOrganizationSecuritySettingsDocument, {
      input: { organizationId: organization.id, requireTwoFactor, twoFactorGracePeriodHours: Number(graceHours), adminSecondFactors, memberSecondFactors },
    });
    setSaved(true);
    reload();
  });

  return (
    <>
      <h2>{t.organizations.securityTab}</h2>
      <Form onSubmit={() => void save.run()}>
        {/* Every save needs the admin's own 2FA (the API refuses it otherwise): said only to those without it. */}
        {!session.user?.twoFactorEnabled && <p className="hint">{t.organizations.requireHint}</p>}
        <Checkbox label={t.organizations.requireTwoFactor} checked={requireTwoFactor} onChange={(e) => setRequireTwoFactor(e.target.checked)} />
        <Field
          label={t.organizations.graceHours}
          hint={t.organizations.graceHint}
          type="number"
          min={0}
          max={720}
          step={1}
          required
          value={graceHours}
          onChange={(e) => setGraceHours(e.target.value)}
        />
        <Select
          label={t.organizations.adminFactors}
          options={factorOptions}
          value={adminSecondFactors}
          onChange={(e) => setAdminSecondFactors(e.target.value as AllowedSecondFactors)}
        />
        <Select
          label={t.organizations.memberFactors}
          hint={t.organizations.factorsHint}
          options={factorOptions}
          value={memberSecondFactors}
          onChange={(e) => setMemberSecondFactors(e.target.value as AllowedSecondFactors)}
        />
        <ErrorText error={save.error} />
        {saved && <Notice>{t.saved}</Notice>}
        <button type="submit" className="primary" disabled={save.busy}>
          {t.save}
        </button>
      </Form>
      {settings.updatedAt && settings.updatedBy && <p className="hint">{t.organizations.lastChanged(formatDateTime(settings.updatedAt), settings.updatedBy.email)}</p>}
    </>
  );
}
