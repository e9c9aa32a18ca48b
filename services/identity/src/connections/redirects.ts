import { validationError } from '@seren/service-kit/errors';
import type { IdentityConfig } from '../config.js';

// Where the browser goes back to after a provider's callback: a frontend URL of the allowlist only
// (same origin, under an allowed path), so `redirect_uri` cannot make identity an open redirector.

export const frontendUrlOf = (config: IdentityConfig) =>
  config.OAUTH_FRONTEND_URL ?? new URL('/integrations/oauth', config.CONSOLE_URL).toString();
export const socialFrontendUrlOf = (config: IdentityConfig) =>
  config.SOCIAL_FRONTEND_URL ?? new URL('/social/accounts', config.CONSOLE_URL).toString();

function allowlistOf(config: IdentityConfig): URL[] {
  const named = config.OAUTH_REDIRECT_ALLOWLIST.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const entries =
    named.length > 0
      ? named
      : [frontendUrlOf(config), socialFrontendUrlOf(config), config.CONSOLE_URL].map(
          (u) => new URL(u).origin,
        );
  return entries.map((e) => new URL(e));
}

/** True when `candidate` is on the allowlist: http(s), no credentials, an allowed origin, under its path. */
export function isAllowedReturn(config: IdentityConfig, candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return false;
  return allowlistOf(config).some((allowed) => {
    if (allowed.origin !== url.origin) return false;
    const base = allowed.pathname.replace(/\/$/, '');
    return base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`);
  });
}

/** The frontend URL a flow returns to: the `redirect_uri` asked for when allowed (else 400), or the default. */
export function returnToOf(
  config: IdentityConfig,
  redirectUri: string | undefined,
  fallback: string,
): string {
  if (redirectUri === undefined || redirectUri === '') return fallback;
  if (!isAllowedReturn(config, redirectUri))
    throw validationError('redirect_uri is not an allowed frontend URL', {
      field: 'redirect_uri',
      reason: 'INVALID_REDIRECT_URI',
    });
  return redirectUri;
}

/** The return URL with the outcome: `status=success|error`, the provider and, on error, its code. */
export function outcome(returnTo: string, result: Record<string, string>): string {
  const url = new URL(returnTo);
  for (const [key, value] of Object.entries(result)) url.searchParams.set(key, value);
  return url.toString();
}
