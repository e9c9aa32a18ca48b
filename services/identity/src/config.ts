import { envBoolean, envSecret, loadConfig } from '@seren/service-kit';
import { z } from 'zod';

/** Identity's own settings (the platform's are read by service-kit). Every one is optional. */
export const identityConfigSchema = z.object({
  /** Base URL of the console: links in mails point at `<CONSOLE_URL>/verify-email?token=...` etc. */
  CONSOLE_URL: z.url().default('http://localhost:3000'),
  /** SMTP server (smtp://user:pass@host:port). Unset: mail is written to MAIL_DIR and logged. */
  SMTP_URL: z.url().optional(),
  MAIL_DIR: z.string().default('.data/mail'),
  MAIL_FROM: z.string().default('Seren <no-reply@seren.local>'),
  /** The `iss` of identity's user tokens. */
  TOKEN_ISSUER: z.string().default('seren-identity'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3600),
  /** A new signing key after this many days; older keys stay in the JWKS until their tokens expired. */
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().positive().default(30),
  /**
   * The private signing keys are encrypted with a key derived from this secret. The default is for
   * development only; changing it makes the stored keys unreadable (identity then refuses to start).
   */
  SIGNING_KEY_ENCRYPTION_SECRET: envSecret('signing-key-secret-change-me'),
  EMAIL_TOKEN_TTL_HOURS: z.coerce.number().positive().default(24),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().positive().default(60),
  INVITE_TTL_DAYS: z.coerce.number().positive().default(7),
  /** Run the audit-log consumer in this process (default on). */
  AUDIT_LOG_CONSUMER: envBoolean(true),
  /** Its consumer group (tests give each service instance its own). */
  AUDIT_LOG_GROUP: z.string().min(1).default('identity.audit-log'),
  /**
   * Serebro's public base URL: the OAuth authorization server's issuer (src/oauth/); access tokens'
   * audience is this plus `/v2`. The gateway's Serebro port.
   */
  SEREBRO_PUBLIC_URL: z.url().default('http://localhost:4002'),
  /** Marketplace apps may name private or loopback webhook URLs (development only; default off). */
  MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS: envBoolean(false),
  /**
   * The vault's key-encryption key (src/vault/): an AES-256 key derived (HKDF-SHA256) from this secret
   * wraps each credential's data key. The default is for development only.
   */
  VAULT_KEK_SECRET: envSecret('vault-kek-secret-change-me'),
  /** The id of that key; a new id with a new secret rotates it (the old pair goes in VAULT_PREVIOUS_KEKS). */
  VAULT_KEK_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('k1'),
  /** Retired key-encryption keys still able to unwrap, `id:secret` separated by commas, until re-wrapped. */
  VAULT_PREVIOUS_KEKS: z.string().default(''),
  // ---- connected accounts (src/connections/) ----
  /** SerenAI's public base: the OAuth callbacks given to providers are `<it>/oauth/{provider}/callback`. */
  SERENAI_PUBLIC_URL: z.url().default('http://localhost:4001'),
  /** Serelo's public base: Facebook's callback is `<it>/api/v1/social/facebook/callback`. */
  SERELO_PUBLIC_URL: z.url().default('http://localhost:4003'),
  /**
   * Global OAuth providers (SerenAI), a JSON array: `[{"slug", "name", "issuer"? | "authorization_url" +
   * "token_url", "revocation_url"?, "userinfo_url"?, "scopes", "pkce_required"?, "custom_auth_params"?,
   * "client_id", "client_secret", "description"?, "logo_url"?}]`. See the README, "Connected accounts".
   */
  OAUTH_PROVIDERS: z.string().default('[]'),
  /** Where the browser lands after a SerenAI OAuth callback when the authorization named no redirect_uri. */
  OAUTH_FRONTEND_URL: z.url().optional(),
  /** Where the browser lands after Facebook's callback. */
  SOCIAL_FRONTEND_URL: z.url().optional(),
  /**
   * Frontend URLs a `redirect_uri` may name, comma-separated: same origin and under the path of one.
   * Default: the origins of OAUTH_FRONTEND_URL, SOCIAL_FRONTEND_URL and CONSOLE_URL.
   */
  OAUTH_REDIRECT_ALLOWLIST: z.string().default(''),
  /** Serelo's Facebook app; unset: Facebook is not configured (connect answers 403 FEATURE_NOT_AVAILABLE). */
  FACEBOOK_APP_ID: z.string().optional(),
  FACEBOOK_APP_SECRET: z.string().optional(),
  /** Graph API base (version included); the token endpoint is `<it>/oauth/access_token`. */
  FACEBOOK_GRAPH_BASE: z.url().default('https://graph.facebook.com/v21.0'),
  /** Facebook's login dialog (the authorization endpoint). */
  FACEBOOK_DIALOG_URL: z.url().default('https://www.facebook.com/v21.0/dialog/oauth'),
  FACEBOOK_SCOPES: z.string().default('pages_show_list,pages_manage_posts,pages_read_engagement'),
  /**
   * Private or loopback addresses provider URLs may reach (@seren/outbound's policy: IPs, CIDRs, host
   * names or `all`); empty by default. Tests allow their loopback provider.
   */
  OUTBOUND_ALLOW_PRIVATE: z.string().default(''),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
