import { z } from 'zod';
import { envBoolean, loadConfig, platformConfigSchema } from '@seren/service-kit';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A rate-limit window: `limit` requests per `windowMs`. */
export const rateWindowSchema = z.object({
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
});
export type RateWindow = z.infer<typeof rateWindowSchema>;

/** `{"serelo.login": [{"limit": 2, "windowMs": 60000}]}`: replaces a limit class's windows (tests, tuning). */
const rateLimitOverridesSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      // `<product>.<class>`, `graphql.general`, or a credential counter `credential.<action>.<per>`
      z.string().regex(/^((serenai|serebro|serelo|graphql)\.[A-Za-z-]+|credential\.[A-Za-z]+\.[A-Za-z]+)$/),
      z.array(rateWindowSchema).min(1),
    ),
  );

/** The gateway's settings: its four public ports, where each subgraph lives, and the edge's policies. */
export const gatewayConfigSchema = platformConfigSchema
  .pick({ NODE_ENV: true, LOG_LEVEL: true, HOST: true, INTERNAL_TOKEN_SECRET: true, DATABASE_URL: true })
  .extend({
    GATEWAY_PORT: port(4000),
    SERENAI_PORT: port(4001),
    SEREBRO_PORT: port(4002),
    SERELO_PORT: port(4003),
    /** When set, a request to any gateway port whose Host header names a product is served as that product. */
    SERENAI_HOST: z.string().optional(),
    SEREBRO_HOST: z.string().optional(),
    SERELO_HOST: z.string().optional(),
    /**
     * The gateway's other own host names (comma-separated), served as before. Any other Host with a
     * dot is looked up as a Serebro branded domain (rest/serebro/branded-hosts.ts).
     */
    GATEWAY_HOSTS: z.string().default(''),
    /** Serebro's default public URL (identity's issuer): its host is the gateway's own; redirects to it are rewritten on a branded host. */
    SEREBRO_PUBLIC_URL: z.url().default('http://localhost:4002'),
    /** How long a branded host's lookup (and whether it serves an organization) is cached. */
    BRANDED_HOST_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(15_000),
    IDENTITY_URL: z.url().default('http://127.0.0.1:4101'),
    CRM_URL: z.url().default('http://127.0.0.1:4102'),
    CONTENT_URL: z.url().default('http://127.0.0.1:4103'),
    COMMERCE_URL: z.url().default('http://127.0.0.1:4104'),
    /** Database of the shared rate-limit counters, on the DATABASE_URL server. */
    GATEWAY_DATABASE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase PostgreSQL identifier')
      .default('seren_gateway'),
    /** Introspection of /graphql; defaults to on except in production. */
    GRAPHQL_INTROSPECTION: z.enum(['true', 'false', '1', '0']).optional(),
    /** `true`: /graphql errors keep the subgraphs' stack traces (`extensions.stacktrace`); off by default in every mode. */
    GRAPHQL_DEBUG: z.enum(['true', 'false', '1', '0']).default('false'),
    /**
     * Behind a load balancer: `true` (trust every hop) or comma-separated proxy addresses/CIDRs, so per-IP limits and logs see the client's address. Unset: the socket's.
     */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v) =>
        v === undefined
          ? undefined
          : v === 'true'
            ? true
            : v === 'false'
              ? false
              : v.split(',').map((a) => a.trim()),
      ),
    /**
     * Comma-separated allowed origins for CORS, `*`, or `none`. Unset: CONSOLE_URL's origin outside
     * production (the console that mail links open), none in production.
     */
    CORS_ORIGINS: z.string().optional(),
    /** The console's base URL (as identity's CONSOLE_URL), allowed by CORS by default outside production. */
    CONSOLE_URL: z.url().default('http://localhost:3000'),
    /** `Strict-Transport-Security: max-age=<n>; includeSubDomains` on requests that came over TLS; 0: never. */
    HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(31_536_000),
    /** How long an authentication answer from identity is reused (at most 5 s, the revocation bound). */
    AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5_000).default(5_000),
    AUTH_CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(50_000),
    RATE_LIMITS_ENABLED: envBoolean(true),
    RATE_LIMIT_OVERRIDES: rateLimitOverridesSchema.optional(),
    /** Sockets per subgraph in the keep-alive pool the gateway uses for subgraph fetches and forwards. */
    SUBGRAPH_CONNECTIONS: z.coerce.number().int().positive().default(128),
    // server-sent event streams stay open for minutes: their own pool, so they never starve GraphQL
    SUBGRAPH_STREAM_CONNECTIONS: z.coerce.number().int().positive().default(10_000),
    /** Bodies of forwarded routes (uploads) up to this many bytes. */
    FORWARD_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(gatewayConfigSchema, env);

export type SubgraphName = 'identity' | 'crm' | 'content' | 'commerce';

export function subgraphUrls(config: GatewayConfig): Record<SubgraphName, string> {
  return {
    identity: config.IDENTITY_URL,
    crm: config.CRM_URL,
    content: config.CONTENT_URL,
    commerce: config.COMMERCE_URL,
  };
}

/** The origins CORS allows: CORS_ORIGINS, else the console's outside production; undefined: none. */
export function corsOriginsOf(config: GatewayConfig): string | undefined {
  const given = config.CORS_ORIGINS?.trim();
  if (given) return given === 'none' ? undefined : given;
  return config.NODE_ENV === 'production' ? undefined : new URL(config.CONSOLE_URL).origin;
}

/** Whether GraphQL errors keep their stack traces (GRAPHQL_DEBUG; never by default, in any mode). */
export const graphqlDebug = (config: GatewayConfig): boolean =>
  config.GRAPHQL_DEBUG === 'true' || config.GRAPHQL_DEBUG === '1';

export function introspectionEnabled(config: GatewayConfig): boolean {
  if (config.GRAPHQL_INTROSPECTION)
    return config.GRAPHQL_INTROSPECTION === 'true' || config.GRAPHQL_INTROSPECTION === '1';
  return config.NODE_ENV !== 'production';
}
