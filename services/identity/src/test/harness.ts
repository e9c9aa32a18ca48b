import type { Writable } from 'node:stream';
import { signInternalToken, type Caller } from '@seren/service-kit';
import {
  TEST_INTERNAL_TOKEN_SECRET,
  freshConsumerGroup,
  startMailCatcher,
  testServiceEnv,
} from '@seren/testing';
import { startIdentityService, type IdentityService } from '../service';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Starts identity on the real servers with a fresh database, an audit-log consumer group of its own
 * (on Kafka) and a mail catcher.
 */
export async function startTestIdentity(
  options: { embedded?: boolean; env?: Record<string, string>; logDestination?: Writable } = {},
) {
  const [mail, auditLogGroup] = await Promise.all([
    startMailCatcher(),
    options.embedded ? undefined : freshConsumerGroup('identity.audit-log'),
  ]);
  const service: IdentityService = await startIdentityService(
    testServiceEnv('identity', {
      embedded: options.embedded,
      env: {
        SMTP_URL: mail.url,
        CONSOLE_URL: 'http://console.test',
        ...(auditLogGroup ? { AUDIT_LOG_GROUP: auditLogGroup } : {}),
        ...options.env,
      },
    }),
    { logDestination: options.logDestination },
  );
  const client = new IdentityClient(service.url);
  return {
    service,
    mail,
    client,
    async close() {
      await service.close();
      await mail.close();
    },
  };
}

export type TestIdentity = Awaited<ReturnType<typeof startTestIdentity>>;

/**
 * Follows the newest verification link mailed to `email` (registration mails one): the address is
 * then verified, which invites and password resets require.
 */
export async function verifyMailedAddress(t: TestIdentity, email: string): Promise<void> {
  const mail = await t.mail.waitFor(email, /verify/i);
  await t.client.ok(`mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`, { t: mail.token });
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}.${Date.now().toString(36)}.${++counter}@example.com`;
export const STRONG_PASSWORD = 'Correct-Horse-9-battery';

/** Talks to identity the way the gateway does: authenticate the credential, sign the caller, call the subgraph. */
export class IdentityClient {
  constructor(readonly url: string) {}

  async authenticate(
    credential: string,
    scheme: 'api_key' | 'bearer',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.url}/internal/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential, scheme }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** The caller the gateway would build for a credential (throws when it is refused). */
  async callerFor(credential: string, scheme: 'api_key' | 'bearer' = 'bearer'): Promise<Caller> {
    const { status, body } = await this.authenticate(credential, scheme);
    if (status !== 200) throw new Error(`authenticate answered ${status}: ${JSON.stringify(body)}`);
    return body.caller as Caller;
  }

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as?: Caller | { token: string } | { apiKey: string },
    headers: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> {
    let caller: Caller | undefined;
    if (as && 'token' in as) caller = await this.callerFor(as.token, 'bearer');
    else if (as && 'apiKey' in as) caller = await this.callerFor(as.apiKey, 'api_key');
    else caller = as as Caller | undefined;
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(caller
          ? { 'x-internal-token': await signInternalToken(caller, TEST_INTERNAL_TOKEN_SECRET) }
          : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<T>;
  }

  /** Like graphql() but throws on errors and returns data. */
  async ok<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as?: Parameters<IdentityClient['graphql']>[2],
  ): Promise<T> {
    const result = await this.graphql<T>(query, variables, as);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data!;
  }

  /** The first error's extensions.code (and reason), for asserting refusals. */
  async error(
    query: string,
    variables: Record<string, unknown> = {},
    as?: Parameters<IdentityClient['graphql']>[2],
  ) {
    const result = await this.graphql(query, variables, as);
    const error = result.errors?.[0];
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return {
      code: error.extensions?.code as string,
      reason: error.extensions?.reason as string | undefined,
      message: error.message,
    };
  }

  // ---- flows ---------------------------------------------------------------------------------

  async register(email = uniqueEmail(), name = 'Ada Lovelace', password = STRONG_PASSWORD) {
    const data = await this.ok<{ register: { id: string; email: string } }>(
      `mutation($email: String!, $password: String!, $name: String!) { register(email: $email, password: $password, name: $name) { id email } }`,
      { email, password, name },
    );
    return { ...data.register, email, password };
  }

  async login(email: string, password = STRONG_PASSWORD, headers: Record<string, string> = {}) {
    const result = await this.graphql<{
      login: { accessToken: string; refreshToken: string; sessionId: string; user: { id: string } };
    }>(
      `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken sessionId user { id } } }`,
      { email, password },
      undefined,
      headers,
    );
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.login;
  }

  /** A registered and logged-in user with their personal organization id. */
  async user(label = 'user') {
    const registered = await this.register(uniqueEmail(label));
    const tokens = await this.login(registered.email);
    const me = await this.ok<{ me: { defaultOrganization: { id: string } } }>(
      `{ me { defaultOrganization { id } } }`,
      {},
      { token: tokens.accessToken },
    );
    return {
      ...registered,
      ...tokens,
      as: { token: tokens.accessToken },
      personalOrganizationId: me.me.defaultOrganization.id,
    };
  }

  async agent(name?: string) {
    const data = await this.ok<{
      registerAgent: {
        user: { id: string; name: string };
        organization: { id: string };
        apiKey: { key: string; apiKey: { id: string } };
      };
    }>(
      `mutation($name: String) { registerAgent(name: $name) { user { id name } organization { id } apiKey { key apiKey { id } } } }`,
      { name },
    );
    const r = data.registerAgent;
    return {
      id: r.user.id,
      name: r.user.name,
      organizationId: r.organization.id,
      apiKey: r.apiKey.key,
      apiKeyId: r.apiKey.apiKey.id,
      as: { apiKey: r.apiKey.key },
    };
  }

  /** A team organization owned by the user. */
  async team(owner: { as: { token: string } }, name = 'Team') {
    const data = await this.ok<{ createOrganization: { id: string } }>(
      `mutation($name: String!) { createOrganization(name: $name) { id } }`,
      { name },
      owner.as,
    );
    return data.createOrganization.id;
  }
}
