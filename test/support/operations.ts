import type { GraphQLResult, TestApp } from './test-app';

/** One small helper per operation; each returns `{ data, errors }` as the client would see them. */

export const USER_FIELDS = 'id email name twoFactorEnabled createdAt';
export const AUTH_FIELDS = `accessToken status expiresAt trustedDeviceToken trustedDeviceRejected user { ${USER_FIELDS} }`;
export const DEFAULT_PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  email: string;
  password: string;
  token: string;
  userId: string;
}

export const signUp = (t: TestApp, input: Record<string, unknown>) =>
  t.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`, { input });

export const login = (t: TestApp, input: Record<string, unknown>, headers?: Record<string, string>) =>
  t.gql(`mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`, { input }, undefined, headers);

export const me = (t: TestApp, token?: string) => t.gql(`{ me { ${USER_FIELDS} } }`, {}, token);

export const logout = (t: TestApp, token?: string) => t.gql('mutation { logout }', {}, token);

export const logoutEverywhere = (t: TestApp, token?: string) => t.gql('mutation { logoutEverywhere }', {}, token);

export const changePassword = (t: TestApp, token: string | undefined, input: Record<string, unknown>) =>
  t.gql('mutation($input: ChangePasswordInput!) { changePassword(input: $input) }', { input }, token);

export const mySecurityEvents = (t: TestApp, token?: string, first?: number) =>
  t.gql(
    'query($first: Int) { mySecurityEvents(first: $first) { id type occurredAt organizationId ipAddress userAgent user { id email } } }',
    { first },
    token,
  );

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

/**
 * The newest full session of each user the tests signed up, by email: helpers that must act as the
 * user (accepting an invitation in `addMember`) take it from here.
 */
const latestSessions = new Map<string, string>();

export function rememberSession(email: string, token: string): void {
  latestSessions.set(email.trim().toLowerCase(), token);
}

export function latestSessionOf(email: string): string | undefined {
  return latestSessions.get(email.trim().toLowerCase());
}

/** Signs a new user up and returns their full session. */
export async function newUser(t: TestApp, email = uniqueEmail(), password = DEFAULT_PASSWORD): Promise<SignedIn> {
  const result = await signUp(t, { email, password, name: 'Test User' });
  if (!result.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
  rememberSession(email, result.data.signUp.accessToken);
  return { email, password, token: result.data.signUp.accessToken, userId: result.data.signUp.user.id };
}

export function errorCode(result: GraphQLResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
