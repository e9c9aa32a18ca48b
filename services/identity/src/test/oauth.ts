import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerApp } from '../marketplace/apps';
import { OAUTH_INTERNAL_PREFIX } from '../oauth/routes';
import { startTestIdentity, type TestIdentity } from './harness';

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

/** A browser for the consent pages: cookies kept by name, redirects not followed. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const response = await fetch(new URL(url, this.base), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: init.form && new URLSearchParams(init.form).toString(),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = /expires=Thu, 01 Jan 1970/i.test(line);
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }
}

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

/**
 * Scripts the consent of an authorization URL: sign-in page, sign in, consent page, approve the
 * organization. Returns the final redirect to the app (with `code` and `state`, or an error).
 */
export async function consent(
  browser: Browser,
  authorizationUrl: string,
  user: { email: string; password: string },
  organizationId: string,
): Promise<URL> {
  let step = await browser.request(authorizationUrl);
  const trail: string[] = [];
  for (let hops = 0; hops < 10; hops++) {
    if (step.status !== 303 && step.status !== 302)
      throw new Error(
        `expected a redirect, got ${step.status}: ${step.text.replace(/<style>[^]*<\/style>/, '').slice(0, 1500)}`,
      );
    const location = step.location!;
    trail.push(`${step.status} → ${location}`);
    const consentPage = /\/v2\/oauth\/consent\/([\w-]+)$/.exec(new URL(location, 'http://x').pathname);
    if (!consentPage) {
      if (location.includes('/v2/oauth/')) {
        step = await browser.request(location);
        continue;
      }
      return new URL(location);
    }
    const page = await browser.request(location);
    trail.push(`page ${page.status}: ${/<h1>(.*?)<\/h1>/.exec(page.text)?.[1]}`);
    if (page.status !== 200)
      throw new Error(`consent page answered ${page.status}: ${page.text.slice(0, 300)}`);
    step = page.text.includes('/login"')
      ? await browser.request(`${location}/login`, { form: { email: user.email, password: user.password } })
      : await browser.request(`${location}/approve`, { form: { organization_id: organizationId } });
  }
  throw new Error(`too many redirects:\n${trail.join('\n')}`);
}
