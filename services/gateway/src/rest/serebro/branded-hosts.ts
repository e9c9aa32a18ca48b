import { isIP } from 'node:net';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { requestIdFrom, type Caller, type Logger } from '@seren/service-kit';
import type { Authenticator } from '../../edge/authenticate.js';
import type { GraphExecutor } from '../../graphql/context.js';
import { serebro, SEREBRO_LOCATION_MESSAGE } from '../products.js';
import type { RestError } from '../types.js';

// Serebro on its customers' branded domains (spec §6): a request whose Host is none of the
// gateway's own names is looked up in crm (`brandedHost`, one GraphQL query, cached); a verified
// domain is served by Serebro's app exactly as its default host, and an unknown or unverified one
// is Serebro's 404. A location's host serves only requests acting in that location, an agency's
// host the agency and its locations: crm decides (`BrandedHost.serves`), the edge only asks and
// answers 403 LOCATION_FORBIDDEN. No rule about domains lives here.
//
// Limits: answers are cached for BRANDED_HOST_CACHE_TTL_MS (default 15 s) per host and per (host,
// organization), so a removed or newly verified domain takes up to that long to change here; the
// TTL is the only invalidation (the gateway consumes no crm events).

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A verified branded host, as crm answered it. */
export interface BrandedHost {
  domain: string;
  organizationId: string;
  level: 'AGENCY' | 'LOCATION';
}

/** What the Host lookup put on the raw request: the verified host. */
const BRANDED = Symbol('serebro.brandedHost');
type Marked = IncomingMessage & { [BRANDED]?: BrandedHost };

export interface BrandedHostsOptions {
  graph: GraphExecutor;
  authenticator: Authenticator;
  logger: Logger;
  /** the gateway's own host names (product hosts, GATEWAY_HOSTS, SEREBRO_PUBLIC_URL's host): never looked up */
  ownHosts: Array<string | undefined>;
  /** SEREBRO_PUBLIC_URL: redirects a branded host's answers make to it are rewritten to the branded host */
  publicUrl: string;
  ttlMs: number;
  maxEntries?: number;
}

const HOST_QUERY = `query SerebroBrandedHost($host: String!) {
  brandedHost(host: $host) { domain organizationId level }
}`;
const SERVES_QUERY = `query SerebroBrandedHostServes($host: String!, $organizationId: ID!) {
  brandedHost(host: $host) { serves(organizationId: $organizationId) }
}`;

/** A small TTL cache of promises (one lookup in flight per key), dropped whole when full. */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // a failed lookup is not remembered
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

export class BrandedHosts {
  private readonly own: Set<string>;
  private readonly publicOrigin: string;
  private readonly hosts: TtlCache<BrandedHost | undefined>;
  private readonly serving: TtlCache<boolean>;

  constructor(private readonly options: BrandedHostsOptions) {
    const publicUrl = new URL(options.publicUrl);
    this.publicOrigin = publicUrl.origin;
    this.own = new Set(
      [...options.ownHosts, publicUrl.hostname].filter((h): h is string => !!h).map((h) => hostnameOf(h)),
    );
    this.hosts = new TtlCache(options.ttlMs, options.maxEntries ?? 10_000);
    this.serving = new TtlCache(options.ttlMs, options.maxEntries ?? 10_000);
  }

  /**
   * Whether a Host is the gateway's own (served as before): a configured name, an IP address, a
   * name without a dot (`localhost`, a container's service name) or under `.localhost`. A branded
   * domain always has a dot.
   */
  isOwnHost(hostHeader: string | undefined): boolean {
    if (!hostHeader) return true;
    const host = hostnameOf(hostHeader);
    return this.own.has(host) || isIP(host) !== 0 || !host.includes('.') || host.endsWith('.localhost');
  }

  /** The verified branded host a Host header names, or undefined (unknown or unverified). Cached. */
  lookup(hostHeader: string): Promise<BrandedHost | undefined> {
    const host = hostnameOf(hostHeader);
    return this.hosts.get(host, async () => {
      const data = await this.query(HOST_QUERY, { host });
      return (data?.brandedHost as BrandedHost | null) ?? undefined;
    });
  }

