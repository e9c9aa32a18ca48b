import { validationError } from '@seren/service-kit/errors';
import { checkOutboundUrl, outboundFetch, outboundPolicyFromEnv, OutboundRefused } from '@seren/outbound';
import type { IdentityConfig } from '../config.js';

/**
 * The outbound guard of connected accounts: every provider and Graph API URL is checked when it is
 * registered (a private or loopback address is refused unless OUTBOUND_ALLOW_PRIVATE allows it), and
 * every call goes through @seren/outbound's fetch, which checks the address it actually connects to
 * (DNS rebinding) and never follows redirects.
 */
export interface Outbound {
  /** 400 VALIDATION_ERROR (reason PRIVATE_ADDRESS, BAD_URL or UNRESOLVABLE) naming the field */
  check(url: string, field: string): Promise<void>;
  fetch(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal },
  ): Promise<Response>;
}

const guards = new WeakMap<IdentityConfig, Outbound>();

export function outboundOf(config: IdentityConfig): Outbound {
  let guard = guards.get(config);
  if (!guard) {
    const policy = outboundPolicyFromEnv({ OUTBOUND_ALLOW_PRIVATE: config.OUTBOUND_ALLOW_PRIVATE });
    guard = {
      async check(url, field) {
        try {
          await checkOutboundUrl(url, policy, { field });
        } catch (error) {
          if (error instanceof OutboundRefused)
            throw validationError(`${field}: ${describe(error.reason)}`, { field, reason: error.reason });
          throw error;
        }
      },
      fetch: (url, init) =>
        outboundFetch(
          url,
          { ...(init as Parameters<typeof outboundFetch>[1]), timeoutMs: 10_000 },
          policy,
        ) as Promise<Response>,
    };
    guards.set(config, guard);
  }
  return guard;
}

const describe = (reason: string) =>
  reason === 'PRIVATE_ADDRESS'
    ? 'a private or loopback address is not allowed'
    : reason === 'UNRESOLVABLE'
      ? 'the host does not resolve'
      : 'not a valid http(s) URL';
