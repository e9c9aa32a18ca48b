import type { Readable } from 'node:stream';
import { outboundFetch, type OutboundPolicy } from '@seren/outbound';
import type { ProxyPublisher, PublisherSecrets } from '../publishers/index.js';

// The request an API publisher's upstream gets: its URL under the publisher's api_url, only the
// caller headers the publisher allows (renamed where it says), its static headers, its sealed
// api_headers and credential (api_key_header, api_key_query_param, or an OAuth 2.0
// client-credentials token). Sent through @seren/outbound (private addresses refused at connect
// time, no redirect followed, a timeout).

/** Never from the caller, whatever a publisher allows: hop-by-hop headers and our own. */
const NEVER_PASSED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'authorization',
  'cookie',
  'x-internal-token',
  'x-payment',
  'payment-signature',
  'x-forwarded-for',
  'x-request-id',
]);

/** Response headers not copied back: hop-by-hop, the body's framing (fetch decodes it), cookies of the upstream's site. */
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'set-cookie',
  'location',
]);

export interface CallerRequest {
  method: string;
  /** the path under the publisher, without a leading slash (`v1/items/42`), segments decoded */
  path: string;
  /** the caller's query string without `?` */
  search: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Readable;
}

export interface UpstreamTarget {
  url: URL;
  headers: Record<string, string>;
}

/** The upstream URL and headers of a call (pure: the credential comes in `secrets`, a token in `bearer`). */
export function upstreamTargetOf(
  publisher: ProxyPublisher,
  secrets: PublisherSecrets,
  request: CallerRequest,
  bearer?: string,
): UpstreamTarget {
  const upstream = publisher.upstream;
  if (!upstream.apiUrl) throw new Error(`publisher ${publisher.slug} has no api_url`);
  const url = new URL(upstream.apiUrl);
  const tail = request.path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .map(encodeURIComponent)
    .join('/');
  if (tail) url.pathname = `${url.pathname.replace(/\/+$/, '')}/${tail}`;
  const query = new URLSearchParams(url.search);
  for (const [name, value] of new URLSearchParams(request.search)) query.append(name, value);
  if (upstream.apiKeyQueryParam && secrets.upstreamApiKey)
    query.set(upstream.apiKeyQueryParam, secrets.upstreamApiKey);
  url.search = query.toString();

  const headers: Record<string, string> = {};
  const allowed = new Set(upstream.allowedPassthroughHeaders.map((h) => h.toLowerCase()));
  allowed.add('content-type');
  allowed.add('accept');
  const rewrite = new Map(
    Object.entries(upstream.passthroughHeaderRewrite).map(([from, to]) => [
      from.toLowerCase(),
      to.toLowerCase(),
    ]),
  );
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || NEVER_PASSED.has(lower) || !(allowed.has(lower) || rewrite.has(lower)))
      continue;
    headers[rewrite.get(lower) ?? lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (upstream.requestContentType && request.body && !headers['content-type'])
    headers['content-type'] = upstream.requestContentType;
  for (const [name, value] of Object.entries(upstream.upstreamHeaders)) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(secrets.apiHeaders ?? {})) headers[name.toLowerCase()] = value;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  else if (upstream.apiKeyHeader && secrets.upstreamApiKey) {
    const header = upstream.apiKeyHeader.toLowerCase();
    const key = secrets.upstreamApiKey;
    // Authorization takes a scheme: a bare key (static, or a JWT) is sent as a bearer token
    headers[header] = header === 'authorization' && !/\s/.test(key) ? `Bearer ${key}` : key;
  }
  return { url, headers };
}

/** The upstream's response headers the caller gets; a redirect within the upstream points back through the proxy. */
export function returnedHeaders(
  response: Headers,
  upstreamBase: URL,
  proxyBase: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  response.forEach((value, name) => {
    if (!NOT_RETURNED.has(name)) headers[name] = value;
  });
  const location = response.get('location');
  if (location) {
    // a redirect elsewhere is not followed, nor shown (it would name hosts behind the publisher)
    const target = new URL(location, upstreamBase);
    const basePath = upstreamBase.pathname.replace(/\/+$/, '');
    if (target.origin === upstreamBase.origin && (target.pathname + '/').startsWith(basePath + '/'))
      headers.location = `${proxyBase}${target.pathname.slice(basePath.length)}${target.search}`;
  }
  return headers;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * OAuth 2.0 client-credentials tokens of `auth_type: oauth2_cc` publishers, cached per publisher
 * until a minute before they expire (this process only: each replica asks for its own).
 */
export class ClientCredentialsTokens {
  private readonly cache = new Map<string, CachedToken>();

  async tokenFor(publisher: ProxyPublisher, secrets: PublisherSecrets, policy: OutboundPolicy, now: number) {
    const upstream = publisher.upstream;
    const key = `${publisher.id}:${upstream.oauth2ClientId}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.token;
    if (!upstream.oauth2TokenUrl || !upstream.oauth2ClientId || !secrets.oauth2ClientSecret)
      throw new Error('oauth2_cc needs oauth2_token_url, oauth2_client_id and oauth2_client_secret');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (upstream.oauth2Scopes.length) form.set('scope', upstream.oauth2Scopes.join(' '));
    const basic = Buffer.from(
      `${encodeURIComponent(upstream.oauth2ClientId)}:${encodeURIComponent(secrets.oauth2ClientSecret)}`,
    ).toString('base64');
    const response = await outboundFetch(
      upstream.oauth2TokenUrl,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: 10_000,
        field: 'oauth2_token_url',
      },
      policy,
    );
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string')
      throw new Error(`the token endpoint answered ${response.status} without an access_token`);
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.cache.set(key, { token: body.access_token, expiresAt: now + Math.max(0, lifetime - 60) * 1000 });
    return body.access_token;
  }
}
