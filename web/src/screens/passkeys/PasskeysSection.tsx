import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { browserSupportsPasskeys, createPasskey } from '../../api/webauthn';
import type { PasskeysQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import { FinishPasskeyRegistrationDocument, PasskeysDocument, RemovePasskeyDocument, RenamePasskeyDocument, StartPasskeyRegistrationDocument } from './operations';
import { DataTable } from '../../components/data-table';

type Passkey = PasskeysQuery['passkeys'][number];
/** What the section shows under the list: nothing, or one form at a time. */
type Panel = { kind: 'add' } | { kind: 'rename' | 'remove'; passkey: Passkey } | null;
/** What was just done, kept untranslated so the notice follows a change of language. */
type Done = { kind: 'added'; name: string } | { kind: 'renamed' | 'removed' } | null;

const MAX_NAME_LENGTH = 64;

/** 'Passkeys and security keys' on the 2-Step Verification tab: list, add, rename, remove. */
export function PasskeysSection() {
  const { t, formatDateTime } = useI18n();
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [done, setDone] = useState<Done>(null);
  const load = useAction(useCallback(async () => setPasskeys((await request(PasskeysDocument)).passkeys), []));
  const { run: loadPasskeys } = load;
  useEffect(() => {
    void loadPasskeys();
  }, [loadPasskeys]);

  const open = (next: Panel) => {
    setDone(null);
    setPanel(next);
  };
  const finished = (what: Done) => {
    setPanel(null);
    setDone(what);
    void loadPasskeys();
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t.passkeys.title}</h2>
      <p>{t.passkeys.intro}</p>
      <ErrorText error={load.error} />
      <Notice>{done && (done.kind === 'added' ? t.passkeys.addedNotice(done.name) : t.passkeys[done.kind])}</Notice>
      {passkeys && passkeys.length === 0 && <p>{t.passkeys.none}</p>}
      {passkeys && passkeys.length > 0 && (
        <DataTable label={t.passkeys.listLabel} columns={[t.passkeys.name, t.passkeys.added, t.passkeys.lastUsed, t.passkeys.signsInAlone]} actions={t.passkeys.actions}>
          {passkeys.map((passkey) => (
            <tr key={passkey.id}>
              <td>{passkey.name}</td>
              <td>{formatDateTime(passkey.createdAt)}</td>
              <td>{passkey.lastUsedAt ? formatDateTime(passkey.lastUsedAt) : t.never}</td>
              <td>{passkey.discoverable ? t.passkeys.yes : t.passkeys.no}</td>
              <td>
                <div className="row-actions">
                  <button type="button" aria-label={t.passkeys.renameLabel(passkey.name)} onClick={() => open({ kind: 'rename', passkey })}>
                    {t.passkeys.rename}
                  </button>
                  <button type="button" className="danger" aria-label={t.passkeys.removeLabel(passkey.name)} onClick={() => open({ kind: 'remove', passkey })}>
                    {t.passkeys.remove}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {panel === null &&
        (browserSupportsPasskeys() ? (
          <div className="actions">
            <button type="button" onClick={() => open({ kind: 'add' })}>
              {t.passkeys.add}
            </button>
          </div>
        ) : (
          <p className="warning">{t.passkeys.unsupported}</p>
        ))}
      {panel?.kind === 'add' && <AddPasskeyForm onCancel={() => setPanel(null)} onAdded={(name) => finished({ kind: 'added', name })} />}
      {panel?.kind === 'rename' && (
        <RenamePasskeyForm key={panel.passkey.id} passkey={panel.passkey} onCancel={() => setPanel(null)} onRenamed={() => finished({ kind: 'renamed' })} />
      )}
      {panel?.kind === 'remove' && (
        <RemovePasskeyForm key={panel.passkey.id} passkey={panel.passkey} onCancel={() => setPanel(null)} onRemoved={() => finished({ kind: 'removed' })} />
      )}
    </section>
  );
}

/** Password and a name, then the browser's own dialog creates the credential. */
export function AddPasskeyForm({ onCancel, onAdded }: { onCancel: () => void; onAdded: (name: string) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const add = useAction(async () => {
    const { startPasskeyRegistration: options } = await request(StartPasskeyRegistrationDocument, { password });
    const response = await createPasskey(options);
    const { finishPasskeyRegistration } = await request(FinishPasskeyRegistrationDocument, { input: { name: name.trim(), response } });
    onAdded(finishPasskeyRegistration.name);
  });

  return (
    <section aria-labelledby="passkey-add">
      <h3 id="passkey-add">{t.passkeys.add}</h3>
      <p>{t.passkeys.addIntro}</p>
      <Form onSubmit={() => void add.run()}>
        <Field label={t.passkeys.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Field label={t.passkeys.newName} hint={t.passkeys.nameHint} autoComplete="off" required maxLength={MAX_NAME_LENGTH} value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorText error={add.error} />
        <div className="actions end">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="primary" disabled={add.busy}>
            {t.passkeys.create}
          </button>
        </div>
      </Form>
    </section>
  );
}

function RenamePasskeyForm({ passkey, onCancel, onRenamed }: { passkey: Passkey; onCancel: () => void; onRenamed: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(passkey.name);
  const rename = useAction(async () => {
    await request(RenamePasskeyDocument, { input: { id: passkey.id, name: name.trim() } });
    onRenamed();
  });

  return (
    <section aria-labelledby="passkey-rename">
      <h3 id="passkey-rename">{t.passkeys.renameTitle(passkey.name)}</h3>
      <Form onSubmit={() => void rename.run()}>
        <Field label={t.passkeys.newName} hint={t.passkeys.nameHint} autoComplete="off" required maxLength={MAX_NAME_LENGTH} value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorText error={rename.error} />
        <div className="actions end">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="primary" disabled={rename.busy}>
            {t.save}
          </button>
        </div>
      </Form>
    </section>
  );
}

function RemovePasskeyForm({ passkey, onCancel, onRemoved }: { passkey: Passkey; onCancel: () => void; onRemoved: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const remove = useAction(async () => {
    await request(RemovePasskeyDocument, { id: passkey.id, password });
    onRemoved();
  });

  return (
    <section aria-labelledby="passkey-remove">
      <h3 id="passkey-remove">{t.passkeys.removeTitle(passkey.name)}</h3>
      <p>{t.passkeys.removeIntro}</p>
      <Form onSubmit={() => void remove.run()}>
        <Field label={t.passkeys.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorText error={remove.error} />
        <div className="actions end">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="danger" disabled={remove.busy}>
            {t.passkeys.removeSubmit}
          </button>
        </div>
      </Form>
    </section>
  );
}
