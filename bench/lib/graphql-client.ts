import { Agent, request } from 'node:http';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: GraphQLError[];
}

/** A small keep-alive client for the setup phase (the measured load goes through autocannon). */
export class GraphQLClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL('/graphql', baseUrl);
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> {
    const body = JSON.stringify({ query, variables });
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(this.url, { method: 'POST', agent: this.agent, headers, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });
    let parsed: { data?: T; errors?: GraphQLError[] };
    try {
      parsed = JSON.parse(text) as { data?: T; errors?: GraphQLError[] };
    } catch {
      throw new Error(`HTTP ${status}, not JSON: ${text.slice(0, 200)}`);
    }
    return { status, data: parsed.data ?? undefined, errors: parsed.errors };
  }

  /** Like gql, but any error is thrown with the operation's name. */
  async must<T = Record<string, any>>(name: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const result = await this.gql<T>(query, variables, token);
    if (result.errors?.length || !result.data) {
      throw new Error(`${name}: HTTP ${result.status} ${JSON.stringify(result.errors ?? result)}`);
    }
    return result.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

export const AUTH_FIELDS = 'accessToken status expiresAt user { id email twoFactorEnabled }';

export const Q = {
  signUp: `mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`,
  login: `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`,
  me: '{ me { id email name twoFactorEnabled createdAt } }',
  startSetup: 'mutation { startTwoFactorSetup { step email expiresAt } }',
  verifySetupEmail: 'mutation($code: String!) { verifyTwoFactorSetupEmail(code: $code) { manualEntryKey } }',
  confirmSetup: 'mutation($code: String!) { confirmTwoFactorSetup(code: $code) { codes generatedAt } }',
  completeSetup: `mutation($saved: Boolean!) { completeTwoFactorSetup(recoveryCodesSaved: $saved) { ${AUTH_FIELDS} } }`,
  verifyLoginSecondFactor: `mutation($input: VerifyLoginSecondFactorInput!) { verifyLoginSecondFactor(input: $input) { ${AUTH_FIELDS} } }`,
} as const;
