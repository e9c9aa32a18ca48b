import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerApp } from '../marketplace/apps';
import { OAUTH_INTERNAL_PREFIX } from '../oauth/routes';
import { startTestIdentity, type TestIdentity } from './harness';

export { OAuthBrowser as Browser, scriptedConsent as consent } from '@seren/testing';

/**
 * Identity with Serebro's authorization server reachable as the gateway serves it: a small proxy
 * stands in for the gateway's forward rows (`/v2/oauth/*`, `/.well-known/oauth-authorization-server`
 * → identity's `/internal/serebro-oauth/*`, everything verbatim, redirects not followed), and its
 * URL is SEREBRO_PUBLIC_URL, the issuer. The gateway's own rows are tested in the gateway.
 */
export async function startOAuthIdentity(env: Record<string, string> = {}) {
  let target = '';
  const proxy: Server = createServer((req, res) => {
    const upstream = httpRequest(
      new URL(OAUTH_INTERNAL_PREFIX + (req.url ?? '/'), target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const t = await startTestIdentity({ embedded: true, env: { SEREBRO_PUBLIC_URL: publicUrl, ...env } });
  target = t.service.url;
  return {
    ...t,
    publicUrl,
    async close() {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await t.close();
    },
  };
}

export type OAuthIdentity = Awaited<ReturnType<typeof startOAuthIdentity>>;

/** A user who owns an agency with one location, and a marketplace app of that agency. */
export async function installation(
  t: TestIdentity,
  app: { distribution?: 'agency' | 'location'; scopes?: string[]; redirectUris?: string[] } = {},
) {
  const user = await t.client.user('installer');
  const agency = await t.client.ok<{ createAgency: { id: string } }>(
    `mutation { createAgency(name: "Acme Agency") { id } }`,
    {},
    user.as,
  );
  const location = await t.client.ok<{ createLocation: { id: string } }>(
    `mutation($a: ID!) { createLocation(agencyId: $a, name: "Acme Downtown") { id } }`,
    { a: agency.createAgency.id },
    user.as,
  );
  const caller = await t.client.callerFor(user.accessToken);
  const redirectUri = app.redirectUris?.[0] ?? 'http://localhost:9876/callback';
  const registered = await registerApp(
    t.service.identity,
    { caller, requestId: 'test' },
    agency.createAgency.id,
    {
      name: 'Acme Sync',
      redirectUris: app.redirectUris ?? [redirectUri],
      scopes: app.scopes ?? ['contacts:read', 'contacts:write', 'locations:read', 'oauth.write'],
      distribution: app.distribution ?? 'location',
    },
  );
  return {
    user,
    agencyId: agency.createAgency.id,
    locationId: location.createLocation.id,
    clientId: registered.app.clientId,
    clientSecret: registered.clientSecret,
    appId: registered.app.id,
    redirectUri,
  };
}

