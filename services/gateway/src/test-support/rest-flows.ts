import type { RestSuite } from './rest-suite';
import { STRONG_PASSWORD, uniqueEmail } from './suite';

/** A Serelo-registered user logged in through the gateway: `token` works on every product. */
export async function restUser(s: RestSuite, label = 'rest') {
  const email = uniqueEmail(label);
  const registered = await s.serelo('POST', '/api/v1/auth/register', {
    body: { email, password: STRONG_PASSWORD, name: 'Rest User' },
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
  const login = await s.serelo('POST', '/api/v1/auth/login', { body: { email, password: STRONG_PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  const me = await s.serenai('GET', '/auth/me', { token: login.body.access_token });
  return {
    id: registered.body.id as string,
    email,
    token: login.body.access_token as string,
    refreshToken: login.body.refresh_token as string,
    organizationId: me.body.data.default_organization.id as string,
  };
}

export async function restAgent(s: RestSuite, name?: string) {
  const response = await s.serenai('POST', '/auth/agent', { body: name ? { name } : {} });
  if (response.status !== 201) throw new Error(`agent: ${response.status} ${response.text}`);
  const d = response.body.data;
  return {
    id: d.user.id as string,
    name: d.user.name as string,
    token: d.api_key as string,
    keyId: d.api_key_id as string,
    organizationId: d.organization.id as string,
  };
}

/** Polls until `check` holds (the gateway caches authentication answers for up to 5 s). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 8_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Follows the newest verification link mailed to `email` (registration mails one): invites and password resets need a verified address. */
export async function verifyMailedAddress(s: RestSuite, email: string): Promise<void> {
  const mail = await s.mail.waitFor(email, /verify/i);
  const r = await s.serenai('POST', '/auth/verify-email', { body: { token: mail.token } });
  if (r.status !== 200) throw new Error(`verify-email: ${r.status} ${r.text}`);
}
