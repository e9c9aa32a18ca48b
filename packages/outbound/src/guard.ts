import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit, type Response } from 'undici';
import { permits, type OutboundPolicy } from './policy.js';

// The guard every call to a user-given URL goes through. A URL is checked twice: when it is
// registered (its name resolved now, so the user hears at once that it points inside), and when
// it is called, against the address the socket actually connects to, because the name may resolve
// elsewhere by then (DNS rebinding). Redirects are never followed: a public URL that answers 302
// to http://169.254.169.254/ must not take us there.

export type RefusalReason = 'BAD_URL' | 'PRIVATE_ADDRESS' | 'UNRESOLVABLE';

/** A call refused before anything was sent. `url` is the URL as given; never a secret of ours. */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
  constructor(
    readonly reason: RefusalReason,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

export interface UrlRules {
  /** the field the URL came in, for the message */
  field?: string;
  /** accepted schemes; http and https by default */
  protocols?: readonly string[];
}

/** Parses a URL and checks its form: an accepted scheme, a host, no user or password in it. */
export function parseOutboundUrl(value: string, rules: UrlRules = {}): URL {
  const field = rules.field ?? 'url';
  const protocols = rules.protocols ?? ['http:', 'https:'];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OutboundRefused('BAD_URL', value, `${field} must be an absolute URL`);
  }
  if (!protocols.includes(url.protocol))
    throw new OutboundRefused('BAD_URL', value, `${field} must use ${protocols.map((p) => p.slice(0, -1)).join(' or ')}`);
  if (!url.hostname) throw new OutboundRefused('BAD_URL', value, `${field} must name a host`);
  if (url.username || url.password)
    throw new OutboundRefused('BAD_URL', value, `${field} must not carry a user name or password`);
  return url;
}

const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

function refusedAddress(url: URL, field: string): OutboundRefused {
  return new OutboundRefused(
    'PRIVATE_ADDRESS',
    url.href,
    `${field} must not point at a private, loopback, link-local or metadata address`,
  );
}

/**
 * Registration-time check: the URL's form, then every address its host resolves to now. Resolves
 * with the parsed URL; throws OutboundRefused (`BAD_URL`, `PRIVATE_ADDRESS`, `UNRESOLVABLE`).
 */
export async function checkOutboundUrl(value: string, policy: OutboundPolicy, rules: UrlRules = {}): Promise<URL> {
  const field = rules.field ?? 'url';
  const url = parseOutboundUrl(value, rules);
  const host = bareHost(url);
  if (isIP(host) !== 0) {
    if (!permits(policy, host)) throw refusedAddress(url, field);
    return url;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise((resolve, reject) =>
      dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
    );
  } catch {
    throw new OutboundRefused('UNRESOLVABLE', value, `${field}: the host ${host} does not resolve`);
  }
  if (addresses.length === 0)
    throw new OutboundRefused('UNRESOLVABLE', value, `${field}: the host ${host} does not resolve`);
  if (addresses.some((a) => !permits(policy, a.address, host))) throw refusedAddress(url, field);
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls.connect that refuses a name resolving to an address the policy does not permit. */
function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      const refused = found.find((a) => !permits(policy, a.address, hostname));
      if (refused || found.length === 0) {
        const url = `//${hostname}`;
        return callback(
          Object.assign(new OutboundRefused('PRIVATE_ADDRESS', url, `${hostname} resolves to a private address`), {
            code: 'EOUTBOUNDREFUSED',
          }),
          [],
        );
      }
      if (options.all) return callback(null, found);
      const first = found[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export interface DispatcherOptions {
  /** connect timeout; 10 s by default */
  connectTimeoutMs?: number;
  /** sockets per origin; undici's default (unlimited) otherwise */
  connectionsPerOrigin?: number;
}

const dispatchers = new WeakMap<OutboundPolicy, Agent>();

/** An undici dispatcher that checks every address it connects to against the policy. One per policy, reused. */
export function outboundDispatcher(policy: OutboundPolicy, options: DispatcherOptions = {}): Agent {
  const cached = Object.keys(options).length === 0 ? dispatchers.get(policy) : undefined;
  if (cached) return cached;
  const agent = new Agent({
    connect: { lookup: guardedLookup(policy), timeout: options.connectTimeoutMs ?? 10_000 },
    ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
  });
  if (Object.keys(options).length === 0) dispatchers.set(policy, agent);
  return agent;
}

export interface OutboundInit extends Omit<UndiciRequestInit, 'redirect' | 'dispatcher'> {
  /** the whole call, headers and body included; 10 s by default */
  timeoutMs?: number;
  /** the field the URL came in, for messages */
  field?: string;
  /** a dispatcher made by outboundDispatcher with other options */
  dispatcher?: Agent;
}

/**
 * fetch for user-given URLs: the URL's form and, for an IP literal, its address checked before
 * anything is sent; a name's addresses checked at connect time; no redirect followed (a 3xx comes
 * back as it is); aborted after `timeoutMs`. A refusal rejects with OutboundRefused; a network
 * error or timeout as fetch's own.
 */
export async function outboundFetch(value: string | URL, init: OutboundInit, policy: OutboundPolicy): Promise<Response> {
  const { timeoutMs = 10_000, field = 'url', dispatcher, signal, ...rest } = init;
  const url = parseOutboundUrl(String(value), { field });
  const host = bareHost(url);
  if (isIP(host) !== 0 && !permits(policy, host)) throw refusedAddress(url, field);
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await undiciFetch(url, {
      ...rest,
      redirect: 'manual',
      dispatcher: dispatcher ?? outboundDispatcher(policy),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const refused = findRefusal(error);
    if (refused) throw new OutboundRefused('PRIVATE_ADDRESS', url.href, refusedAddress(url, field).message);
    throw error;
  }
}

function findRefusal(error: unknown): OutboundRefused | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1)
    if (e instanceof OutboundRefused || (e as NodeJS.ErrnoException).code === 'EOUTBOUNDREFUSED')
      return e as OutboundRefused;
  return undefined;
}
