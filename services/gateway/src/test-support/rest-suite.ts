import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { startCommerceService, type CommerceService } from '@seren/commerce';
import { startContentService, type ContentService } from '@seren/content';
import { startCrmService, type CrmService } from '@seren/crm';
import { startIdentityService, type IdentityService } from '@seren/identity';
import {
  freshConsumerGroupEnv,
  startMailCatcher,
  testServiceEnv,
  type ConsumerGroupEnv,
  type MailCatcher,
} from '@seren/testing';
import { loadGatewayConfig } from '../config';
import { startGateway, type Gateway } from '../gateway';
import { STRONG_PASSWORD, uniqueEmail } from './suite';

/** Every log line identity wrote, to look for secrets in. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(chunk.toString());
    callback();
  }
  get text() {
    return this.lines.join('');
  }
}

export interface RestSuite {
  identity: IdentityService;
  content: ContentService;
  commerce: CommerceService;
  crm: CrmService;
  gateway: Gateway;
  mail: MailCatcher;
  logs: LogCapture;
  /** the services' consumer groups (each fresh, given to every service) */
  groups: ConsumerGroupEnv;
  /** GraphQL through the gateway's /graphql, as a client would send it */
  client: GatewayGraphQL;
  serenai: (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ) => Promise<RestResponse>;
  serelo: (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ) => Promise<RestResponse>;
  /** Serebro's port: v1 at `/`, v2 at `/v2/` */
  serebro: (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ) => Promise<RestResponse>;
  close(): Promise<void>;
}

export interface RestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  text: string;
}

/** identity (logging at debug into a capture), content, commerce and the gateway, on the real servers. */
export async function startRestSuite(
  options: {
    rateLimits?: boolean;
    /** extra gateway settings */
    env?: Record<string, string>;
    /** extra content settings (e.g. PAYSTACK_API_BASE, or the TEMPORAL_ADDRESS of a time-skipping server) */
    contentEnv?: Record<string, string>;
    /** extra commerce settings */
    commerceEnv?: Record<string, string>;
    /** extra identity settings (e.g. connected accounts' providers) */
    identityEnv?: Record<string, string>;
    /** extra crm settings (e.g. OUTBOUND_ALLOW_PRIVATE for a test's loopback webhook receiver) */
    crmEnv?: Record<string, string>;
  } = {},
): Promise<RestSuite> {
  // every consumer a group of its own: parallel suites sharing one would split its partitions
  const [mail, groups] = await Promise.all([startMailCatcher(), freshConsumerGroupEnv()]);
  const logs = new LogCapture();
  // Serebro's port is known before identity starts: it is the OAuth issuer (SEREBRO_PUBLIC_URL)
  const serebroPort = await freePort();
  const [identity, content, commerce, crm] = await Promise.all([
    startIdentityService(
      testServiceEnv('identity', {
        env: {
          SEREBRO_PUBLIC_URL: `http://127.0.0.1:${serebroPort}`,
          SMTP_URL: mail.url,
          CONSOLE_URL: 'http://console.test',
          LOG_LEVEL: 'debug',
          ...groups,
          ...options.identityEnv,
        },
      }),
      {
        logDestination: logs,
      },
    ),
    startContentService(
      testServiceEnv('content', {
        env: { ...groups, ...options.contentEnv },
      }),
    ),
    startCommerceService(
      testServiceEnv('commerce', {
        env: {
          ...groups,
          // the tests' upstreams (HTTP APIs, PostgreSQL, A2A agents) are loopback servers; other
          // private addresses (RFC 1918, link-local, metadata) stay refused
          OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8,::1/128,localhost',
          // tests change a publisher and call it at once: the proxy reads it on every call
          PROXY_PUBLISHER_CACHE_MS: '0',
          ...options.commerceEnv,
        },
      }),
    ),
    startCrmService(
      testServiceEnv('crm', {
        env: { ...groups, ...options.crmEnv },
      }),
    ),
  ]);
  const gateway = await startGateway(
    loadGatewayConfig({
      ...testServiceEnv('gateway'),
      GATEWAY_PORT: '0',
      SERENAI_PORT: '0',
      SEREBRO_PORT: String(serebroPort),
      // identity's issuer: a branded host's redirects to it are rewritten (rest/serebro/branded-hosts.ts)
      SEREBRO_PUBLIC_URL: `http://127.0.0.1:${serebroPort}`,
      SERELO_PORT: '0',
      IDENTITY_URL: identity.url,
      CONTENT_URL: content.url,
      COMMERCE_URL: commerce.url,
      CRM_URL: crm.url,
      RATE_LIMITS_ENABLED: options.rateLimits ? 'true' : 'false',
      ...options.env,
    }),
  );
  const call =
    (base: string) =>
    async (
      method: string,
      path: string,
      opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
    ): Promise<RestResponse> => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: response.status, body, headers: response.headers, text };
    };
  return {
    identity,
    content,
    commerce,
    crm,
    gateway,
    mail,
    logs,
    groups,
    client: new GatewayGraphQL(gateway.listeners.graphql.url),
    serenai: call(gateway.listeners.serenai.url),
    serelo: call(gateway.listeners.serelo.url),
    serebro: call(gateway.listeners.serebro.url),
    async close() {
      await gateway.close();
      await Promise.all([identity.close(), content.close(), commerce.close(), crm.close()]);
      await mail.close();
    },
  };
}

/** A port free now (the OS's next ephemeral one), for a listener whose URL must be known first. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The gateway's /graphql as a client sees it, for the steps a REST test sets up over GraphQL. */
export class GatewayGraphQL {
  constructor(readonly url: string) {}

  /** Runs an operation as the bearer of `as.token` (if given): its data and errors. */
  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as?: { token: string },
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(as ? { authorization: `Bearer ${as.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as never;
  }

  /** Like graphql() but throws on errors and returns data. */
  async ok<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as?: { token: string },
  ): Promise<T> {
    const result = await this.graphql<T>(query, variables, as);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data!;
  }

  /** The first error's code, reason and message, for asserting refusals. */
  async error(query: string, variables: Record<string, unknown> = {}, as?: { token: string }) {
    const result = await this.graphql(query, variables, as);
    const error = result.errors?.[0];
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return {
      code: error.extensions?.code as string,
      reason: error.extensions?.reason as string | undefined,
      message: error.message,
    };
  }

  async register(email = uniqueEmail(), name = 'Ada Lovelace', password = STRONG_PASSWORD) {
    const data = await this.ok<{ register: { id: string; email: string } }>(
      `mutation($email: String!, $password: String!, $name: String!) { register(email: $email, password: $password, name: $name) { id email } }`,
      { email, password, name },
    );
    return { ...data.register, email, password };
  }
}
