import { validationError } from '@seren/service-kit/errors';

// URL rules of marketplace apps: their form, pure (no DNS). Where a webhook URL points is checked
// by the service when it is registered (apps.ts: every address its host resolves to, through
// @seren/outbound), and again by the delivery at connect time (the crm webhook engine).

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function parse(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationError(`${field} must be an absolute URL`, { field });
  }
  if (url.username || url.password) throw validationError(`${field} must not carry credentials`, { field });
  if (url.hash) throw validationError(`${field} must not have a fragment`, { field });
  return url;
}

/**
 * A redirect URI: https, or http on a loopback host (RFC 8252's native apps, and local
 * development); no fragment (RFC 6749 §3.1.2), no credentials. Compared exactly at the authorization endpoint.
 */
export function redirectUri(value: unknown, field = 'redirectUris'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000)
    throw validationError(`${field}: a URL of at most 2000 characters`, { field });
  const url = parse(value, field);
  const loopback = LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw validationError(`${field} must be https (http only on localhost, 127.0.0.1 or [::1])`, { field });
  return value;
}

/**
 * A webhook URL's form (outbound: the INSTALL/UNINSTALL deliveries go there): absolute, https (http
 * only when `allowHttp`, for development), no credentials, no fragment. Whether its host may be
 * reached is the service's check (`checkWebhookTarget` in apps.ts).
 */
export function webhookUrl(value: unknown, allowHttp: boolean, field = 'webhookUrl'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000)
    throw validationError(`${field}: a URL of at most 2000 characters`, { field });
  const url = parse(value, field);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp))
    throw validationError(`${field} must be https`, { field });
  return value;
}
