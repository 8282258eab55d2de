import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { useSession } from '../../app/session';
import { graphql } from '../../gql';
import type { TrustedDevicesQuery as Devices } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Notice, useAction } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { DataTable } from '../../components/data-table';

const TrustedDevicesDocument = graphql(`
  query TrustedDevices {
    trustedDevices { id name createdAt lastUsedAt expiresAt }
  }
`);

const RevokeTrustedDeviceDocument = graphql(`
  mutation RevokeTrustedDevice($id: ID!) {
    revokeTrustedDevice(id: $id)
  }
`);

const LogoutEverywhereDocument = graphql(`
  mutation LogoutEverywhere {
    logoutEverywhere
  }
`);

/** Trusted devices (list, revoke one) and 'Sign out everywhere'. */
export function DevicesTab() {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const [devices, setDevices] = useState<Devices['trustedDevices'] | null>(null);
  const [revoked, setRevoked] = useState(false);
  const load = useAction(useCallback(async () => setDevices((await request(TrustedDevicesDocument)).trustedDevices), []));
  const revoke = useAction(async (id: string) => {
    await request(RevokeTrustedDeviceDocument, { id });
    setRevoked(true);
    await load.run();
  });
  const everywhere = useAction(async () => {
    await request(LogoutEverywhereDocument);
    session.forget('signedOut');
  });
  const { run: loadDevices } = load;
  useEffect(() => {
    void loadDevices();
  }, [loadDevices]);

  return (
    <AccountLayout current="/account/devices">
      <h2>{t.devices.trustedTitle}</h2>
      <p>{t.devices.trustedIntro}</p>
      <ErrorText error={load.error ?? revoke.error} />
      {revoked && <Notice>{t.devices.revoked}</Notice>}
      {devices && devices.length === 0 && <p>{t.devices.none}</p>}
      {devices && devices.length > 0 && (
        <DataTable columns={[t.devices.name, t.devices.added, t.devices.lastUsed, t.devices.expires]} actions={t.devices.revoke}>
          {devices.map((device) => {
            const name = device.name ?? t.devices.unnamed;
            return (
              <tr key={device.id}>
                <td>{name}</td>
                <td>{formatDateTime(device.createdAt)}</td>
                <td>{device.lastUsedAt ? formatDateTime(device.lastUsedAt) : t.never}</td>
                <td>{formatDateTime(device.expiresAt)}</td>
                <td>
                  <button type="button" title={t.devices.revokeLabel(name)} disabled={revoke.busy} onClick={() => void revoke.run(device.id)}>
                    {t.devices.revoke}
                  </button>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <h2>{t.devices.everywhereTitle}</h2>
      <p>{t.devices.everywhereIntro}</p>
      <ErrorText error={everywhere.error} />
      <button type="button" className="danger" disabled={everywhere.busy} onClick={() => void everywhere.run()}>
        {t.devices.everywhere}
      </button>
    </AccountLayout>
  );
}
