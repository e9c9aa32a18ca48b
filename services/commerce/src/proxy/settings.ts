import { loadConfig } from '@seren/service-kit';
import { outboundPolicyFromEnv, type OutboundPolicy } from '@seren/outbound';
import { z } from 'zod';
import { PublisherDatabases } from './database.js';
import { PublisherCache } from './publisher-cache.js';
import { ClientCredentialsTokens } from './upstream.js';

const proxyConfig = z.object({
  /**
   * how long an upstream may take, headers and body, before the call fails (504) and costs nothing; under
   * the gateway's 30 s wait for a forwarded answer's headers, so the caller gets our 504, not the edge's error
   */
  PROXY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
  /** how long after the upstream's timeout a hold nobody settled (its process died) is released by the sweep */
  PROXY_HOLD_GRACE_MS: z.coerce.number().int().positive().default(60_000),
  /** how often the sweep looks for such holds, and for x402 claims of dead calls */
  PROXY_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** the region this proxy calls upstreams from (the geo-restriction 403's `proxy_region` when the publisher names none) */
  PROXY_REGION: z.string().min(1).default('us-east-1'),
  /**
   * how long a publisher (settings, pricing, opened secrets) is reused between calls at most; a change
   * drops it sooner (publisher-cache.ts), so this is the backstop; 0 reads it every call
   */
  PROXY_PUBLISHER_CACHE_MS: z.coerce.number().int().nonnegative().default(30_000),
});

/** The proxy's settings and what it keeps between calls (OAuth tokens, database pools). */
export interface ProxyRuntime {
  upstreamTimeoutMs: number;
  holdGraceMs: number;
  sweepIntervalMs: number;
  region: string;
  /** what user-given upstreams may be reached although private (OUTBOUND_ALLOW_PRIVATE) */
  policy: OutboundPolicy;
  tokens: ClientCredentialsTokens;
  databases: PublisherDatabases;
  /** the publishers of recent calls, by slug (PROXY_PUBLISHER_CACHE_MS; dropped when they change) */
  publishers: PublisherCache;
}

export function proxyRuntimeOf(env: Record<string, string | undefined>): ProxyRuntime {
  const config = loadConfig(proxyConfig, env);
  const policy = outboundPolicyFromEnv(env as NodeJS.ProcessEnv);
  return {
    upstreamTimeoutMs: config.PROXY_UPSTREAM_TIMEOUT_MS,
    holdGraceMs: config.PROXY_HOLD_GRACE_MS,
    sweepIntervalMs: config.PROXY_SWEEP_INTERVAL_MS,
    region: config.PROXY_REGION,
    policy,
    tokens: new ClientCredentialsTokens(),
    databases: new PublisherDatabases(policy),
    publishers: new PublisherCache(config.PROXY_PUBLISHER_CACHE_MS),
  };
}
