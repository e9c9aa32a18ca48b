import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCommerceService } from '@seren/commerce';
import { startContentService } from '@seren/content';
import { startCrmService } from '@seren/crm';
import { startIdentityService } from '@seren/identity';
import type { DomainService } from '@seren/service-kit';
import { freshConsumerGroupEnv, testServiceEnv } from '@seren/testing';
import { loadGatewayConfig } from '../config';
import { startGateway, type Gateway, type GatewayOverrides } from '../gateway';

/** identity, content, commerce and crm in-process on the real servers, each with a fresh database. */
export async function startSubgraphs(): Promise<{
  identity: DomainService;
  content: DomainService;
  commerce: DomainService;
  crm: DomainService;
  close(): Promise<void>;
}> {
  const mailDir = mkdtempSync(join(tmpdir(), 'gateway-test-mail-'));
  // every consumer a group of its own: parallel suites sharing one would split its partitions
  const groups = await freshConsumerGroupEnv();
  const [identity, content, commerce, crm] = await Promise.all([
    startIdentityService(
      testServiceEnv('identity', {
        env: {
          MAIL_DIR: mailDir,
          CONSOLE_URL: 'http://console.test',
          ...groups,
        },
      }),
    ),
    startContentService(testServiceEnv('content', { env: groups })),
    startCommerceService(testServiceEnv('commerce', { env: groups })),
    startCrmService(testServiceEnv('crm', { env: groups })),
  ]);
  await Promise.all([
    waitReady(identity.url),
    waitReady(content.url),
    waitReady(commerce.url),
    waitReady(crm.url),
  ]);
  return {
    identity,
    content,
    commerce,
    crm,
    close: async () => {
      await Promise.all([identity.close(), content.close(), commerce.close(), crm.close()]);
    },
  };
}

async function waitReady(url: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.ok) return;
    if (Date.now() > deadline)
      throw new Error(`${url} not ready: ${response?.status} ${await response?.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The environment of a gateway on free ports in front of the given subgraphs. */
export function gatewayEnv(
  subgraphs: {
    identity: { url: string };
    content: { url: string };
    commerce?: { url: string };
    crm?: { url: string };
  },
  env: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ...testServiceEnv('gateway'),
    SERENAI_PORT: '0',
    SEREBRO_PORT: '0',
    SERELO_PORT: '0',
    IDENTITY_URL: subgraphs.identity.url,
    CONTENT_URL: subgraphs.content.url,
    ...(subgraphs.commerce ? { COMMERCE_URL: subgraphs.commerce.url } : {}),
    ...(subgraphs.crm ? { CRM_URL: subgraphs.crm.url } : {}),
    ...env,
  };
}

export function startTestGateway(
  env: Record<string, string | undefined>,
  overrides?: GatewayOverrides,
): Promise<Gateway> {
  return startGateway(loadGatewayConfig(env), overrides);
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}.${Date.now().toString(36)}.${++counter}@example.com`;
export const STRONG_PASSWORD = 'Correct-Horse-9-battery';

// Tests read GraphQL results loosely; their assertions check the shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A response's JSON body, loosely typed: tests assert its shape. */
export const jsonOf = async (response: Response): Promise<Loose> => response.json();

export async function graphql(
  gateway: Gateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { data?: Loose; errors?: Loose[] }; headers: Headers }> {
  const response = await fetch(`${gateway.listeners.graphql.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never, headers: response.headers };
}

/** Registers a Serelo user through the gateway's GraphQL and logs in: the access token. */
export async function registerAndLogin(
  gateway: Gateway,
  name = 'Ada Lovelace',
): Promise<{ email: string; accessToken: string; refreshToken: string; userId: string }> {
  const email = uniqueEmail();
  const registered = await graphql(
    gateway,
    'mutation ($e: String!, $p: String!, $n: String!) { register(email: $e, password: $p, name: $n) { id } }',
    {
      e: email,
      p: STRONG_PASSWORD,
      n: name,
    },
  );
  if (registered.body.errors) throw new Error(JSON.stringify(registered.body.errors));
  const login = await graphql(
    gateway,
    'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken user { id } } }',
    {
      e: email,
      p: STRONG_PASSWORD,
    },
  );
  if (login.body.errors) throw new Error(JSON.stringify(login.body.errors));
  const tokens = login.body.data.login;
  return {
    email,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    userId: tokens.user.id,
  };
}
