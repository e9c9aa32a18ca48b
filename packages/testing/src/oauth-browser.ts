// A scripted browser for Serebro's OAuth consent pages (identity's src/oauth/pages.ts), for tests
// that run an authorization code flow end to end: identity's own, with a stand-in for the gateway,
// and the gateway's through its Serebro port.

/** A browser for the consent pages: cookies kept by name, redirects not followed. */
export class OAuthBrowser {
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

/**
 * Scripts the consent of an authorization URL: sign-in page, sign in, consent page, approve the
 * organization. Returns the final redirect to the app (with `code` and `state`, or an error).
 */
export async function scriptedConsent(
  browser: OAuthBrowser,
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
