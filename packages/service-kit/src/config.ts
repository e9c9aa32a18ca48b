import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; problem: string }[]) {
    super('invalid configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a schema whose keys are the variable names.
 * Use `z.coerce` for numbers and `envBoolean` for flags.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings count as unset, so `FOO= npm start` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) {
    if (cleaned.NODE_ENV === 'production') refuseDevelopmentSecrets(result.data as Record<string, unknown>);
    return result.data;
  }
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(root)'),
      problem: issue.message,
    })),
  );
}

/** The prefix of every secret's built-in default: fine on a laptop, refused when NODE_ENV=production. */
export const DEVELOPMENT_SECRET_PREFIX = 'development-only-';

/** A secret variable (at least 32 characters) with a development default, `development-only-<what>`. */
export const envSecret = (what: string) =>
  z.string().min(32, 'must be at least 32 characters').default(`${DEVELOPMENT_SECRET_PREFIX}${what}`);

function refuseDevelopmentSecrets(config: Record<string, unknown>): void {
  const issues = Object.entries(config)
    .filter(([, value]) => typeof value === 'string' && value.startsWith(DEVELOPMENT_SECRET_PREFIX))
    .map(([variable]) => ({
      variable,
      problem: 'must be set in production (the default is for development only)',
    }));
  if (issues.length > 0) throw new ConfigError(issues);
}

/** `true`/`false`/`1`/`0` as a boolean environment variable. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/**
 * The settings every domain service shares. Absent KAFKA_BROKERS selects the embedded mode, in which
 * consumers read the producers' events tables directly (one machine only).
 */
export const platformConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.url().default('postgres://postgres:postgres@127.0.0.1:54329/postgres'),
  KAFKA_BROKERS: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  INTERNAL_TOKEN_SECRET: envSecret('internal-token-secret-change-me'),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

export interface ServiceConfig extends PlatformConfig {
  port: number;
  database: string;
}

/**
 * The platform settings plus the service's own `<SERVICE>_PORT` and `<SERVICE>_DATABASE`
 * (e.g. IDENTITY_PORT, IDENTITY_DATABASE), so all services can share one environment.
 */
export function loadServiceConfig(
  service: string,
  defaultPort: number,
  env: Record<string, string | undefined> = process.env,
): ServiceConfig {
  const prefix = service.toUpperCase();
  const own = loadConfig(
    z.object({
      [`${prefix}_PORT`]: z.coerce.number().int().min(0).max(65535).default(defaultPort),
      [`${prefix}_DATABASE`]: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase PostgreSQL identifier')
        .default(`seren_${service}`),
    }),
    env,
  ) as Record<string, unknown>;
  return {
    ...loadConfig(platformConfigSchema, env),
    port: own[`${prefix}_PORT`] as number,
    database: own[`${prefix}_DATABASE`] as string,
  };
}