  /**
   * The HostRouter hook: a Host that is not the gateway's own is looked up; a verified one is handed
   * to Serebro's app, marked with what it is (for `admit`); an unknown or unverified one is answered
   * 404 in Serebro's shape on any path, without reaching a route. While the lookup runs the
   * request's body waits unread. A crm that cannot answer is a 503.
   */
  unknownHostHandler(serebroHandler: Handler): (req: IncomingMessage, res: ServerResponse) => boolean {
    return (req, res) => {
      const hostHeader = req.headers.host;
      if (this.isOwnHost(hostHeader)) return false;
      this.lookup(hostHeader!).then(
        (host) => {
          if (!host)
            return answer(
              res,
              404,
              'NOT_FOUND',
              `${hostnameOf(hostHeader!)} is not a verified Serebro domain`,
            );
          (req as Marked)[BRANDED] = host;
          this.rewriteRedirects(res, host.domain);
          serebroHandler(req, res);
        },
        (error: unknown) => {
          this.options.logger.error({ err: error, host: hostHeader }, 'branded host lookup failed');
          answer(res, 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
        },
      );
      return true;
    };
  }

  /**
   * The engine's admission hook, once the caller and its location are known: on a branded host,
   * crm says whether the host serves the organization the request acts in; else 403.
   */
  admit(request: FastifyRequest, caller: Caller): Promise<RestError | undefined> | undefined {
    const host = (request.raw as Marked)[BRANDED];
    if (!host || caller.kind === 'anonymous' || !caller.organizationId) return undefined;
    return this.servesOrRefuses(host, caller.organizationId);
  }

  private async servesOrRefuses(host: BrandedHost, organizationId: string): Promise<RestError | undefined> {
    const serves = await this.serving.get(`${host.domain}\u0000${organizationId}`, async () => {
      const data = await this.query(SERVES_QUERY, { host: host.domain, organizationId });
      return (data?.brandedHost as { serves: boolean } | null)?.serves ?? false;
    });
    if (serves) return undefined;
    return { status: 403, code: 'LOCATION_FORBIDDEN', message: SEREBRO_LOCATION_MESSAGE };
  }

  /**
   * Redirects a branded host's answers make to Serebro's default public URL (identity's OAuth
   * consent and callback links) point at the branded host instead, so the browser stays on the brand.
   */
  private rewriteRedirects(res: ServerResponse, domain: string) {
    const origin = this.publicOrigin;
    const branded = `https://${domain}`;
    const rewrite = (value: unknown) =>
      typeof value === 'string' && (value === origin || value.startsWith(`${origin}/`))
        ? branded + value.slice(origin.length)
        : value;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const location = res.getHeader('location');
      if (location !== undefined) res.setHeader('location', rewrite(location) as string);
      const headers = rest[rest.length - 1];
      if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
        const h = headers as OutgoingHttpHeaders;
        for (const name of Object.keys(h))
          if (name.toLowerCase() === 'location') h[name] = rewrite(h[name]) as string;
      }
      return writeHead(status, ...rest);
    }) as ServerResponse['writeHead'];
  }

  private async query(document: string, variables: Record<string, unknown>) {
    const result = await this.options.graph.execute(document, variables, {
      internalToken: await this.options.authenticator.anonymousToken(),
      requestId: 'branded-host',
    });
    if (result.errors?.length) throw new Error(`brandedHost: ${result.errors[0]!.message}`);
    return result.data;
  }
}

/** Serebro's error body, answered before any app ran (an unknown host, crm unavailable). */
function answer(res: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify(serebro.errorBody({ status, code, message }));
  const requestId = requestIdFrom(res.req?.headers['x-request-id']);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'x-request-id': requestId,
  });
  res.end(body);
}

/** A Host header's host name: lower case, without port, brackets or trailing dot. */
function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return bare.replace(/\.$/, '');
}
