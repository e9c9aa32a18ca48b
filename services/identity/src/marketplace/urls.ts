import { isIP } from 'node:net';
import { validationError } from '@seren/service-kit/errors';

// URL rules of marketplace apps. Pure (no DNS): a webhook host that resolves to a private address
// is the delivery's to refuse (the crm webhook engine checks the address it connects to); here the
// literal forms are refused, so a registered URL never names a private or loopback host outright.

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

/** True for loopback, private (RFC 1918, unique-local), link-local, CGNAT, unspecified and metadata addresses. */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.internal') || h.endsWith('.local'))
    return true;
  const kind = isIP(h);
  if (kind === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (kind === 6) {
    if (h === '::' || h === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return isPrivateAddress(mapped[1]!);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(h);
  }
  return false;
}

/**
 * A webhook URL (outbound: the INSTALL/UNINSTALL deliveries go there): https, or http when private
 * addresses are allowed (development); a private or loopback host is refused unless `allowPrivate`.
 */
export function webhookUrl(value: unknown, allowPrivate: boolean, field = 'webhookUrl'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000)
    throw validationError(`${field}: a URL of at most 2000 characters`, { field });
  const url = parse(value, field);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate))
    throw validationError(`${field} must be https`, { field });
  if (!allowPrivate && isPrivateAddress(url.hostname))
    throw validationError(`${field} must not name a private or loopback address`, {
      field,
      reason: 'PRIVATE_ADDRESS',
    });
  return value;
}
