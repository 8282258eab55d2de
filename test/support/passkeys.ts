import { login, type SignedIn } from './operations';
import { SoftwareAuthenticator } from './software-authenticator';
import type { TestApp } from './test-app';
import { verifyLoginSecondFactor } from './two-factor';

/** Operation helpers for passkeys, and registering a software one end to end. */

export const PASSKEY_FIELDS = 'id name createdAt lastUsedAt backedUp discoverable';

export const startPasskeyRegistration = (t: TestApp, token: string | undefined, password: string) =>
  t.gql('mutation($password: String!) { startPasskeyRegistration(password: $password) }', { password }, token);

export const finishPasskeyRegistration = (t: TestApp, token: string | undefined, input: { name: string; response: string }) =>
  t.gql(`mutation($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { ${PASSKEY_FIELDS} } }`, { input }, token);

export const listPasskeys = (t: TestApp, token?: string) => t.gql(`{ passkeys { ${PASSKEY_FIELDS} } }`, {}, token);

export const renamePasskey = (t: TestApp, token: string | undefined, id: string, name: string) =>
  t.gql(`mutation($input: RenamePasskeyInput!) { renamePasskey(input: $input) { ${PASSKEY_FIELDS} } }`, { input: { id, name } }, token);

export const removePasskey = (t: TestApp, token: string | undefined, id: string, password: string) =>
  t.gql('mutation($id: ID!, $password: String!) { removePasskey(id: $id, password: $password) }', { id, password }, token);

export const startPasskeySecondFactor = (t: TestApp, token?: string) => t.gql('mutation { startPasskeySecondFactor }', {}, token);

export const signInWithPasskey = (t: TestApp, token: string | undefined, passkeyResponse: string, rememberDevice?: boolean) =>
  verifyLoginSecondFactor(t, token, rememberDevice === undefined ? { passkeyResponse } : { passkeyResponse, rememberDevice });

/** Registers a new software passkey for a user with 2FA on, through the API. */
export async function addPasskey(t: TestApp, user: SignedIn, token: string, name = 'Test key'): Promise<{ authenticator: SoftwareAuthenticator; id: string }> {
  const authenticator = new SoftwareAuthenticator(t.config.publicUrl);
  const options = await startPasskeyRegistration(t, token, user.password);
  if (options.errors) throw new Error(`startPasskeyRegistration: ${JSON.stringify(options.errors)}`);
  const finished = await finishPasskeyRegistration(t, token, { name, response: authenticator.register(options.data!.startPasskeyRegistration) });
  if (finished.errors) throw new Error(`finishPasskeyRegistration: ${JSON.stringify(finished.errors)}`);
  return { authenticator, id: finished.data!.finishPasskeyRegistration.id };
}

/** A pending session and the passkey options it was given. */
export async function pendingWithOptions(t: TestApp, user: SignedIn): Promise<{ pending: string; options: string }> {
  const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken as string;
  const started = await startPasskeySecondFactor(t, pending);
  if (started.errors) throw new Error(`startPasskeySecondFactor: ${JSON.stringify(started.errors)}`);
  return { pending, options: started.data!.startPasskeySecondFactor };
}

